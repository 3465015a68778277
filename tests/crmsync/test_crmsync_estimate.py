"""`crmsync estimate`: calls per object from row counts and the client, minimum time from limits."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import duckdb
import pytest
from crmsync import cli
from crmsync.estimate import duration_text, estimate, minimum_seconds, read_inventory
from crmsync.ratelimit import Window
from crmsync.spec import ObjectSpec
from toy_crm import ToyCrm

HOUR, MINUTE = Window(3600.0, 1000), Window(60.0, 400)


def test_minimum_time_lets_one_full_quota_through_at_once() -> None:
    assert minimum_seconds(0, [HOUR, MINUTE]) == 0.0
    assert minimum_seconds(400, [HOUR, MINUTE]) == 0.0  # one burst fits both windows
    assert minimum_seconds(401, [HOUR, MINUTE]) == 60.0  # the minute window waits once
    assert minimum_seconds(1001, [HOUR, MINUTE]) == 3600.0  # then the hour decides
    assert minimum_seconds(30_000, [HOUR, MINUTE]) == 29 * 3600.0
    assert minimum_seconds(10**6, []) == 0.0


def test_durations_round_up() -> None:
    assert duration_text(0) == "0s"
    assert duration_text(59.2) == "1m00s"
    assert duration_text(3600 * 29 + 1) == "29h00m"


class BatchingToy(ToyCrm):
    """One call per 100 records for upsert objects, one per record otherwise."""

    def calls_for(self, spec: ObjectSpec, records: int) -> int:
        return -(-records // 100) if spec.upsert else records


def test_estimate_prices_each_object_with_the_clients_calls() -> None:
    client = BatchingToy()
    client.runner.limiter.windows = [HOUR, MINUTE]
    specs = {
        "people": ObjectSpec("people", "people", 1, external_id="key", upsert=True),
        "notes": ObjectSpec("notes", "notes", 2),
        "files": ObjectSpec("files", "files", 2),
    }
    doc = estimate(specs, client, {"people": 250, "notes": 1500, "files": None}, {"people": 10})
    by = {o["object"]: o for o in doc["objects"]}
    assert by["people"]["calls"] == 3 and by["people"]["calls_per_record"] == 0.012
    assert by["people"]["in_id_map"] == 10 and by["notes"]["in_id_map"] == 0
    assert by["notes"]["calls"] == 1500 and by["notes"]["minimum_seconds_alone"] == 3600.0
    assert by["files"]["records"] is None and by["files"]["calls"] == 0
    assert doc["total_calls"] == 1 + 3 + 1500  # with the preflight call
    assert doc["minimum_seconds"] == 3600.0
    assert doc["sustained_seconds"] == pytest.approx(1504 * 3.6)


def test_inventory_is_read_when_present(tmp_path: Path) -> None:
    path = tmp_path / "inventory.json"
    assert read_inventory(path) is None
    path.write_text(
        json.dumps({"total_records": 12, "streams": [{"stream": "patients", "records": 12}]})
    )
    assert read_inventory(path)["streams"] == {"patients": 12}


def test_cli_prints_the_table_and_writes_a_private_json(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    staging = tmp_path / "staging.duckdb"
    with duckdb.connect(str(staging)) as con:
        con.execute("create schema publish_freshsales")
        con.execute(
            "create table publish_freshsales.freshsales__contacts as "
            "select 'patient:' || i as _source_id from range(250) t(i)"
        )
        con.execute(
            "create table publish_freshsales.freshsales__notes as "
            "select 'treatment_note:' || i as _source_id from range(1200) t(i)"
        )
    inventory = tmp_path / "inventory.json"
    inventory.write_text(json.dumps({"total_records": 4303, "streams": []}))
    config = tmp_path / "config.json"
    config.write_text(
        json.dumps(
            {
                "api_key": "k",
                "base_url": "http://127.0.0.1:9/crm/sales/api",  # never called
                "staging_path": str(staging),
                "reports_dir": str(tmp_path / "reports"),
                "sync_store_path": str(tmp_path / "none.sqlite"),
            }
        )
    )
    code = cli.main(
        ["--crm", "freshsales", "--config", str(config), "estimate", "--inventory", str(inventory)]
    )
    out = capsys.readouterr().out
    assert code == 0
    assert "Cliniko inventory: 4303 records" in out
    path = tmp_path / "reports" / "freshsales-estimate.json"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    doc = json.loads(path.read_text())
    by = {o["object"]: o for o in doc["objects"]}
    assert by["contacts"]["calls"] == 9  # three bulk jobs of ≤100: queue + ~2 polls each
    assert by["notes"]["calls"] == 1200  # one create per note
    assert by["deals"]["records"] is None
    assert doc["total_calls"] == 1 + 9 + 1200
    assert doc["minimum_seconds"] == 3600.0  # 1210 calls > 1000 an hour
    assert "minimum 1h00m" in out
