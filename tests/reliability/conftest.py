"""One small clinic and one fault-free migration of it into each CRM, shared by the session."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

# The pipeline helper is the end-to-end tests' (tests/e2e/e2e_pipeline.py).
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "e2e"))

from clinic_sandbox import testing as sandbox_testing
from crm_content import crm_content
from pipelines import FreshsalesPipeline, SalesforcePipeline
from reference_run import (
    PATIENTS,
    SEED,
    Reference,
    both_lineages,
    freshsales_sim,
    salesforce_sim,
)


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
