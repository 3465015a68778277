"""The simulators the reliability tests start, and the fault-free reference run's record.

The fault-free run is the reference: a run under faults, or re-run after a kill, must leave the
CRM holding exactly what the fault-free run left (`crm_content` compares them). Imported by the
tests by this name: a `conftest` module name is shared by every test folder.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from clinic_sandbox.freshsales import testing as freshsales_testing
from clinic_sandbox.freshsales.faults import FaultDice, FaultSettings
from clinic_sandbox.salesforce import testing as salesforce_testing
from pipelines import FreshsalesPipeline, SalesforcePipeline

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
