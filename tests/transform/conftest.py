"""One dbt build per session over a staging file of hand-made rows plus the official examples."""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pytest

from .raw_clinic import AS_OF, OMITTED_COLUMNS, RECORDS
from .raw_staging import declared_columns, flatten, write_staging_file

REPO_ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = REPO_ROOT.parent / "shared" / "cliniko-api" / "examples"
SAMPLE_SIZE = 2


@dataclass
class DbtBuild:
    """What one `dbt build` left behind: the staging file, its results and its console output."""

    database: Path
    run_results: dict[str, Any]
    output: str
    returncode: int
    examples_loaded: bool

    def query(self, sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
        """Rows of a read-only query; model names resolve without their schema."""
        with duckdb.connect(str(self.database), read_only=True) as connection:
            catalog = connection.execute("select current_database()").fetchone()[0]
            schemas = ",".join(f"{catalog}.{name}" for name in ("intermediate", "audit", "staging"))
            connection.execute(f"set search_path = '{schemas}'")
            return connection.execute(sql, params or []).fetchall()

    def keyed(self, sql: str) -> dict[Any, tuple[Any, ...]]:
        """Rows of a query by their first column, each with the remaining columns."""
        return {row[0]: row[1:] for row in self.query(sql)}


def example_records(stream: str) -> list[dict[str, Any]]:
    """The official example response of a stream, flattened as tap-cliniko emits it."""
    path = EXAMPLES / f"{stream}.json"
    if not path.exists():
        return []
    payload = json.loads(path.read_text())
    if stream == "settings":
        return [
            {
                "id": str(payload["account"]["id"]),
                **{k: v for k, v in payload.items() if k != "links"},
            }
        ]
    return [flatten(record) for record in payload.get(stream, [])]


def run_dbt(
    args: list[str], database: Path, work: Path, encryption_key: str | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the project's dbt with its committed profile against `database`, outputs under `work`."""
    env = {
        key: value for key, value in os.environ.items() if not key.startswith(("DBT_", "STAGING_"))
    }
    env.update(
        STAGING_DUCKDB_PATH=str(database),
        DBT_SEND_ANONYMOUS_USAGE_STATS="false",
        DBT_USE_COLORS="false",
    )
    if encryption_key:
        env["STAGING_ENCRYPTION_KEY"] = encryption_key
    command = [
        str(Path(sys.executable).with_name("dbt")),
        *args,
        "--project-dir",
        "transform",
        "--profiles-dir",
        "transform",
        "--target-path",
        str(work / "target"),
        "--log-path",
        str(work / "logs"),
    ]
    return subprocess.run(
        command, cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=300, check=False
    )


@pytest.fixture(scope="session")
def dbt_build(tmp_path_factory: pytest.TempPathFactory) -> DbtBuild:
    """Build every seed, model and test once for the whole session."""
    work = tmp_path_factory.mktemp("transform")
    records = copy.deepcopy(RECORDS)
    examples_loaded = EXAMPLES.is_dir()
    columns = declared_columns(REPO_ROOT)
    if examples_loaded:
        for stream in columns:
            records.setdefault(stream, []).extend(example_records(stream))
    database = work / "staging.duckdb"
    write_staging_file(database, records, columns, OMITTED_COLUMNS)
    variables = json.dumps({"as_of": AS_OF, "sample_size": SAMPLE_SIZE})
    result = run_dbt(["build", "--vars", variables], database, work)
    results_path = work / "target" / "run_results.json"
    run_results = json.loads(results_path.read_text()) if results_path.exists() else {"results": []}
    return DbtBuild(
        database=database,
        run_results=run_results,
        output=result.stdout + result.stderr,
        returncode=result.returncode,
        examples_loaded=examples_loaded,
    )
