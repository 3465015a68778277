"""The crmsync CLI on a Freshsales connection: owners, reconcile, runs, entry-point discovery."""

from __future__ import annotations

import argparse
import json
import stat
from pathlib import Path

import duckdb
import pytest
from crmsync import cli
from crmsync.commands import owners, reconcile
from crmsync.context import CliContext, installed_crms
from freshsales_fake import FakeFreshsales
from freshsales_harness import config, run, target_class


def staging_file(tmp_path: Path) -> Path:
    path = tmp_path / "staging.duckdb"
    if path.exists():
        return path
    with duckdb.connect(str(path)) as con:
        con.execute("create schema publish_freshsales")
        con.execute(
            "create table publish_freshsales.freshsales__contacts as select * from (values "
            "('patient:1', 'Ana@Clinic.test'), ('patient:2', 'ana@clinic.test'), "
            "('patient:3', 'locum@clinic.test'), ('patient:4', null)) t(_source_id, _owner_email)"
        )
        con.execute(
            "create table publish_freshsales.freshsales__sales_accounts as "
            "select 'business:1' as _source_id, 'North' as name"
        )
    return path


def context(fake: FakeFreshsales, tmp_path: Path, **extra: object) -> CliContext:
    cls = target_class(fake)
    return CliContext("freshsales", cls, config(tmp_path, **extra))


def test_freshsales_is_found_through_the_entry_point_group() -> None:
    assert "freshsales" in installed_crms()


def test_unknown_crm_is_a_clear_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["--crm", "nope", "runs"]) == 2
    assert "--crm must name an installed CRM (freshsales" in capsys.readouterr().err


def test_owners_reports_matched_fallback_and_unmatched_with_counts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ctx = context(FakeFreshsales(), tmp_path, staging_path=str(staging_file(tmp_path)))
    code = owners.run(ctx, argparse.Namespace(staging=None))
    out = capsys.readouterr().out
    assert code == 1  # locum has no user and there is no fallback
    assert "matched 1, fallback 0, unmatched 1" in out
    document = json.loads((tmp_path / "reports" / "freshsales-owners.json").read_text())
    rows = {r["email"]: r for r in document["owners"]}
    assert rows["ana@clinic.test"]["records"] == 2
    assert rows["ana@clinic.test"]["crm_user_id"] == "70000000002"
    assert rows["locum@clinic.test"]["status"] == "unmatched"
    ctx = context(
        FakeFreshsales(),
        tmp_path,
        staging_path=str(staging_file(tmp_path)),
        fallback_owner_email="admin@clinic.test",
    )
    assert owners.run(ctx, argparse.Namespace(staging=None)) == 0
    assert "fallback 1, unmatched 0" in capsys.readouterr().out


def test_reconcile_compares_publish_id_map_and_crm(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fake = FakeFreshsales()
    staging = staging_file(tmp_path)
    people = [{"_source_id": f"patient:{n}", "last_name": "X"} for n in range(1, 4)]
    run(
        fake,
        tmp_path,
        [("sales_accounts", [{"_source_id": "business:1", "name": "North"}]), ("contacts", people)],
    )
    code = reconcile.run(
        context(fake, tmp_path), argparse.Namespace(staging=str(staging), no_crm=False)
    )
    out = capsys.readouterr().out
    document = json.loads((tmp_path / "reports" / "freshsales-reconcile.json").read_text())
    rows = {r["object"]: r for r in document["objects"]}
    assert rows["sales_accounts"] == {
        "object": "sales_accounts",
        "publish_rows": 1,
        "id_map": 1,
        "crm_count": 1,
        "pending_intents": 0,
        "ok": True,
    }
    assert (rows["contacts"]["publish_rows"], rows["contacts"]["id_map"]) == (4, 3)
    assert rows["contacts"]["ok"] is False and code == 1
    assert "contacts" in out
    path = tmp_path / "reports" / "freshsales-reconcile.json"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_commands_need_an_existing_store(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cfg = tmp_path / "config.json"
    cfg.write_text(json.dumps(config(tmp_path)))
    assert cli.main(["--crm", "freshsales", "--config", str(cfg), "runs"]) == 2
    assert "no sync store at sync_store_path" in capsys.readouterr().err
