"""Work out a Cliniko API key's shard and base URL without ever echoing the key."""

from __future__ import annotations

import re

# Cliniko asks integrators to validate the suffix by pattern, not by a fixed list: shards get added.
SHARD_PATTERN = re.compile(r"^[a-z]{2}\d{1,2}$", re.IGNORECASE)
KNOWN_SHARDS = frozenset({"au1", "au2", "au3", "au4", "ca1", "uk1", "uk2", "eu1", "us1"})
# Keys are base64 text plus an optional "-<shard>" suffix; anything else is a paste error.
KEY_CHARACTERS = re.compile(r"^[A-Za-z0-9+/=_-]+$")
MIN_KEY_LENGTH = 8
DEFAULT_SHARD = "au1"


class ShardError(ValueError):
    """The API key cannot be a Cliniko key; the message never contains the key."""


def shard_of(api_key: str) -> str:
    """Return the lower-case shard named by the key's suffix (keys without one belong to au1).

    Raises:
        ShardError: the key is empty, has characters a key never has, or ends in a suffix
            that is not a shard.
    """
    if not isinstance(api_key, str) or len(api_key.strip()) < MIN_KEY_LENGTH:
        raise ShardError("api_key is empty or too short to be a Cliniko API key")
    if not KEY_CHARACTERS.match(api_key):
        raise ShardError(
            "api_key contains characters a Cliniko API key never has (spaces, quotes or line "
            "breaks?); paste the key exactly as Cliniko shows it"
        )
    if "-" not in api_key:
        return DEFAULT_SHARD
    suffix = api_key.rsplit("-", 1)[1]
    if not SHARD_PATTERN.match(suffix):
        raise ShardError(
            "api_key ends in an unknown shard suffix: Cliniko keys end in '-' plus two letters "
            "and one or two digits (e.g. '-au2'), or have no suffix at all"
        )
    return suffix.lower()


def base_url_for(shard: str) -> str:
    """The API root (including /v1) of a shard."""
    return f"https://api.{shard}.cliniko.com/v1"
