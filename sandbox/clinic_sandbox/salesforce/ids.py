"""Salesforce record ids: 15 characters (key prefix + counter) plus the 3-character checksum."""

from __future__ import annotations

import string

_BASE62 = string.digits + string.ascii_uppercase + string.ascii_lowercase
_SUFFIX = string.ascii_uppercase + "012345"
# The pod/instance characters after the key prefix in a real id; "5S" reads as "simulator".
_POD = "5S"


def checksum(id15: str) -> str:
    """The case-safe suffix: one character per 5-character chunk, a bit per upper-case letter."""
    suffix = ""
    for start in (0, 5, 10):
        chunk = id15[start : start + 5]
        bits = sum(1 << i for i, char in enumerate(chunk) if "A" <= char <= "Z")
        suffix += _SUFFIX[bits]
    return suffix


def make_id(prefix: str, number: int) -> str:
    """The 18-character id of the `number`-th record with this key prefix."""
    digits = ""
    while number:
        number, rest = divmod(number, 62)
        digits = _BASE62[rest] + digits
    id15 = prefix + _POD + digits.rjust(10, "0")
    return id15 + checksum(id15)


def normalize(raw: str) -> str | None:
    """The 18-character form of a 15- or 18-character id, or None if it cannot be an id."""
    if not isinstance(raw, str) or len(raw) not in (15, 18) or not raw.isalnum():
        return None
    id18 = raw if len(raw) == 18 else raw + checksum(raw)
    return id18 if checksum(id18[:15]) == id18[15:] else None
