"""SIGKILL at seeded points of each step, ten kills in all, then re-run until done.

One migration folder and one empty Freshsales go through the whole pipeline; the tests run in
file order, each step killed before it is allowed to finish: the tap three times, the staging
loader twice, dbt twice, the target three times. After every kill the step is simply run again,
as the next scheduled run would. Promised (docs/reliability.md): the saved bookmarks never pass a
record the staging file does not hold, the staging file and the sync store stay usable, and the
CRM ends holding exactly what the fault-free run left: nothing missing, nothing twice.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from crm_content import crm_content, differences
from killing import extract_killed, read_json, transform_killed, wait_then_kill, write_calls
from pipelines import FreshsalesPipeline
from reference_run import Reference, freshsales_sim
from staging_content import bookmarks, raw_records, skipped_by_bookmarks, updated_at_by_id

pytestmark = pytest.mark.slow

SEED = 20261122
LATENCY_MS = 40  # spreads the tap's requests out, so a kill lands mid-extraction


@dataclass
class Crash:
    reference: Reference
    pipeline: FreshsalesPipeline
    sim: Any
    rng: random.Random
    kills: list[tuple[str, int]] = field(default_factory=list)


@pytest.fixture(scope="module")
def crash(reference: Reference, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Crash]:
    clinic = reference.cliniko
    with freshsales_sim(clinic) as sim:
        pipeline = FreshsalesPipeline(tmp_path_factory.mktemp("crash"), clinic, sim)
        pipeline.plan_apply(reference.manifest)
        normal = clinic.configure()["latency_ms"]
        clinic.configure(latency_ms=LATENCY_MS)
        try:
            yield Crash(reference, pipeline, sim, random.Random(SEED))
        finally:
            clinic.configure(latency_ms=normal)


def _kill_extraction(crash: Crash, victim: str) -> int:
    """Kill one extraction; check the state it left; return how many bookmarks it held."""
    ref = crash.reference
    point = crash.rng.randint(1, ref.extract_requests - 1)
    tap_config = read_json(ref.freshsales.work / "tap-cliniko.json")
    state, reached = extract_killed(crash.pipeline, tap_config, victim, point)
    crash.kills.append((victim, reached))
    if state is None or not crash.pipeline.staging.exists():
        return 0  # nothing committed, no bookmark moved: the next run starts where it was
    skipped = skipped_by_bookmarks(
        state, updated_at_by_id(ref.freshsales.staging), updated_at_by_id(crash.pipeline.staging)
    )
    assert skipped == {}, "stream: records behind the bookmark but not in staging"
    return len(bookmarks(state))


def test_killed_tap_never_saves_a_bookmark_past_an_unloaded_record(crash: Crash) -> None:
    checked = [_kill_extraction(crash, "tap") for _ in range(3)]
    assert [victim for victim, _ in crash.kills] == ["tap"] * 3
    assert sum(checked) > 0  # the killed runs did save bookmarks, and each was checked


def test_killed_staging_loader_leaves_a_usable_file_and_no_skip(crash: Crash) -> None:
    for _ in range(2):
        _kill_extraction(crash, "loader")
    # The file a killed loader left opens, and holds each record at most once (`services` has
    # no id of its own: it is left out).
    if crash.pipeline.staging.exists():
        held = raw_records(crash.pipeline.staging)
        for table, ids in updated_at_by_id(crash.pipeline.staging).items():
            assert len(ids) == sum(held[table].values()), table


def test_resumed_extraction_stages_exactly_the_fault_free_records(crash: Crash) -> None:
    crash.pipeline.extract()
    expected = raw_records(crash.reference.freshsales.staging)
    held = raw_records(crash.pipeline.staging)
    assert {t: sum(c.values()) for t, c in held.items()} == {
        t: sum(c.values()) for t, c in expected.items()
    }
    assert held == expected


def test_killed_dbt_builds_on_the_next_run(crash: Crash) -> None:
    for _ in range(2):
        crash.kills.append(("dbt", transform_killed(crash.pipeline, crash.rng.randint(3, 30))))
    # The re-run builds every model of the lineage and its singular tests (the reconciliation
    # adds up), and publishes what the reference published.
    crash.pipeline.transform(crash.pipeline.lineage())
    for stream in ("contacts", "leads", "deals", "tasks", "notes", "documents"):
        assert crash.pipeline.published(stream) == crash.reference.freshsales.published(stream)


def test_killed_target_reruns_to_exactly_the_fault_free_crm(crash: Crash) -> None:
    pipeline, sim = crash.pipeline, crash.sim
    messages = pipeline.publish_messages()
    total = write_calls(crash.reference.freshsales.sim.stats())
    for _ in range(3):
        point = write_calls(sim.stats()) + crash.rng.randint(1, total // 3)
        target = pipeline.start_load(messages)
        try:
            reached = wait_then_kill(target, lambda: write_calls(sim.stats()), point)
        finally:
            target.wait(timeout=60)
        crash.kills.append(("target", reached))
    done = pipeline.load(messages)
    assert done.returncode == 0, done.stderr.decode()[-3000:]
    store = pipeline.store()
    try:
        assert store.pending_intents() == []  # the killed runs' in-flight creates were settled
        statuses = [r["status"] for r in store.runs()]
    finally:
        store.close()
    assert statuses[0] == "succeeded" and "crashed" in statuses[1:]
    assert differences(crash.reference.freshsales_content, crm_content(sim)) == {}


def test_ten_kills_spread_over_the_four_steps(crash: Crash) -> None:
    steps = [victim for victim, _ in crash.kills]
    assert len(steps) == 10
    assert {s: steps.count(s) for s in set(steps)} == {"tap": 3, "loader": 2, "dbt": 2, "target": 3}
