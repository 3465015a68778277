"""Stable payload hashes: canonical JSON (sorted keys, no spaces) through SHA-256."""

from __future__ import annotations

import hashlib
import json
from typing import Any


def canonical_json(payload: dict[str, Any]) -> str:
    """The one serialisation hashes are taken of; key order and whitespace never matter."""
    return json.dumps(
        payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str
    )


def payload_hash(payload: dict[str, Any]) -> str:
    """SHA-256 of the canonical JSON of `payload`."""
    return hashlib.sha256(canonical_json(payload).encode("utf-8")).hexdigest()
