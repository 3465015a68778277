"""The CRMs the bench writes to: how each simulator starts, how its target runs, what a call is.

Freshsales binds by rate (1,000 calls an hour, 400 a minute on Growth), so its simulator and its
target's limiter run with time shortened by WINDOW_SCALE and the limit binds as in a run of
hours. Salesforce binds by allocation (100,000 calls a rolling 24 h, the Enterprise base, with
no per-minute limit): its simulator runs at that allocation, unscaled, and the target at its own
defaults; scenario 4 states its ceiling as the allocation's pace (bench/s4_crm_ceiling.py).
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from bench.procs import script

CRMS = ("freshsales", "salesforce")
# Time runs this many times faster on both sides of Freshsales (simulator windows, limiter).
WINDOW_SCALE = 0.004
SALESFORCE_DAILY_LIMIT = 100_000  # Enterprise Edition's base allocation per 24 h [docs]
FRESHSALES_UNLIMITED = {"max_calls_per_hour": 10**9, "max_calls_per_minute": 10**9}


@contextmanager
def simulator(crm: str, emails: list[str], throttled: bool = True) -> Iterator[Any]:
    """The CRM's simulator for these org users; `throttled` scales Freshsales' windows."""
    if crm == "freshsales":
        from clinic_sandbox.freshsales.testing import running_simulator

        scale = {"window_scale": WINDOW_SCALE} if throttled else {}
        with running_simulator(users=emails, with_custom_fields=True, job_delay=0, **scale) as sim:
            yield sim
    else:
        from clinic_sandbox.salesforce.testing import running_simulator as running_salesforce

        with running_salesforce(
            users=emails, with_custom_objects=True, job_delay=0, daily_limit=SALESFORCE_DAILY_LIMIT
        ) as sim:
            yield sim


def calls(crm: str, sim: Any) -> int:
    """API calls the CRM has counted so far (Salesforce: against the allocation; no token calls)."""
    stats = sim.stats()
    return int(stats["requests_total"] if crm == "freshsales" else stats["api_usage"])


def store(crm: str, folder: Path) -> Path:
    """The sync store one migration keeps across its full run and its deltas."""
    return folder.parent / f"{crm}.sqlite"


def target_config(crm: str, sim: Any, folder: Path, throttled: bool = True) -> Path:
    """The target's config file (mode 0600: it holds the CRM's secrets)."""
    common = {
        "sync_store_path": str(store(crm, folder)),
        "reports_dir": str(folder / "reports"),
        # The simulators start with every custom field deployed: no `crmsync plan` step to gate on.
        "require_plan": False,
    }
    if crm == "freshsales":
        limits = {} if throttled else FRESHSALES_UNLIMITED
        config = {"api_key": sim.api_key, "base_url": sim.base_url, **common, **limits}
    else:
        creds = sim.credentials
        config = {
            "login_url": sim.base_url,
            "client_id": creds.client_id,
            "client_secret": creds.client_secret,
            "refresh_token": creds.refresh_token,
            **common,
        }
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"target-{crm}.json"
    path.write_text(json.dumps(config))
    path.chmod(0o600)
    return path


def target_command(crm: str, config: Path, throttled: bool = True) -> tuple[list[str], dict]:
    """argv and environment of the target process."""
    if crm == "freshsales":
        env = {**os.environ, "BENCH_WINDOW_SCALE": str(WINDOW_SCALE if throttled else 1.0)}
        return [sys.executable, "-m", "bench.scaled_freshsales", "--config", str(config)], env
    return [script("target-salesforce"), "--config", str(config)], dict(os.environ)
