"""One dbt build of the Freshsales publish models (and what they read) over a small raw clinic."""

from __future__ import annotations

from pathlib import Path

import pytest
from support.publish_build import PublishBuild, build_publish

from .freshsales_clinic import EXTRA_RECORDS

REPO_ROOT = Path(__file__).resolve().parents[2]
FreshsalesBuild = PublishBuild


@pytest.fixture(scope="session")
def freshsales_build(tmp_path_factory: pytest.TempPathFactory) -> FreshsalesBuild:
    """Seeds, models and tests of the Freshsales publish folder and its parents, built once."""
    work = tmp_path_factory.mktemp("transform_freshsales")
    return build_publish("freshsales", work, EXTRA_RECORDS)
