"""Two runs at once on one staging file, or on one sync store: the second stops, the first wins.

The staging file takes DuckDB's single-writer lock for the loader's whole run; the sync store
takes an flock on `<store>.lock` for the target's whole run (docs/staging.md, docs/crmsync.md).
The second run must exit non-zero at once with a message naming the file, and the first must
finish with exactly the result it would have had alone.
"""

from __future__ import annotations

import json
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from clinic_sandbox.freshsales.faults import FaultSettings
from crm_content import crm_content, differences
from e2e_pipeline import console, write_config
from killing import WAIT_SECONDS, read_json, start_extraction, write_calls
from pipelines import FreshsalesPipeline
from reference_run import Reference, freshsales_sim, inject_faults
from staging_content import raw_records

pytestmark = pytest.mark.slow

# What a second loader reads first: enough to open the file for writing.
SCHEMA = json.dumps(
    {
        "type": "SCHEMA",
        "stream": "patients",
        "schema": {"type": "object", "properties": {}},
        "key_properties": [],
    }
).encode()


def _wait_for(condition: Any, first: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while not condition():
        assert first.poll() is None, "the first run ended before the second could start"
        assert time.monotonic() < deadline
        time.sleep(0.01)


@dataclass
class Race:
    """A first run, and a second started on the same file while the first held it."""

    first: FreshsalesPipeline
    holder: int  # pid of the first run's process that holds the lock
    second: subprocess.CompletedProcess[bytes]
    first_exits: tuple[int, ...]
    sim: Any = None


@pytest.fixture(scope="module")
def staging_race(reference: Reference, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Race]:
    clinic = reference.cliniko
    first = FreshsalesPipeline(tmp_path_factory.mktemp("staging-race"), clinic, None)
    normal = clinic.configure()["latency_ms"]
    clinic.configure(latency_ms=40)  # the first run takes a few seconds
    try:
        tap, loader = start_extraction(
            first, read_json(reference.freshsales.work / "tap-cliniko.json")
        )
        _wait_for(first.staging.exists, loader)
        time.sleep(0.2)  # past the loader's first SCHEMA message: it holds the lock
        # A second pipeline's loader, same staging file.
        config = write_config(first.work / "second-staging.json", {"path": str(first.staging)})
        second = subprocess.run(
            [console("target-staging"), "--config", str(config)],
            input=SCHEMA,
            capture_output=True,
            timeout=WAIT_SECONDS,
            check=False,
        )
        _, loader_err = loader.communicate(timeout=WAIT_SECONDS)
        tap_code = tap.wait(timeout=WAIT_SECONDS)
    finally:
        clinic.configure(latency_ms=normal)
    assert loader.returncode == 0, loader_err.decode()[-3000:]
    yield Race(first, loader.pid, second, (tap_code, loader.returncode))


def test_a_second_run_on_a_staging_file_in_use_stops_naming_the_file(staging_race: Race) -> None:
    message = staging_race.second.stderr.decode()
    assert staging_race.second.returncode != 0
    staging = staging_race.first.staging
    assert f"The staging file {staging} is in use by another process" in message, message
    assert f"held by PID {staging_race.holder}" in message, message  # the process to wait for


def test_the_first_run_on_the_staging_file_is_intact(
    reference: Reference, staging_race: Race
) -> None:
    assert staging_race.first_exits == (0, 0)
    expected = raw_records(reference.freshsales.staging)
    assert raw_records(staging_race.first.staging) == expected


@pytest.fixture(scope="module")
def store_race(reference: Reference, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Race]:
    with freshsales_sim(reference.cliniko) as sim:
        first = FreshsalesPipeline(tmp_path_factory.mktemp("store-race"), reference.cliniko, sim)
        first.plan_apply(reference.manifest)
        inject_faults(sim, FaultSettings(latency_ms=20))  # the first run takes a few seconds
        target = first.start_load(reference.freshsales_messages)
        try:
            _wait_for(lambda: write_calls(sim.stats()) >= 5, target)
            second = first.load(reference.freshsales_messages)  # same config, same store
        finally:
            code = target.wait(timeout=WAIT_SECONDS)
        yield Race(first, target.pid, second, (code,), sim)


def test_a_second_run_on_a_sync_store_in_use_stops_naming_the_store(store_race: Race) -> None:
    message = store_race.second.stderr.decode()[-3000:]
    assert store_race.second.returncode != 0
    store = store_race.first.store_path.name
    assert f"another run is using the sync store {store}" in message, message
    assert f"held by PID {store_race.holder}" in message, message


def test_the_first_run_on_the_sync_store_is_intact(reference: Reference, store_race: Race) -> None:
    assert store_race.first_exits == (0,)
    store = store_race.first.store()
    try:
        statuses = [r["status"] for r in store.runs()]
        assert store.pending_intents() == []
    finally:
        store.close()
    assert statuses == ["succeeded"]  # the second never began a run
    assert differences(reference.freshsales_content, crm_content(store_race.sim)) == {}
