"""The whole migration as the console scripts run it, for the end-to-end tests of every CRM.

tap-cliniko | target-staging, then `dbt build` into a temporary target path, then
tap-staging | target-<crm>: what `meltano run migrate-<crm>` runs, without Meltano (its start-up
and plugin installs would cost more than the pipeline on a small clinic). A CRM is a subclass
that names itself and says how its target signs in to the simulator.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

import duckdb
from crmsync.store import SQLiteSyncStore

REPO_ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
# dbt reads the clinic at this instant: statuses (completed / future) stay put between runs.
AS_OF = "2026-01-01T00:00:00Z"
TIMEOUT = 600
# `run(select=LINEAGE)`: `Pipeline.lineage()`, the models a delta of one CRM needs.
LINEAGE = ("<the CRM's lineage>",)


def console(name: str) -> str:
    """A console script of the workspace environment."""
    return str(BIN / name)


def write_config(path: Path, config: dict[str, Any]) -> Path:
    """A plugin config file, mode 0600 (it holds credentials)."""
    path.write_text(json.dumps(config))
    path.chmod(0o600)
    return path


@dataclass
class Pipeline:
    """One clinic's migration folder: configs, staging file, dbt target, Singer files, store."""

    work: Path
    cliniko: Any  # clinic_sandbox.testing.ClinikoSandbox
    sim: Any  # the CRM simulator (clinic_sandbox.<crm>.testing.RunningSimulator)

    crm: ClassVar[str] = ""

    def target_settings(self) -> dict[str, Any]:
        """How the target reaches and signs in to the simulator (the CRM's own settings)."""
        raise NotImplementedError

    @property
    def staging(self) -> Path:
        return self.work / "staging.duckdb"

    @property
    def store_path(self) -> Path:
        return self.work / "sync" / f"{self.crm}.sqlite"

    @property
    def reports(self) -> Path:
        return self.work / "reports"

    @property
    def dbt_target(self) -> Path:
        return self.work / "dbt-target"

    def target_config(self) -> Path:
        return write_config(
            self.work / f"target-{self.crm}.json",
            {
                **self.target_settings(),
                # The plan gate is the safety tests' subject (test_safety_*.py turn it on);
                # these runs go straight to the migration, whatever the target's default.
                "require_plan": False,
                "sync_store_path": str(self.store_path),
                "reports_dir": str(self.reports),
                **({"staging_path": str(self.staging)} if self.staging.exists() else {}),
            },
        )

    def extract(self) -> None:
        """tap-cliniko | target-staging, resuming from the last state like Meltano does."""
        tap = write_config(
            self.work / "tap-cliniko.json",
            {
                "api_key": self.cliniko.api_key,
                "user_agent": self.cliniko.user_agent,
                "base_url": self.cliniko.base_url,
                "max_requests_per_minute": 100_000,
                # Files travel too: documents need them (the sandbox serves small ones).
                "download_attachments": True,
                "attachments_dir": str(self.work / "attachments"),
                "inventory_path": str(self.work / "inventory.json"),
            },
        )
        loader = write_config(self.work / "target-staging.json", {"path": str(self.staging)})
        state = self.work / "state.json"
        args = [console("tap-cliniko"), "--config", str(tap)]
        if state.exists():
            args += ["--state", str(state)]
        with open(self.work / "tap-cliniko.err", "w") as tap_err:
            tap_proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=tap_err)
            loaded = subprocess.run(
                [console("target-staging"), "--config", str(loader)],
                stdin=tap_proc.stdout,
                capture_output=True,
                timeout=TIMEOUT,
                check=False,
            )
            assert tap_proc.stdout is not None
            tap_proc.stdout.close()
            tap_code = tap_proc.wait(timeout=TIMEOUT)
        assert tap_code == 0, (self.work / "tap-cliniko.err").read_text()[-3000:]
        assert loaded.returncode == 0, loaded.stderr.decode()[-3000:]
        # target-staging emits the state it committed: the last line is the next run's bookmark.
        states = [line for line in loaded.stdout.decode().splitlines() if line.strip()]
        if states:
            state.write_text(states[-1])

    def lineage(self, tests: bool = False) -> tuple[str, ...]:
        """What a delta needs rebuilt: the CRM's publish models, their parents and the CRM's
        reconciliation, none of another CRM's models. Without `tests`, the column tests stay out
        (the first run passed them on the same SQL) and the singular ones, such as the
        reconciliation's "adds up", still run."""
        skipped = () if tests else ("--exclude", "test_type:generic", "test_type:unit")
        return (
            "--select",
            f"+path:models/publish/{self.crm}",
            f"+audit__{self.crm}_reconciliation",
            *skipped,
            # Tests that also read an unselected model (the data-quality audits) stay out.
            "--indirect-selection",
            "cautious",
        )

    def transform(self, select: tuple[str, ...] | None = None) -> None:
        """`dbt build` of the project on the staging file (tests included), or of a selection."""
        env = {k: v for k, v in os.environ.items() if not k.startswith(("DBT_", "STAGING_"))}
        env.update(
            STAGING_DUCKDB_PATH=str(self.staging),
            DBT_SEND_ANONYMOUS_USAGE_STATS="false",
            DBT_USE_COLORS="false",
        )
        done = subprocess.run(
            [
                console("dbt"),
                "build",
                "--vars",
                json.dumps({"as_of": AS_OF}),
                "--project-dir",
                "transform",
                "--profiles-dir",
                "transform",
                "--target-path",
                str(self.dbt_target),
                "--log-path",
                str(self.work / "dbt-logs"),
                *(select or []),
            ],
            cwd=REPO_ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
            check=False,
        )
        assert done.returncode == 0, (done.stdout + done.stderr)[-4000:]

    def publish_messages(self) -> Path:
        """tap-staging's Singer output for the CRM, kept in a file (the kill test replays it)."""
        config = write_config(
            self.work / "tap-staging.json",
            {
                "crm": self.crm,
                "path": str(self.staging),
                "manifest_path": str(self.dbt_target / "manifest.json"),
            },
        )
        messages = self.work / "publish.singer"
        with open(messages, "wb") as out:
            done = subprocess.run(
                [console("tap-staging"), "--config", str(config)],
                stdout=out,
                stderr=subprocess.PIPE,
                timeout=TIMEOUT,
                check=False,
            )
        assert done.returncode == 0, done.stderr.decode()[-3000:]
        messages.chmod(0o600)
        return messages

    def load(self, messages: Path) -> subprocess.CompletedProcess[bytes]:
        """target-<crm> reading a Singer file; returns the finished process."""
        with open(messages, "rb") as source:
            return subprocess.run(
                [console(f"target-{self.crm}"), "--config", str(self.target_config())],
                stdin=source,
                capture_output=True,
                timeout=TIMEOUT,
                check=False,
            )

    def start_load(self, messages: Path) -> subprocess.Popen[bytes]:
        """target-<crm> started in the background (the kill test stops it)."""
        with open(messages, "rb") as source:
            return subprocess.Popen(
                [console(f"target-{self.crm}"), "--config", str(self.target_config())],
                stdin=source,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )

    def run(self, select: tuple[str, ...] | None = LINEAGE) -> subprocess.CompletedProcess[bytes]:
        """One migration run: extract, transform (the CRM's lineage unless told), publish, load.
        Every model builds on the first run (`select=None`); later runs skip other CRMs' models
        to stay quick, as `dbt build --select` would for a clinic that migrates to one CRM."""
        self.extract()
        self.transform(self.lineage() if select is LINEAGE else select)
        return self.load(self.publish_messages())

    def crmsync(self, *args: str, timeout: int = TIMEOUT) -> subprocess.CompletedProcess[str]:
        """The `crmsync` console script on the target's config (as `meltano invoke`)."""
        return subprocess.run(
            [console("crmsync"), "--crm", self.crm, "--config", str(self.target_config()), *args],
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )

    # What the tests read back.

    def query(self, sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
        """Rows of a read-only query on the staging file."""
        with duckdb.connect(str(self.staging), read_only=True) as con:
            return con.execute(sql, params or []).fetchall()

    def published(self, stream: str) -> set[str]:
        """`_source_id`s of one publish table (names come from the target's specs)."""
        table = f'publish_{self.crm}."{self.crm}__{stream}"'
        return {row[0] for row in self.query(f"select _source_id from {table}")}  # noqa: S608

    def store(self) -> SQLiteSyncStore:
        return SQLiteSyncStore(self.store_path)

    def last_run(self) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        """The newest run and its audit rows."""
        store = self.store()
        try:
            run = store.runs()[0]
            return run, store.audit(run["run_id"])
        finally:
            store.close()


@dataclass
class FreshsalesPipeline(Pipeline):
    """Into the Freshsales simulator, by API key."""

    crm: ClassVar[str] = "freshsales"

    @property
    def freshsales(self) -> Any:
        return self.sim

    def target_settings(self) -> dict[str, Any]:
        return {
            "api_key": self.sim.api_key,
            "base_url": self.sim.base_url,
            # The simulator's limits are lifted too: the test measures calls, not waits.
            "max_calls_per_hour": 1_000_000,
            "max_calls_per_minute": 100_000,
        }


@dataclass
class SalesforcePipeline(Pipeline):
    """Into the Salesforce simulator, signed in with its connected app's refresh token."""

    crm: ClassVar[str] = "salesforce"

    @property
    def salesforce(self) -> Any:
        return self.sim

    def target_settings(self) -> dict[str, Any]:
        creds = self.sim.credentials
        return {
            "login_url": self.sim.base_url,
            "client_id": creds.client_id,
            "client_secret": creds.client_secret,
            "refresh_token": creds.refresh_token,
        }
