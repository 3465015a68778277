"""Count the records of every stream before extracting: one cheap request per route."""

from __future__ import annotations

import datetime as dt
import json
import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tap_cliniko.attachments import private_dir
from tap_cliniko.client import ClinikoSettingsStream, ClinikoStream
from tap_cliniko.errors import StreamSkipped
from tap_cliniko.paging import envelope
from tap_cliniko.sources import total_entries

if TYPE_CHECKING:
    from tap_cliniko.tap import TapCliniko


def count_stream(stream: ClinikoStream) -> dict[str, Any]:
    """Records in one stream (hidden rows counted as the sync would include them)."""
    include_hidden = stream._tap.settings.include_archived
    wildcards = [f"{name}:*" for name in stream.hidden_row_filters] if include_hidden else []
    if isinstance(stream, ClinikoSettingsStream):
        context: dict[str, Any] = {"path": stream.path, "single": True}
        try:
            stream.send_page_request(context, None)
        except StreamSkipped:
            return {"stream": stream.name, "records": None, "status": "forbidden"}
        return {"stream": stream.name, "records": 1, "status": "ok"}
    count = 0
    for path in stream.route_paths:
        context = {"path": path, "filters": wildcards, "per_page": 1}
        try:
            body = envelope(stream.send_page_request(context, None))
        except StreamSkipped:
            return {"stream": stream.name, "records": None, "status": "forbidden"}
        found = total_entries(body)
        if found is None:
            return {"stream": stream.name, "records": None, "status": "no total_entries"}
        count += found
    return {"stream": stream.name, "records": count, "status": "ok"}


def take_inventory(tap: TapCliniko) -> dict[str, Any]:
    """Count every stream concurrently, behind the tap's shared limiter."""
    streams = [s for s in tap.streams.values() if isinstance(s, ClinikoStream)]
    with ThreadPoolExecutor(max_workers=tap.settings.max_concurrent_requests) as pool:
        rows = list(pool.map(count_stream, streams))
    return {
        "generated_at": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "endpoint": tap.settings.endpoint_label,
        "include_archived": tap.settings.include_archived,
        "requests": sum(len(s.route_paths) for s in streams),
        "total_records": sum(row["records"] or 0 for row in rows),
        "streams": rows,
    }


def format_table(inventory: dict[str, Any]) -> str:
    """A plain-text table of the counts."""
    width = max(len(row["stream"]) for row in inventory["streams"])
    lines = [f"{'stream':<{width}}  {'records':>10}  status", "-" * (width + 22)]
    for row in inventory["streams"]:
        records = "-" if row["records"] is None else f"{row['records']:,}"
        lines.append(f"{row['stream']:<{width}}  {records:>10}  {row['status']}")
    lines.append("-" * (width + 22))
    lines.append(f"{'total':<{width}}  {inventory['total_records']:>10,}")
    return "\n".join(lines)


def write_inventory(inventory: dict[str, Any], path: Path) -> None:
    """Write the JSON (mode 0600; a new parent folder gets mode 0700)."""
    if not path.parent.exists():
        private_dir(path.parent)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        json.dump(inventory, handle, indent=2)
        handle.write("\n")
    path.chmod(0o600)
