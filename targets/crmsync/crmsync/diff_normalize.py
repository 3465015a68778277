"""Equality up to what a CRM legitimately reformats: phones, dates and zones, decimals, case.

Each rule compares two values that are both of its kind; anything else must be equal as is
(after JSON text is parsed and empty text is taken for null).
"""

from __future__ import annotations

import datetime as dt
import decimal
import json
import re
from typing import Any

_PHONE_NOISE = re.compile(r"[\s\-().]")
_PHONE = re.compile(r"^\+?[\d\s\-().]{6,}$")


def same(sent: Any, stored: Any, picklist: bool = False) -> bool:
    """True when `stored` is what the CRM makes of `sent`."""
    sent, stored = _plain(sent), _plain(stored)
    if sent is None or stored is None:
        return sent is None and stored is None
    if isinstance(sent, list) and isinstance(stored, list):
        return len(sent) == len(stored) and all(
            same(a, b, picklist) for a, b in zip(sent, stored, strict=True)
        )
    if isinstance(sent, dict) and isinstance(stored, dict):
        # The CRM adds its own keys (ids, positions) to nested objects: compare what was sent.
        return all(same(v, stored.get(k), picklist) for k, v in sent.items())
    if isinstance(sent, bool) or isinstance(stored, bool):
        return _bool(sent) == _bool(stored)
    number_a, number_b = _number(sent), _number(stored)
    if number_a is not None and number_b is not None:
        return number_a == number_b
    when_a, when_b = _instant(sent), _instant(stored)
    if when_a is not None and when_b is not None:
        return when_a == when_b
    text_a, text_b = str(sent), str(stored)
    if text_a == text_b:
        return True
    if _PHONE.match(text_a) and _PHONE.match(text_b):
        return _PHONE_NOISE.sub("", text_a) == _PHONE_NOISE.sub("", text_b)
    return picklist and text_a.casefold() == text_b.casefold()


def _plain(value: Any) -> Any:
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return None
        if text[0] in "[{":
            try:
                return json.loads(text)
            except ValueError:
                return value
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    return value


def _bool(value: Any) -> Any:
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    return value


def _number(value: Any) -> decimal.Decimal | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float, decimal.Decimal)):
        return decimal.Decimal(str(value))
    if isinstance(value, str) and re.fullmatch(r"-?\d+(\.\d+)?", value.strip()):
        return decimal.Decimal(value.strip())
    return None


def _instant(value: Any) -> dt.datetime | dt.date | None:
    """A date, or a date-time as an aware UTC instant (naive ones are taken as UTC)."""
    if not isinstance(value, str) or len(value) < 10 or not value[:4].isdigit():
        return None
    text = value.strip().replace("Z", "+00:00")
    if len(text) == 10:
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            return None
    try:
        parsed = dt.datetime.fromisoformat(text.replace(" ", "T", 1))
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.timezone.utc)
    return parsed.astimezone(dt.timezone.utc)
