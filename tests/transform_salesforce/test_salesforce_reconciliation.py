"""audit.audit__salesforce_reconciliation: every Cliniko record has one destination, and it adds up.

Built on a copy of the session's Salesforce build (the publish models are already there), so
only the reconciliation model and its tests run here.
"""

from __future__ import annotations

import json
import shutil
from collections import defaultdict
from pathlib import Path
from typing import Any

import duckdb
import pytest
from transform.conftest import run_dbt
from transform.raw_clinic import AS_OF

from .conftest import SalesforceBuild

MODEL = "audit.audit__salesforce_reconciliation"
ADDS_UP = "assert_salesforce_reconciliation_adds_up"
SELECT = ["--select", "audit__salesforce_reconciliation+"]


def build(database: Path, work: Path) -> tuple[int, dict[str, str]]:
    """dbt build of the model and its tests; the exit code and each node's status."""
    done = run_dbt(["build", "--vars", json.dumps({"as_of": AS_OF}), *SELECT], database, work)
    results = json.loads((work / "target" / "run_results.json").read_text())["results"]
    return done.returncode, {r["unique_id"].split(".")[2]: r["status"] for r in results}


def rows(database: Path, sql: str) -> list[dict[str, Any]]:
    with duckdb.connect(str(database), read_only=True) as con:
        cursor = con.execute(sql)
        names = [c[0] for c in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


@pytest.fixture(scope="module")
def reconciled(salesforce_build: SalesforceBuild, tmp_path_factory: pytest.TempPathFactory) -> Path:
    assert salesforce_build.returncode == 0, salesforce_build.output[-3000:]
    work = tmp_path_factory.mktemp("salesforce_reconciliation")
    database = work / "staging.duckdb"
    shutil.copyfile(salesforce_build.database, database)
    code, statuses = build(database, work)
    assert code == 0, statuses
    assert statuses[ADDS_UP] == "pass"
    return database


def test_every_entity_adds_up_to_its_count_in_staging(reconciled: Path) -> None:
    by_entity: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows(reconciled, f"select * from {MODEL}"):  # noqa: S608
        by_entity[row["cliniko_entity"]].append(row)
    assert set(by_entity) == {
        "patients",
        "practitioners",
        "appointments",
        "treatment_notes",
        "invoices",
        "products",
        "businesses",
        "attachments",
        "appointment_types",
    }
    for entity, group in by_entity.items():
        assert sum(r["record_count"] for r in group) == group[0]["cliniko_count"], entity
        assert "unaccounted" not in {r["destination"] for r in group}, entity


def test_destinations_are_the_salesforce_streams_that_publish_them(reconciled: Path) -> None:
    sent = rows(
        reconciled,
        f"select cliniko_entity, crm_object, may_be_rejected, sum(record_count) as n "  # noqa: S608
        f"from {MODEL} where crm_object is not null group by all",
    )
    objects = {r["cliniko_entity"]: r["crm_object"] for r in sent}
    assert objects["patients"] == "contact"
    assert objects["businesses"] == "account"
    assert objects["appointment_types"] == "appointment_type__c"
    # A practitioner who is a Salesforce user is still written (User__c links them).
    assert not any(r["may_be_rejected"] for r in sent if r["cliniko_entity"] == "practitioners")
    (contacts,) = rows(
        reconciled,
        "select count(*) as n from publish_salesforce.salesforce__contact "
        "where _source_id like 'patient:%'",
    )
    assert {r["n"] for r in sent if r["cliniko_entity"] == "patients"} == {contacts["n"]}


def test_a_record_no_model_publishes_fails_the_adds_up_test(
    reconciled: Path, tmp_path: Path
) -> None:
    database = tmp_path / "staging.duckdb"
    shutil.copyfile(reconciled, database)
    with duckdb.connect(str(database)) as con:
        # A publish rule that loses a patient by mistake.
        con.execute(
            "delete from publish_salesforce.salesforce__contact where _source_id in "
            "(select min(_source_id) from publish_salesforce.salesforce__contact)"
        )
    code, statuses = build(database, tmp_path)
    assert code != 0
    assert statuses[ADDS_UP] == "fail"
    (patients,) = rows(
        database,
        f"select sum(record_count) as n from {MODEL} "  # noqa: S608
        "where cliniko_entity = 'patients' and destination = 'unaccounted'",
    )
    assert patients["n"] == 1
