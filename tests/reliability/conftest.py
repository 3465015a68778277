"""One small clinic and one fault-free migration of it into each CRM, shared by the session.

The fault-free run is the reference: a run under faults, or re-run after a kill, must leave the
CRM holding exactly what the fault-free run left (`crm_content` compares them).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "e2e"))

from crm_content import crm_content
from pipelines import FreshsalesPipeline, SalesforcePipeline

sandbox_testing = pytest.importorskip("clinic_sandbox.testing")
freshsales_testing = pytest.importorskip("clinic_sandbox.freshsales.testing")
salesforce_testing = pytest.importorskip("clinic_sandbox.salesforce.testing")
from clinic_sandbox.freshsales.faults import FaultDice, FaultSettings  # noqa: E402

PATIENTS = 12
SEED = 5


def freshsales_sim(cliniko: Any, **overrides: Any) -> Any:
    """A Freshsales whose users are the clinic's practitioners, limits lifted, jobs instant."""
    return freshsales_testing.running_simulator(
        users=cliniko.crm_user_emails(),
        with_custom_fields=True,
        job_delay=0,
        hourly_limit=1_000_000,
        minute_limit=100_000,
        **overrides,
    )


def salesforce_sim(cliniko: Any, **overrides: Any) -> Any:
    """A Salesforce org with the custom objects deployed and the clinic's practitioners as users."""
    return salesforce_testing.running_simulator(
        users=cliniko.crm_user_emails(), with_custom_objects=True, job_delay=0, **overrides
    )


def inject_faults(sim: Any, faults: FaultSettings) -> None:
    """Turn a running CRM simulator's faults on (after its set-up calls, which are not tested)."""
    inner = sim.simulator
    inner.config = replace(inner.config, faults=faults)
    inner.dice = FaultDice(faults)


def both_lineages(*pipelines: Any) -> tuple[str, ...]:
    """One `dbt build` of every CRM's lineage (what each pipeline's delta would build)."""
    selectors: list[str] = []
    rest: tuple[str, ...] = ()
    for pipeline in pipelines:
        lineage = pipeline.lineage()
        start = lineage.index("--select") + 1
        end = next((i for i in range(start, len(lineage)) if lineage[i].startswith("--")), None)
        selectors += lineage[start:end]
        rest = lineage[end:] if end is not None else ()
    return ("--select", *selectors, *rest)


@dataclass
class Reference:
    """The fault-free run: staging, dbt target, the Singer files and both CRMs' content."""

    cliniko: Any
    freshsales: FreshsalesPipeline
    salesforce: SalesforcePipeline
    freshsales_messages: Path
    salesforce_messages: Path
    freshsales_content: dict[str, list[str]]
    salesforce_content: dict[str, list[str]]
    extract_requests: int

    @property
    def manifest(self) -> Path:
        return self.freshsales.dbt_target / "manifest.json"


@pytest.fixture(scope="session")
def clinic() -> Iterator[Any]:
    with sandbox_testing.cliniko_sandbox(patients=PATIENTS, seed=SEED, rate_limit=100_000) as sb:
        yield sb


@pytest.fixture(scope="session")
def reference(clinic: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Reference]:
    """Extract, build both CRMs' lineages, publish and load both CRMs once, without faults."""
    with freshsales_sim(clinic) as fs, salesforce_sim(clinic) as sf:
        work = tmp_path_factory.mktemp("reference")
        fresh = FreshsalesPipeline(work, clinic, fs)
        before = clinic.stats()["requests"]
        fresh.extract()
        extract_requests = clinic.stats()["requests"] - before
        sales = SalesforcePipeline(work, clinic, sf)
        fresh.transform(both_lineages(fresh, sales))
        # Both CRMs publish into `publish.singer`: the Freshsales one is kept under its name.
        fs_messages = fresh.publish_messages().rename(work / "publish-freshsales.singer")
        manifest = fresh.dbt_target / "manifest.json"
        fresh.plan_apply(manifest)
        done = fresh.load(fs_messages)
        assert done.returncode == 0, done.stderr.decode()[-3000:]
        sf_messages = sales.publish_messages()
        sales.plan_apply(manifest)
        done = sales.load(sf_messages)
        assert done.returncode == 0, done.stderr.decode()[-3000:]
        yield Reference(
            cliniko=clinic,
            freshsales=fresh,
            salesforce=sales,
            freshsales_messages=fs_messages,
            salesforce_messages=sf_messages,
            freshsales_content=crm_content(fs),
            salesforce_content=crm_content(sf),
            extract_requests=extract_requests,
        )
