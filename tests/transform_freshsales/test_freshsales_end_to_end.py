"""tap-staging → target-freshsales → Freshsales simulator on the built tables."""

from __future__ import annotations

import argparse
import io
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from crmsync.commands import plan
from crmsync.context import CliContext
from target_freshsales.target import TargetFreshsales

from .conftest import FreshsalesBuild

testing = pytest.importorskip(
    "clinic_sandbox.freshsales.testing", reason="the Freshsales simulator package is not installed"
)

# The only records the simulator may refuse, and why: a practitioner who is a Freshsales user, an
# attachment tap-cliniko did not download, and one whose downloaded file is not on this machine.
EXPECTED_REJECTS = {
    ("contacts", "practitioner:931"): "not written: this person is a CRM user",
    ("documents", "patient_attachment:9971"): "_file_path is missing",
    ("documents", "patient_attachment:9973"): "file not found",
}


def tap_output(build: FreshsalesBuild, work: Path) -> str:
    config = work / "tap.json"
    config.write_text(
        f'{{"crm": "freshsales", "path": "{build.database}", '
        f'"manifest_path": "{build.manifest_path}"}}'
    )
    tap = Path(sys.executable).with_name("tap-staging")
    result = subprocess.run(
        [str(tap), "--config", str(config)],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return result.stdout


def test_every_published_record_is_accepted_by_the_simulator(
    freshsales_build: FreshsalesBuild, tmp_path: Path
) -> None:
    assert freshsales_build.returncode == 0, freshsales_build.output[-4000:]
    messages = tap_output(freshsales_build, tmp_path)
    store = tmp_path / "sync.sqlite"
    with testing.running_simulator(
        users=["ann@clinic.example"],
        with_custom_fields=True,
        strict_attributes=True,
        job_delay=0,
    ) as sim:
        config = {
            "api_key": sim.api_key,
            "base_url": sim.base_url,
            "sync_store_path": str(store),
            "reports_dir": str(tmp_path / "reports"),
        }
        # As the runbook: the setup plan first (the target checks it before writing); the
        # project's custom fields leave it empty.
        context = CliContext("freshsales", TargetFreshsales, config)
        try:
            manifest = argparse.Namespace(manifest=str(freshsales_build.manifest_path), apply=True)
            assert plan.run(context, manifest) == 0
        finally:
            context.close()
        TargetFreshsales(config=config, validate_config=True).listen(io.StringIO(messages))
        with sqlite3.connect(store) as connection:
            rejects = connection.execute(
                "select object, source_id, error from audit_log where error is not null"
            ).fetchall()
        problems = {
            (stream, source_id): error
            for stream, source_id, error in rejects
            if (stream, source_id) not in EXPECTED_REJECTS
            or EXPECTED_REJECTS[(stream, source_id)] not in error
        }
        assert not problems
        for stream in ("sales_accounts", "contacts", "leads", "deals", "tasks", "appointments"):
            published = freshsales_build.stream(stream)
            rejected = {key for (name, key) in EXPECTED_REJECTS if name == stream}
            assert len(sim.records(stream)) == len(set(published) - rejected), stream
        assert sim.stats()["ignored_attributes"] == {}
