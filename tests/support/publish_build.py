"""One dbt build of a CRM's publish models (and what they read) over a small raw clinic."""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

# pytest puts tests/ on sys.path: reuse the transform tests' clinic, staging writer and dbt runner.
from transform.conftest import EXAMPLES, example_records, run_dbt
from transform.raw_clinic import AS_OF, OMITTED_COLUMNS, RECORDS
from transform.raw_staging import declared_columns, write_staging_file

REPO_ROOT = Path(__file__).resolve().parents[2]
SAMPLE_SIZE = 2


@dataclass
class PublishBuild:
    """The staging file, dbt's manifest and results after one build of a CRM's publish models."""

    crm: str
    database: Path
    manifest_path: Path
    run_results: dict[str, Any]
    output: str
    returncode: int

    def rows(self, sql: str, params: list[Any] | None = None) -> list[dict[str, Any]]:
        """Rows of a read-only query as dicts."""
        with duckdb.connect(str(self.database), read_only=True) as connection:
            cursor = connection.execute(sql, params or [])
            names = [column[0] for column in cursor.description]
            return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    def stream(self, stream: str) -> dict[str, dict[str, Any]]:
        """A publish table by `_source_id`."""
        # Stream names come from the target's objects, never from input.
        table = f'publish_{self.crm}."{self.crm}__{stream}"'
        rows = self.rows(f"select * from {table}")  # noqa: S608
        return {row["_source_id"]: row for row in rows}


def build_publish(
    crm: str, work: Path, extra_records: Mapping[str, list[dict[str, Any]]] | None = None
) -> PublishBuild:
    """Seeds, models and tests of models/publish/<crm> and its parents, built once under `work`.

    The raw clinic is the transform tests' rows, `extra_records` and the official examples.
    """
    records = copy.deepcopy(RECORDS)
    for stream, extra in (extra_records or {}).items():
        records.setdefault(stream, []).extend(copy.deepcopy(extra))
    columns = declared_columns(REPO_ROOT)
    if EXAMPLES.is_dir():
        for stream in columns:
            records.setdefault(stream, []).extend(example_records(stream))
    database = work / "staging.duckdb"
    write_staging_file(database, records, columns, OMITTED_COLUMNS)
    variables = json.dumps({"as_of": AS_OF, "sample_size": SAMPLE_SIZE})
    # Cautious: tests of parents that also read unselected models (audits) stay out.
    selection = ["--select", f"+path:models/publish/{crm}", "--indirect-selection", "cautious"]
    result = run_dbt(["build", "--vars", variables, *selection], database, work)
    results_path = work / "target" / "run_results.json"
    run_results = json.loads(results_path.read_text()) if results_path.exists() else {"results": []}
    return PublishBuild(
        crm=crm,
        database=database,
        manifest_path=work / "target" / "manifest.json",
        run_results=run_results,
        output=result.stdout + result.stderr,
        returncode=result.returncode,
    )
