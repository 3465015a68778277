"""One clinic with the bad-data corpus migrated into both CRMs, every process logging at DEBUG.

The bad-data and security tests read the same run (it is the slow part): the clinic is served by
the Cliniko sandbox with `corpus=True` and moved by tests/e2e/e2e_pipeline.py (tap-cliniko |
target-staging, dbt build of the whole project, tap-staging | target-freshsales), then
tap-staging | target-salesforce on the same staging file. Every Singer plugin logs at DEBUG to
stderr and to a log file in the run folder (singer-sdk's LOGLEVEL and SINGER_SDK_LOG_CONFIG);
dbt writes its debug log there too. The run is made once per test session, on first use, and its
folder removed when the session ends.
"""

from __future__ import annotations

import atexit
import contextlib
import functools
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO_ROOT / "tests" / "e2e"))

from clinic_sandbox.clinic.corpus import corpus_ids  # noqa: E402
from clinic_sandbox.freshsales import testing as freshsales_testing  # noqa: E402
from clinic_sandbox.salesforce import testing as salesforce_testing  # noqa: E402
from clinic_sandbox.testing import cliniko_sandbox  # noqa: E402
from e2e_pipeline import (  # noqa: E402
    FreshsalesPipeline,
    Pipeline,
    SalesforcePipeline,
)

PATIENTS = 12
SEED = 5
CLINIC_AS_OF = 1767225600  # 2026-01-01, the instant the e2e helper gives dbt
LOG_NAME = "singer-debug.log"
CRMS = ("freshsales", "salesforce")

# Every Singer plugin: the console handler singer-sdk installs, plus the same lines in a file.
_LOG_CONFIG = """
version: 1
disable_existing_loggers: false
formatters:
  plain:
    format: "%(asctime)s %(levelname)s %(name)s %(message)s"
handlers:
  stderr:
    class: logging.StreamHandler
    stream: ext://sys.stderr
    formatter: plain
  file:
    class: logging.FileHandler
    filename: {path}
    mode: a
    formatter: plain
root:
  level: DEBUG
  handlers: [stderr, file]
"""


class NoPlanGate:
    """The corpus run tests data, not the setup plan: the plan gate is `crmsync plan`'s tests."""

    def target_settings(self) -> dict[str, Any]:
        return {**super().target_settings(), "require_plan": False}  # type: ignore[misc]


class CorpusFreshsales(NoPlanGate, FreshsalesPipeline):
    pass


class CorpusSalesforce(NoPlanGate, SalesforcePipeline):
    pass


@dataclass
class CorpusRun:
    """The finished run: its folder, one pipeline per CRM (servers still up), their results."""

    work: Path
    pipelines: dict[str, Pipeline]  # by CRM; both read the same staging file
    results: dict[str, subprocess.CompletedProcess[bytes]]  # each target's finished process
    secrets: dict[str, str]  # setting → value, for the leak scan

    @property
    def cliniko(self) -> Any:
        return self.pipelines["freshsales"].cliniko

    @property
    def staging(self) -> Path:
        return self.pipelines["freshsales"].staging

    def query(self, sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
        return self.pipelines["freshsales"].query(sql, params)

    def sim(self, crm: str) -> Any:
        return self.pipelines[crm].sim

    @staticmethod
    def ids(corpus_class: str) -> list[str]:
        """The Cliniko ids of one corpus class's records."""
        (ids,) = corpus_ids()[corpus_class].values()
        return ids

    def last_run(self, crm: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        """The CRM's newest run and its audit rows."""
        return self.pipelines[crm].last_run()

    def log_files(self) -> list[Path]:
        """Every log of the run: the Singer plugins', dbt's, and the commands' kept output."""
        return sorted(p for p in self.work.rglob("*") if p.suffix in (".log", ".err", ".out"))

    def crmsync(self, crm: str, *args: str) -> subprocess.CompletedProcess[str]:
        """A `crmsync` command at DEBUG, its output kept in the run folder for the leak scan."""
        with debug_logging(self.work):
            done = self.pipelines[crm].crmsync(*args)
        name = f"crmsync-{crm}-{args[0]}"
        (self.work / f"{name}.out").write_text(done.stdout)
        (self.work / f"{name}.err").write_text(done.stderr)
        return done


def keep_output(work: Path, name: str, done: subprocess.CompletedProcess[bytes]) -> None:
    """A finished command's stdout and stderr, kept in the run folder for the leak scan."""
    (work / f"{name}.out").write_bytes(done.stdout or b"")
    (work / f"{name}.err").write_bytes(done.stderr or b"")


@contextlib.contextmanager
def debug_logging(work: Path) -> Iterator[None]:
    """LOGLEVEL=DEBUG and the file log config in this process's environment (children inherit)."""
    config = work / "logging.yml"
    config.write_text(_LOG_CONFIG.format(path=work / LOG_NAME))
    saved = {k: os.environ.get(k) for k in ("LOGLEVEL", "SINGER_SDK_LOG_CONFIG")}
    os.environ.update(LOGLEVEL="DEBUG", SINGER_SDK_LOG_CONFIG=str(config))
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


@functools.cache
def corpus_run() -> CorpusRun:
    """The session's run (made on first use; the servers stay up until the session ends)."""
    stack = contextlib.ExitStack()
    work = Path(tempfile.mkdtemp(prefix="bad-data-"))
    atexit.register(shutil.rmtree, work, True)
    atexit.register(stack.close)
    cliniko = stack.enter_context(
        cliniko_sandbox(
            patients=PATIENTS, seed=SEED, as_of=CLINIC_AS_OF, corpus=True, rate_limit=100_000
        )
    )
    freshsales = stack.enter_context(
        freshsales_testing.running_simulator(
            users=cliniko.crm_user_emails(),
            with_custom_fields=True,
            job_delay=0,
            hourly_limit=1_000_000,
            minute_limit=100_000,
        )
    )
    salesforce = stack.enter_context(
        salesforce_testing.running_simulator(with_custom_objects=True, job_delay=0)
    )
    pipelines: dict[str, Pipeline] = {
        "freshsales": CorpusFreshsales(work, cliniko, freshsales),
        "salesforce": CorpusSalesforce(work, cliniko, salesforce),
    }
    results = {}
    with debug_logging(work):
        results["freshsales"] = pipelines["freshsales"].run(select=None)  # the whole project
        results["salesforce"] = pipelines["salesforce"].load(
            pipelines["salesforce"].publish_messages()
        )
    for crm, done in results.items():
        keep_output(work, f"target-{crm}", done)
    creds = salesforce.credentials
    secrets = {
        "tap-cliniko api_key": cliniko.api_key,
        "target-freshsales api_key": freshsales.api_key,
        "target-salesforce client_secret": creds.client_secret,
        "target-salesforce refresh_token": creds.refresh_token,
    }
    return CorpusRun(work, pipelines, results, secrets)
