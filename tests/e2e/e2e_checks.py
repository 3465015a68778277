"""What every CRM's end-to-end tests check the same way: calls, run counts, the reconciliation."""

from __future__ import annotations

import json
import signal
import time
from collections import Counter
from pathlib import Path
from typing import Any

from e2e_pipeline import Pipeline

WRITE_METHODS = ("POST ", "PUT ", "PATCH ", "DELETE ")
# The Cliniko entities every reconciliation accounts for (a CRM may add its own).
CLINIKO_ENTITIES = frozenset(
    {
        "patients",
        "practitioners",
        "appointments",
        "treatment_notes",
        "invoices",
        "products",
        "businesses",
        "attachments",
    }
)


def write_calls(stats: dict[str, Any]) -> Counter[str]:
    """API calls that can change the CRM, per route (a simulator's /_admin/stats)."""
    return Counter({r: n for r, n in stats["by_route"].items() if r.startswith(WRITE_METHODS)})


def run_counts(run: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Per-object counts of a run row of the sync store."""
    return json.loads(run["counts"])


def assert_invariant(run: dict[str, Any]) -> None:
    """received = created + updated + unchanged + rejected, for every object of the run."""
    for obj, c in run_counts(run).items():
        outcomes = c["created"] + c["updated"] + c["unchanged"] + c["rejected"]
        assert c["received"] == outcomes, obj
        assert sum(c["reject_reasons"].values()) == c["rejected"], obj


def reconcile(pipeline: Pipeline) -> tuple[int, dict[str, Any]]:
    """`crmsync reconcile` as an operator runs it; its exit code and JSON."""
    done = pipeline.crmsync("reconcile", timeout=120)
    assert "Cliniko records: where they went" in done.stdout, done.stdout + done.stderr
    document = json.loads((pipeline.reports / f"{pipeline.crm}-reconcile.json").read_text())
    return done.returncode, document


def kill_after(crash: Pipeline, messages: Path, writes: int) -> None:
    """Start the target on `messages` and SIGKILL it once the CRM has seen `writes` write calls."""
    target = crash.start_load(messages)
    try:
        deadline = time.monotonic() + 120
        while sum(write_calls(crash.sim.stats()).values()) < writes:
            assert target.poll() is None, "the target finished before it could be killed"
            assert time.monotonic() < deadline
            time.sleep(0.005)
        target.send_signal(signal.SIGKILL)
    finally:
        target.wait(timeout=30)


def rerun_after_crash(
    crash: Pipeline, messages: Path
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Run the killed target again to the end; its run row and audit rows, checked: the killed
    run is recorded as crashed and its in-flight creates were settled."""
    done = crash.load(messages)
    assert done.returncode == 0, done.stderr.decode()[-3000:]
    store = crash.store()
    try:
        statuses = [r["status"] for r in store.runs()]
        unresolved = store.pending_intents()
    finally:
        store.close()
    assert statuses == ["succeeded", "crashed"]
    assert unresolved == []
    run, audit = crash.last_run()
    assert_invariant(run)
    return run, audit
