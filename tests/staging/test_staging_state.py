"""target-staging prints a state message only after the records it covers are committed."""

from __future__ import annotations

import io
import json
import sys

from cliniko_staging.target import TargetStaging
from staging_helpers import PATIENT_SCHEMA, patient, record, schema, state


class CommitProbe(io.StringIO):
    """Stands in for stdout: when a state line is written, counts the rows committed so far."""

    def __init__(self, target: TargetStaging) -> None:
        super().__init__()
        self.target = target
        self.seen: list[tuple[int, int]] = []

    def write(self, text: str) -> int:
        for line in text.splitlines():
            if line.strip():
                covered = json.loads(line)["bookmarks"]["patients"]["records"]
                # A second connection of this process sees only what is committed.
                cursor = self.target.staging.connection.cursor()
                committed = cursor.execute("SELECT count(*) FROM raw_cliniko.patients").fetchone()
                cursor.close()
                self.seen.append((covered, committed[0]))
        return super().write(text)


def _messages(total: int, every: int):
    yield schema("patients", PATIENT_SCHEMA)
    for n in range(total):
        yield record("patients", patient(n))
        if (n + 1) % every == 0:
            yield state({"bookmarks": {"patients": {"records": n + 1}}})


def _run(target: TargetStaging, messages, monkeypatch) -> CommitProbe:
    probe = CommitProbe(target)
    monkeypatch.setattr(sys, "stdout", probe)
    target.listen(io.StringIO("".join(json.dumps(m) + "\n" for m in messages)))
    return probe


def test_each_state_follows_the_commit_of_every_record_before_it(tmp_path, monkeypatch):
    target = TargetStaging(config={"path": str(tmp_path / "s.duckdb"), "batch_size_rows": 4})
    # Drain on every record (as the SDK does every five minutes), so state is emitted often.
    target._MAX_RECORD_AGE_IN_MINUTES = -1

    probe = _run(target, _messages(total=23, every=5), monkeypatch)

    assert len(probe.seen) >= 4
    for covered, committed in probe.seen:
        assert committed >= covered
    assert probe.seen[-1] == (20, 23)  # the last state comes after the last commit


def test_without_periodic_drains_the_only_state_follows_the_final_commit(tmp_path, monkeypatch):
    target = TargetStaging(config={"path": str(tmp_path / "s.duckdb"), "batch_size_rows": 4})

    probe = _run(target, _messages(total=22, every=5), monkeypatch)

    # Full batches drain without emitting state; end of input drains the rest, then emits.
    assert probe.seen == [(20, 22)]
