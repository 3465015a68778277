"""Measure target-staging alone: records/s and peak RSS for N Cliniko-like 31-field records.

Usage: python plugins/staging/scripts/measure_target.py [records] [batch_size_rows]
The records are synthetic (no clinic data); everything is written to a temporary folder.
"""

from __future__ import annotations

import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

STRINGS = [
    "first_name",
    "last_name",
    "preferred_first_name",
    "title",
    "email",
    "gender",
    "sex",
    "address_1",
    "address_2",
    "address_3",
    "city",
    "state",
    "post_code",
    "country",
    "time_zone",
    "occupation",
    "reminder_type",
    "notes",
    "concession_type_id",
]
SCHEMA = {
    "type": "object",
    "properties": {
        "id": {"type": "string"},
        **{name: {"type": ["null", "string"]} for name in STRINGS},
        "date_of_birth": {"type": ["null", "string"], "format": "date"},
        **{
            name: {"type": ["null", "boolean"]}
            for name in (
                "accepted_privacy_policy",
                "accepted_sms_marketing",
                "receives_confirmation_emails",
            )
        },
        **{
            name: {"type": ["null", "string"], "format": "date-time"}
            for name in ("created_at", "updated_at", "archived_at", "deleted_at")
        },
        "patient_phone_numbers": {"type": ["null", "array"], "items": {"type": "object"}},
        "custom_fields": {"type": ["null", "object"]},
        "balance": {"type": ["null", "string"], "format": "x-singer.decimal"},
    },
}


def synthetic_record(number: int) -> dict:
    """One made-up patient-shaped record."""
    record: dict = {"id": str(1443966599630431868 + number)}
    record.update({name: f"{name}-{number}" for name in STRINGS})
    record.update(
        date_of_birth="2001-05-26",
        accepted_privacy_policy=True,
        accepted_sms_marketing=False,
        receives_confirmation_emails=True,
        created_at="2013-03-26T14:00:00Z",
        updated_at=f"2024-01-{1 + number % 28:02d}T{number % 24:02d}:00:00Z",
        archived_at=None,
        deleted_at=None,
        patient_phone_numbers=[{"phone_type": "Mobile", "number": "61400000000"}],
        custom_fields={"sections": [{"name": "Insurance", "fields": [{"value": f"P-{number}"}]}]},
        balance="12.50",
    )
    return record


def write_messages(path: Path, count: int) -> None:
    """The Singer input: one schema, the records, a state every 1,000 records."""
    with path.open("w") as out:
        out.write(
            json.dumps(
                {"type": "SCHEMA", "stream": "patients", "schema": SCHEMA, "key_properties": ["id"]}
            )
            + "\n"
        )
        for number in range(count):
            out.write(
                json.dumps(
                    {"type": "RECORD", "stream": "patients", "record": synthetic_record(number)}
                )
                + "\n"
            )
            if (number + 1) % 1000 == 0:
                out.write(json.dumps({"type": "STATE", "value": {"n": number + 1}}) + "\n")


def run_target(folder: Path, messages: Path, batch_size: int) -> tuple[float, float]:
    """Run target-staging once on a fresh file; return (wall seconds, CPU seconds)."""
    config = folder / "config.json"
    config.write_text(
        json.dumps({"path": str(folder / "staging.duckdb"), "batch_size_rows": batch_size})
    )
    for stale in folder.glob("staging.duckdb*"):
        stale.unlink()
    executable = shutil.which("target-staging") or "target-staging"
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    with messages.open() as stdin:
        subprocess.run(
            [executable, "--config", str(config)],
            stdin=stdin,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            check=True,
        )
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def main() -> None:
    """Print wall time, CPU time, records/s and peak RSS."""
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    batch_size = int(sys.argv[2]) if len(sys.argv) > 2 else 10_000
    with tempfile.TemporaryDirectory(prefix="measure-target-staging-") as name:
        folder = Path(name)
        empty, full = folder / "empty.jsonl", folder / "full.jsonl"
        write_messages(empty, 0)
        write_messages(full, count)
        start_wall, _ = run_target(folder, empty, batch_size)
        wall, cpu = run_target(folder, full, batch_size)
        peak_mib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"records={count} batch_size_rows={batch_size}")
    print(f"wall {wall:.2f} s, cpu {cpu:.2f} s, start-up alone {start_wall:.2f} s wall")
    print(f"records/s end to end: {count / wall:,.0f} (by CPU time: {count / cpu:,.0f})")
    print(f"records/s after start-up: {count / max(wall - start_wall, 1e-9):,.0f}")
    print(f"peak RSS: {peak_mib:.0f} MiB")


if __name__ == "__main__":
    main()
