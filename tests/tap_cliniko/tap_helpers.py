"""Helpers for the tap-cliniko tests: config, a fast tap, a Singer runner, record builders."""

from __future__ import annotations

import io
import json
import re
from contextlib import redirect_stdout
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tap_cliniko.retry import RetryPolicy
from tap_cliniko.tap import TapCliniko
from tap_fake_api import BASE_URL

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared"
EXAMPLES = SHARED / "cliniko-api" / "examples"
OPENAPI = SHARED / "cliniko-api" / "openapi" / "cliniko-openapi-v1.2025-08.yaml"
API_KEY = "MS0xLTk5OTk5OTk5OTk5OTk5OTk5OTk5LXRlc3RrZXlub3RyZWFs-au1"


class FastTap(TapCliniko):
    """The tap with every retry wait shrunk a thousandfold."""

    retry_policy = RetryPolicy(scale=0.001)


def make_config(**overrides: Any) -> dict[str, Any]:
    """A valid config for the fake API."""
    config = {
        "api_key": API_KEY,
        "user_agent": "tap-cliniko tests (tests@example.com)",
        "base_url": BASE_URL,
        "max_requests_per_minute": 60000,
        "max_concurrent_requests": 1,
    }
    config.update(overrides)
    return config


@dataclass
class SyncResult:
    """The Singer messages of one run."""

    messages: list[dict[str, Any]] = field(default_factory=list)
    tap: TapCliniko | None = None

    def records(self, stream: str) -> list[dict[str, Any]]:
        """RECORD payloads of ``stream``, in output order."""
        return [
            m["record"] for m in self.messages if m["type"] == "RECORD" and m["stream"] == stream
        ]

    @property
    def state(self) -> dict[str, Any]:
        """The last STATE value."""
        states = [m["value"] for m in self.messages if m["type"] == "STATE"]
        return states[-1] if states else {}

    def bookmark(self, stream: str) -> str | None:
        """The stream's replication_key_value in the final state."""
        entry = self.state.get("bookmarks", {}).get(stream, {})
        return entry.get("replication_key_value")


def only_streams(catalog: dict[str, Any], names: set[str]) -> dict[str, Any]:
    """Select just ``names`` in a discovered catalog."""
    for entry in catalog["streams"]:
        selected = entry["tap_stream_id"] in names
        for metadata in entry["metadata"]:
            if metadata["breadcrumb"] == []:
                metadata["metadata"]["selected"] = selected
    return catalog


def run_tap(
    config: dict[str, Any],
    streams: set[str],
    state: dict[str, Any] | None = None,
    tap_class: type[TapCliniko] = FastTap,
) -> SyncResult:
    """Sync ``streams`` and collect the Singer messages."""
    catalog = tap_class(config=config).catalog_dict
    tap = tap_class(config=config, catalog=only_streams(catalog, streams), state=state or {})
    buffer = io.StringIO()
    with redirect_stdout(buffer):
        tap.sync_all()
    messages = [json.loads(line) for line in buffer.getvalue().splitlines() if line]
    return SyncResult(messages, tap)


def row(ident: int, updated_at: str, **fields: Any) -> dict[str, Any]:
    """A minimal Cliniko record."""
    return {
        "id": str(ident),
        "created_at": fields.pop("created_at", "2020-01-01T00:00:00Z"),
        "updated_at": updated_at,
        "links": {"self": f"{BASE_URL}/things/{ident}"},
        **fields,
    }


def link(resource: str, ident: int | str) -> dict[str, Any]:
    """A Cliniko to-one link object."""
    return {"links": {"self": f"{BASE_URL}/{resource}/{ident}"}}


def minute(n: int, second: int = 0) -> str:
    """A timestamp n minutes (and seconds) after 2024-01-01T00:00:00Z."""
    return f"2024-01-01T{n // 60:02d}:{n % 60:02d}:{second:02d}Z"


SECRET_PATTERN = re.compile(re.escape(API_KEY.split("-")[0]))
