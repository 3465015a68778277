"""One dbt build of the Salesforce publish models (and what they read) over a small raw clinic."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from support.publish_build import PublishBuild, build_publish

SalesforceBuild = PublishBuild


@pytest.fixture(scope="session")
def salesforce_build(tmp_path_factory: pytest.TempPathFactory) -> SalesforceBuild:
    """Seeds, models and tests of the Salesforce publish folder and its parents, built once."""
    return build_publish("salesforce", tmp_path_factory.mktemp("transform_salesforce"))


def sim_config(sim: Any, tmp_path: Path) -> dict[str, Any]:
    """A refresh-token config for a running Salesforce simulator, its files under tmp_path."""
    creds = sim.credentials
    return {
        "login_url": sim.base_url,
        "client_id": creds.client_id,
        "client_secret": creds.client_secret,
        "refresh_token": creds.refresh_token,
        "sync_store_path": str(tmp_path / "sync.sqlite"),
        "reports_dir": str(tmp_path / "reports"),
        "require_plan": False,  # these tests check the mapping, not the plan gate
    }
