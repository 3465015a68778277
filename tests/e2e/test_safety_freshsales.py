"""Migration safety end to end, as the cutover runbook runs it against the two simulators:

plan → plan --apply → estimate → sample migration → diff → full migration → report → rollback.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
from e2e_pipeline import TIMEOUT, console, write_config
from e2e_pipeline import FreshsalesPipeline as Pipeline

sandbox_testing = pytest.importorskip(
    "clinic_sandbox.testing", reason="the sandbox is not installed"
)
freshsales_testing = pytest.importorskip("clinic_sandbox.freshsales.testing")

pytestmark = pytest.mark.slow

ENTITIES = ("sales_accounts", "contacts", "leads", "products", "deals", "tasks", "appointments",
            "notes", "documents")  # fmt: skip


class CheckedPipeline(Pipeline):
    """The pipeline with the target's plan check on (as it is by default once the lead flips it)."""

    def target_config(self) -> Path:
        path = super().target_config()
        return write_config(path, {**json.loads(path.read_text()), "require_plan": True})


def crmsync(pipeline: Pipeline, *args: str) -> subprocess.CompletedProcess[str]:
    """The `crmsync` console script on the pipeline's target config (as `meltano invoke`)."""
    return subprocess.run(
        [console("crmsync"), "--crm", "freshsales", "--config", str(pipeline.target_config()),
         *args],
        capture_output=True, text=True, timeout=TIMEOUT, check=False,
    )  # fmt: skip


def sample_messages(pipeline: Pipeline) -> Path:
    """tap-staging with `sample: true` (tap-staging-freshsales-sample in meltano.yml)."""
    config = write_config(
        pipeline.work / "tap-staging-sample.json",
        {
            "crm": "freshsales",
            "path": str(pipeline.staging),
            "manifest_path": str(pipeline.dbt_target / "manifest.json"),
            "sample": True,
        },
    )
    messages = pipeline.work / "sample.singer"
    with open(messages, "wb") as out:
        done = subprocess.run(
            [console("tap-staging"), "--config", str(config)],
            stdout=out, stderr=subprocess.PIPE, timeout=TIMEOUT, check=False,
        )  # fmt: skip
    assert done.returncode == 0, done.stderr.decode()[-3000:]
    return messages


def report(pipeline: Pipeline, name: str) -> dict[str, Any]:
    return json.loads((pipeline.reports / name).read_text())


def test_cutover_runbook(tmp_path: Path) -> None:
    clinic = sandbox_testing.cliniko_sandbox(patients=20, seed=7, rate_limit=100_000)
    with (
        clinic as cliniko,
        freshsales_testing.running_simulator(
            users=cliniko.crm_user_emails(),
            job_delay=0,
            hourly_limit=1_000_000,
            minute_limit=100_000,
        ) as sim,
    ):
        pipeline = CheckedPipeline(tmp_path, cliniko, sim)
        pipeline.extract()
        pipeline.transform()
        manifest = str(pipeline.dbt_target / "manifest.json")

        # 1. Setup plan: an empty Freshsales lacks every custom field; --apply creates them.
        done = crmsync(pipeline, "plan", "--manifest", manifest)
        assert done.returncode == 1, done.stdout + done.stderr
        assert report(pipeline, "freshsales-plan.json")["blocking"] > 20
        refused = pipeline.load(sample_messages(pipeline))
        assert refused.returncode != 0 and b"blocking gap" in refused.stderr
        assert all(not sim.records(e) for e in ENTITIES)  # nothing written
        done = crmsync(pipeline, "plan", "--manifest", manifest, "--apply")
        assert done.returncode == 0, done.stdout + done.stderr
        assert report(pipeline, "freshsales-plan.json")["blocking"] == 0

        # 2. Estimate before the full run.
        done = crmsync(pipeline, "estimate", "--inventory", str(pipeline.work / "inventory.json"))
        assert done.returncode == 0, done.stderr
        estimate = report(pipeline, "freshsales-estimate.json")
        assert estimate["total_calls"] > 1 and estimate["total_records"] > 0

        # 3. Sample migration, then the field-level diff of what it wrote.
        sample = pipeline.load(sample_messages(pipeline))
        assert sample.returncode == 0, sample.stderr.decode()[-3000:]
        run_1 = report(pipeline, "freshsales-run-1.json")
        written = sum(o["created"] for o in run_1["objects"].values())
        assert 0 < written < sum(o["publish_rows"] or 0 for o in _reconcile(pipeline))
        done = crmsync(pipeline, "diff", "--run", "1")
        diff = report(pipeline, "freshsales-diff.json")
        compared = sum(o["records"] for o in diff["objects"].values())
        assert compared == written - sum(o.get("missing", 0) for o in diff["objects"].values())
        different = {
            (obj, name): f["different"]
            for obj, d in diff["objects"].items()
            for name, f in d["fields"].items()
            if f["different"] or f["missing"]
        }
        assert different == {}, different
        assert done.returncode == 0, done.stdout

        # 4. Full run; the report gathers everything, offline.
        full = pipeline.load(pipeline.publish_messages())
        assert full.returncode == 0, full.stderr.decode()[-3000:]
        done = crmsync(pipeline, "report", "--inventory", str(pipeline.work / "inventory.json"))
        assert done.returncode == 0, done.stderr
        html = (pipeline.reports / "freshsales-report.html").read_text()
        assert "No blocking gaps" in html and "<script" not in html

        # 5. Roll back everything since the sample: Freshsales holds nothing of ours.
        dry = crmsync(pipeline, "rollback", "1")
        assert dry.returncode == 0 and "dry run" in dry.stdout
        assert any(sim.records(e) for e in ENTITIES)
        done = crmsync(pipeline, "rollback", "1", "--yes")
        assert done.returncode == 0, done.stdout + done.stderr
        assert {e: len(sim.records(e)) for e in ENTITIES} == dict.fromkeys(ENTITIES, 0)


def _reconcile(pipeline: Pipeline) -> list[dict[str, Any]]:
    done = crmsync(pipeline, "reconcile", "--no-crm")
    assert "written" in done.stdout, done.stdout + done.stderr
    return report(pipeline, "freshsales-reconcile.json")["objects"]
