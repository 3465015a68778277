"""API calls and the minimum wall time a full run needs, from row counts and the CRM's limits."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from crmsync.client import CrmClient
from crmsync.ratelimit import Window
from crmsync.spec import ObjectSpec

# One call proves the key and loads the users before any write (SyncSession.start).
PREFLIGHT_CALLS = 1


def minimum_seconds(calls: int, windows: list[Window]) -> float:
    """The shortest time `calls` calls can take: each window lets a full quota through at once.

    N calls under "at most L in any S seconds" need ceil(N / L) - 1 full windows after the first
    burst; the tightest window decides.
    """
    if calls <= 0 or not windows:
        return 0.0
    return max((math.ceil(calls / w.max_calls) - 1) * w.seconds for w in windows)


def estimate(
    specs: Mapping[str, ObjectSpec],
    client: CrmClient,
    rows: Mapping[str, int | None],
    mapped: Mapping[str, int] | None = None,
) -> dict[str, Any]:
    """Per object: records, calls for a full run, calls per record; totals and wall times."""
    windows = client.limiter.windows
    objects: list[dict[str, Any]] = []
    for stream, spec in specs.items():
        records = rows.get(stream)
        calls = client.calls_for(spec, records) if records else 0
        objects.append(
            {
                "object": stream,
                "records": records,
                "in_id_map": None if mapped is None else mapped.get(stream, 0),
                "batch_size": spec.batch_size,
                "calls": calls,
                "calls_per_record": round(calls / records, 4) if records else None,
                "minimum_seconds_alone": minimum_seconds(calls, windows),
            }
        )
    total = PREFLIGHT_CALLS + sum(o["calls"] for o in objects)
    return {
        "limits": [{"seconds": w.seconds, "max_calls": w.max_calls} for w in windows],
        "objects": objects,
        "total_records": sum(o["records"] or 0 for o in objects),
        "total_calls": total,
        "minimum_seconds": minimum_seconds(total, windows),
        "sustained_seconds": client.limiter.seconds_for(total),
    }


def read_inventory(path: Path) -> dict[str, Any] | None:
    """Cliniko's record counts per stream (output/inventory.json from tap-cliniko:inventory)."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    streams = document.get("streams") if isinstance(document, dict) else None
    if not isinstance(streams, list):
        return None
    return {
        "generated_at": document.get("generated_at"),
        "total_records": document.get("total_records"),
        "streams": {s.get("stream"): s.get("records") for s in streams if isinstance(s, dict)},
    }


def duration_text(seconds: float) -> str:
    """`2h05m`, `4m10s`, `0s`: rounded up, so the minimum is never understated."""
    whole = math.ceil(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}h{minutes:02d}m"
    return f"{minutes}m{secs:02d}s" if minutes else f"{secs}s"
