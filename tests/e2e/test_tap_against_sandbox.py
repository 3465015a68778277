"""End to end: tap-cliniko against the Cliniko simulator extracts exactly what was generated."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest
from clinic_sandbox.testing import ClinikoSandbox, cliniko_sandbox

pytestmark = pytest.mark.slow


def run_tap(
    sandbox: ClinikoSandbox, workdir: Path, state: dict | None = None
) -> tuple[dict[str, set[str]], dict]:
    """Run the tap as a user would (its console script) and collect record ids per stream."""
    config = {
        "api_key": sandbox.api_key,
        "user_agent": sandbox.user_agent,
        "base_url": sandbox.base_url,
        "attachments_dir": str(workdir / "attachments"),
        "inventory_path": str(workdir / "inventory.json"),
    }
    (workdir / "config.json").write_text(json.dumps(config))
    args = [
        str(Path(sys.executable).parent / "tap-cliniko"),
        "--config",
        str(workdir / "config.json"),
    ]
    if state is not None:
        (workdir / "state.json").write_text(json.dumps(state))
        args += ["--state", str(workdir / "state.json")]
    out = subprocess.run(args, capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr[-3000:]
    ids: dict[str, set[str]] = defaultdict(set)
    emitted: dict[str, int] = defaultdict(int)
    last_state: dict = {}
    for line in out.stdout.splitlines():
        message = json.loads(line)
        if message["type"] == "RECORD":
            record = message["record"]
            key = (
                record.get("id")
                or f"{record.get('business_id')}/{record.get('appointment_type_id')}"
            )
            ids[message["stream"]].add(key)
            emitted[message["stream"]] += 1
        elif message["type"] == "STATE":
            last_state = message["value"]
    duplicated = {s: emitted[s] - len(ids[s]) for s in ids if emitted[s] != len(ids[s])}
    assert not duplicated, f"records emitted twice in one run: {duplicated}"
    return ids, last_state


@pytest.fixture(scope="module")
def sandbox() -> ClinikoSandbox:
    with cliniko_sandbox(patients=40, seed=11) as running:
        yield running


@pytest.fixture(scope="module")
def first_run(sandbox: ClinikoSandbox, tmp_path_factory: pytest.TempPathFactory):
    return run_tap(sandbox, tmp_path_factory.mktemp("tap-first"))


def test_every_stream_is_extracted_whole_including_hidden_rows(sandbox, first_run) -> None:
    ids, _ = first_run
    expected = {stream: c["total"] for stream, c in sandbox.counts.items()}
    got = {stream: len(ids.get(stream, ())) for stream in expected}
    assert got == expected
    assert len(expected) == 38


def test_a_second_run_after_edits_extracts_exactly_the_edited_records(
    sandbox, first_run, tmp_path
) -> None:
    _, state = first_run
    changed = {
        "patients": set(sandbox.mutate("patients", "edit", count=4)),
        "individual_appointments": set(sandbox.mutate("individual_appointments", "cancel", 3)),
        "treatment_notes": set(sandbox.mutate("treatment_notes", "archive", count=3)),
    }
    ids, _ = run_tap(sandbox, tmp_path, state=state)
    incremental = {s: found for s, found in ids.items() if s not in ("services", "settings")}
    assert incremental == changed
