"""A bad Freshsales var stops dbt at parse time, naming the var and the values it takes."""

from __future__ import annotations

from pathlib import Path

from transform.conftest import run_dbt
from transform.raw_staging import declared_columns, write_staging_file

from .conftest import REPO_ROOT


def test_an_unknown_lead_rule_fails_naming_the_var(tmp_path: Path) -> None:
    database = tmp_path / "staging.duckdb"
    write_staging_file(database, {}, declared_columns(REPO_ROOT))
    result = run_dbt(["parse", "--vars", "{freshsales_lead_rule: sometimes}"], database, tmp_path)
    assert result.returncode != 0
    assert (
        "dbt var 'freshsales_lead_rule' must be one of no_appointment, no_kept_appointment, "
        "never, got 'sometimes'"
    ) in result.stdout
