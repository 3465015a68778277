"""The console scripts: target-staging reads stdin and prints state; tap-staging prints messages."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest
import tap_fixture
from staging_helpers import PATIENT_SCHEMA, patient, query, record, schema, state


def _executable(name: str) -> str:
    path = shutil.which(name)
    if path is None:  # the workspace venv installs the package; its absence is a broken setup
        pytest.fail(f"{name} is not installed in the workspace environment")
    return path


def test_target_staging_loads_stdin_and_prints_only_the_final_state(tmp_path):
    config = tmp_path / "config.json"
    config.write_text(json.dumps({"path": str(tmp_path / "staging.duckdb"), "batch_size_rows": 3}))
    messages = [schema("patients", PATIENT_SCHEMA)]
    for number in range(10):
        messages.append(record("patients", patient(number)))
        messages.append(state({"bookmarks": {"patients": {"done": number + 1}}}))

    result = subprocess.run(
        [_executable("target-staging"), "--config", str(config)],
        input="".join(json.dumps(m) + "\n" for m in messages),
        capture_output=True,
        text=True,
        check=True,
    )

    assert result.stdout.splitlines() == ['{"bookmarks": {"patients": {"done": 10}}}']
    assert query(tmp_path / "staging.duckdb", "SELECT count(*) FROM raw_cliniko.patients") == [
        (10,)
    ]
    assert "First3" not in result.stderr  # record contents never reach the log


def test_tap_staging_discovers_and_syncs_from_the_command_line(tmp_path):
    config = tmp_path / "config.json"
    config.write_text(json.dumps(tap_fixture.build(tmp_path)))

    result = subprocess.run(
        [_executable("tap-staging"), "--config", str(config)],
        capture_output=True,
        text=True,
        check=True,
    )

    kinds = [json.loads(line)["type"] for line in result.stdout.splitlines()]
    assert kinds.count("RECORD") == 6
    assert kinds[0] == "SCHEMA"
