"""target-staging's one buffer budget: what all streams hold together stays under it."""

from __future__ import annotations

import pytest
from cliniko_staging.buffer_budget import BufferBudget
from cliniko_staging.target import TargetStaging
from staging_helpers import PATIENT_SCHEMA, patient, query, record, run_target, schema

STREAMS = ("patients", "contacts", "referrals")


class CommitLog(TargetStaging):
    """Records, at each commit, which stream was committed and how many records it held."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.commits: list[tuple[str, int]] = []
        self.most_held = 0

    def _process_record_message(self, message_dict: dict) -> None:
        super()._process_record_message(message_dict)
        held = sum(sink.current_size for sink in self._sinks_active.values())
        self.most_held = max(self.most_held, held)

    def drain_one(self, sink) -> None:
        if sink.current_size:
            self.commits.append((sink.stream_name, sink.current_size))
        super().drain_one(sink)


def _messages(per_stream: dict[str, int]):
    for stream in per_stream:
        yield schema(stream, PATIENT_SCHEMA)
    # Interleaved as a tap with several requests in flight sends them; uneven stream sizes.
    number = 0
    for round_ in range(max(per_stream.values())):
        for stream, count in per_stream.items():
            if round_ < count:
                # patients' records are the largest, so the stream to commit first is certain
                padding = "x" * 200 if stream == "patients" else ""
                yield record(stream, patient(number, first_name=f"First{number}{padding}"))
                number += 1


def test_the_records_held_by_all_streams_never_pass_the_row_budget(tmp_path):
    path = tmp_path / "s.duckdb"
    config = {"path": str(path), "batch_size_rows": 1000, "buffer_budget_rows": 10}
    target = CommitLog(config=config)
    per_stream = {"patients": 30, "contacts": 12, "referrals": 3}

    run_target(config, _messages(per_stream), target)

    # No stream reached its own batch size: only the budget can have committed before the end.
    assert target.most_held <= 10
    early = target.commits[: -len(STREAMS)]
    assert early, "the budget never committed a stream early"
    # The first early commit took the stream holding the most bytes.
    assert early[0][0] == "patients"
    stored = query(
        path,
        "SELECT table_name, estimated_size FROM duckdb_tables() WHERE schema_name = 'raw_cliniko'",
    )
    assert dict(stored) == per_stream


def test_the_byte_budget_commits_before_the_row_budget_is_reached(tmp_path):
    path = tmp_path / "s.duckdb"
    big = "x" * 600_000  # two of these pass a 1 MB budget
    config = {"path": str(path), "buffer_budget_mb": 1, "buffer_budget_rows": 10_000}
    target = CommitLog(config=config)
    messages = [schema("patients", PATIENT_SCHEMA), schema("contacts", PATIENT_SCHEMA)]
    messages += [record("patients", patient(n, first_name=big)) for n in range(3)]
    messages += [record("contacts", patient(10 + n)) for n in range(3)]

    run_target(config, messages, target)

    # Two 600 KB records pass 1 MB: patients is committed then, the rest at the end of input.
    assert target.commits[0] == ("patients", 2)
    assert sorted(target.commits[1:]) == [("contacts", 3), ("patients", 1)]
    assert query(path, "SELECT count(*) FROM raw_cliniko.patients")[0][0] == 3
    assert query(path, "SELECT count(*) FROM raw_cliniko.contacts")[0][0] == 3


def test_a_budget_of_zero_stops_the_run_naming_the_setting(tmp_path):
    with pytest.raises(ValueError, match="buffer_budget_rows"):
        TargetStaging(config={"path": str(tmp_path / "s.duckdb"), "buffer_budget_rows": 0})


def test_the_budget_names_the_stream_holding_the_most_bytes_and_forgets_committed_ones():
    budget = BufferBudget(max_rows=3, max_bytes=10**6)
    budget.add("a", 10)
    budget.add("b", 500)
    budget.add("a", 10)
    assert not budget.over()
    budget.add("a", 10)
    assert budget.over()
    assert budget.largest() == "b"
    budget.committed("b")
    assert (budget.total_rows, budget.total_bytes, budget.largest()) == (3, 30, "a")
