"""One dbt build of the Salesforce publish models (and what they read) over a small raw clinic."""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pytest

# pytest puts tests/ on sys.path: reuse the transform tests' clinic, staging writer and dbt runner.
from transform.conftest import EXAMPLES, example_records, run_dbt
from transform.raw_clinic import AS_OF, OMITTED_COLUMNS, RECORDS
from transform.raw_staging import declared_columns, write_staging_file

REPO_ROOT = Path(__file__).resolve().parents[2]
SAMPLE_SIZE = 2


@dataclass
class SalesforceBuild:
    """The staging file, dbt's manifest and results after one build."""

    database: Path
    manifest_path: Path
    run_results: dict[str, Any]
    output: str
    returncode: int

    def rows(self, sql: str) -> list[dict[str, Any]]:
        """Rows of a read-only query as dicts."""
        with duckdb.connect(str(self.database), read_only=True) as connection:
            cursor = connection.execute(sql)
            names = [column[0] for column in cursor.description]
            return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    def stream(self, stream: str) -> dict[str, dict[str, Any]]:
        """A publish table by `_source_id`."""
        # Stream names come from target_salesforce.objects, never from input.
        rows = self.rows(f'select * from publish_salesforce."salesforce__{stream}"')  # noqa: S608
        return {row["_source_id"]: row for row in rows}


@pytest.fixture(scope="session")
def salesforce_build(tmp_path_factory: pytest.TempPathFactory) -> SalesforceBuild:
    """Seeds, models and tests of the Salesforce publish folder and its parents, built once."""
    work = tmp_path_factory.mktemp("transform_salesforce")
    records = copy.deepcopy(RECORDS)
    columns = declared_columns(REPO_ROOT)
    if EXAMPLES.is_dir():
        for stream in columns:
            records.setdefault(stream, []).extend(example_records(stream))
    database = work / "staging.duckdb"
    write_staging_file(database, records, columns, OMITTED_COLUMNS)
    variables = json.dumps({"as_of": AS_OF, "sample_size": SAMPLE_SIZE})
    # Cautious: tests of parents that also read unselected models (audits) stay out.
    selection = ["--select", "+path:models/publish/salesforce", "--indirect-selection", "cautious"]
    result = run_dbt(["build", "--vars", variables, *selection], database, work)
    results_path = work / "target" / "run_results.json"
    run_results = json.loads(results_path.read_text()) if results_path.exists() else {"results": []}
    return SalesforceBuild(
        database=database,
        manifest_path=work / "target" / "manifest.json",
        run_results=run_results,
        output=result.stdout + result.stderr,
        returncode=result.returncode,
    )


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
    }
