"""`crmsync report`: one private self-contained HTML page (+ JSON), checked in headless Chromium."""

from __future__ import annotations

import json
import re
import shutil
import stat
import subprocess
from pathlib import Path

import duckdb
import pytest
from crmsync import cli

PATIENT = "Zyxwvutsky"  # a patient's name: allowed only in the diff examples


def fixtures(tmp_path: Path) -> Path:
    """The files earlier commands leave behind, and a staging file with publish and audit tables."""
    reports = tmp_path / "reports"
    reports.mkdir()
    staging = tmp_path / "staging.duckdb"
    with duckdb.connect(str(staging)) as con:
        con.execute("create schema publish_freshsales; create schema audit")
        con.execute(
            "create table publish_freshsales.freshsales__contacts as "
            "select 'patient:' || i as _source_id from range(79) t(i)"
        )
        con.execute(
            "create table audit.audit__summary as select * from (values "
            "('patients_missing_email', 5), ('patients_probable_duplicates', 2)) "
            "t(check_name, failing_rows)"
        )
        con.execute(
            "create table audit.audit__freshsales_reconciliation as select * from (values "
            "('patients', 100, 'contacts', 'contacts', null, 79), "
            "('patients', 100, 'leads', 'leads', null, 20), "
            "('patients', 100, 'excluded', null, 'patient merged into another patient', 1)) "
            "t(cliniko_entity, cliniko_count, destination, crm_object, reason, record_count)"
        )
        con.execute(
            "create table audit.freshsales__attachments_too_large as select "
            "'77001' as patient_attachment_id, '42' as patient_id, 31.5 as size_mb, "
            "25 as limit_mb, 'application/pdf' as content_type"
        )
    documents = {
        "freshsales-reconcile.json": {"objects": [
            {"object": "contacts", "publish_rows": 79, "id_map": 78, "crm_count": 78, "ok": False}
        ]},
        "freshsales-owners.json": {"fallback": "admin@clinic.test", "owners": [
            {"email": "ana@clinic.test", "status": "matched", "records": 61}
        ]},
        "freshsales-plan.json": {"blocking": 3, "checked_at": "2026-11-22T04:00:00+00:00",
                                 "gaps": [{"object": "deals", "field": "cf_payment_status",
                                           "kind": "picklist", "detail": "values missing: credit",
                                           "blocking": True}], "needs": {"deals": []}},
        "freshsales-run-2.json": {"run_id": 2, "status": "succeeded", "objects": {
            "contacts": {"reject_reasons": {"invalid: last_name is longer than 255 characters": 1}}
        }},
        "freshsales-run-1.json": {"run_id": 1, "objects": {}},
        "freshsales-diff.json": {"run_id": 2, "checked_at": "x", "objects": {"contacts": {
            "fields": {"last_name": {"equal": 77, "different": 1, "missing": 0, "examples": [
                {"source_id": "patient:3", "crm_id": "16000000004", "sent": PATIENT,
                 "stored": "<b>changed</b>"}]}}}}},
    }  # fmt: skip
    for name, doc in documents.items():
        (reports / name).write_text(json.dumps(doc))
    (tmp_path / "inventory.json").write_text(
        json.dumps({"total_records": 4303, "streams": [{"stream": "patients", "records": 100}]})
    )
    config = tmp_path / "config.json"
    config.write_text(json.dumps({
        "api_key": "k", "base_url": "http://127.0.0.1:9/crm/sales/api",  # never called
        "reports_dir": str(reports), "staging_path": str(staging),
        "sync_store_path": str(tmp_path / "absent.sqlite"),
    }))  # fmt: skip
    return config


def make_report(tmp_path: Path) -> Path:
    config = fixtures(tmp_path)
    inventory = str(tmp_path / "inventory.json")
    code = cli.main(
        ["--crm", "freshsales", "--config", str(config), "report", "--inventory", inventory]
    )
    assert code == 0
    return tmp_path / "reports" / "freshsales-report.html"


def test_report_is_private_self_contained_and_names_patients_only_in_the_diff(
    tmp_path: Path,
) -> None:
    html_path = make_report(tmp_path)
    json_path = html_path.with_suffix(".json")
    for path in (html_path, json_path):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    html = html_path.read_text()
    assert "<script" not in html.lower()
    assert not re.search(r"(src|href)=\"(https?:)?//", html)  # nothing fetched when opened
    assert html.count(PATIENT) == 1 and html.index(PATIENT) > html.index('id="diff"')
    assert "&lt;b&gt;changed&lt;/b&gt;" in html  # values are escaped, never markup
    assert "Reminder" in html or "reminder" in html  # Cliniko features to rebuild (CRM data)
    doc = json.loads(json_path.read_text())
    assert doc["run"] == {"run_id": 2, "status": "succeeded"}  # the newest run report
    assert "needs" not in doc["plan"]
    (contacts,) = [r for r in doc["reconciliation"] if r["object"] == "contacts"]
    assert contacts == {"object": "contacts", "cliniko": 79, "publish": 79, "id_map": 78,
                        "crm": 78, "ok": False}  # fmt: skip


CHROMIUM = shutil.which("chromium")


@pytest.mark.skipif(
    CHROMIUM is None, reason="chromium is not installed (apt-get install -y chromium)"
)
def test_chromium_renders_the_key_numbers(tmp_path: Path) -> None:
    html_path = make_report(tmp_path)
    # A page beside the report copies the report's rendered text (innerText: only what is shown)
    # into its own DOM, which --dump-dom prints. The report itself has no script.
    harness = html_path.with_name("harness.html")
    harness.write_text(
        '<!DOCTYPE html><html><body><iframe id="f" src="freshsales-report.html" width="1200" '
        'height="900"></iframe><pre id="out"></pre><script>document.getElementById("f").onload='
        "function(){var d=this.contentDocument;document.getElementById('out').textContent="
        "d?'BARS:'+d.querySelectorAll('svg rect').length+'\\n'+d.body.innerText:'NO ACCESS';};"
        "</script></body></html>"
    )
    done = subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--allow-file-access-from-files",
         "--virtual-time-budget=5000", "--dump-dom", harness.as_uri()],
        capture_output=True, text=True, timeout=120, check=True,
    )  # fmt: skip
    shown = done.stdout
    assert "BARS:5" in shown  # contacts: Cliniko, publish, id map, CRM; leads: Cliniko
    assert "Cliniko holds 4303 records" in shown
    assert re.search(r"contacts\s+79\s+79\s+78\s+78\s+NO", shown)
    assert re.search(r"patients_missing_email\s+5", shown)
    assert "3 blocking gap(s)" in shown
    assert re.search(r"invalid: last_name is longer than 255 characters\s+1", shown)
    assert re.search(r"77001\s+42\s+31.5\s+25", shown)
    assert re.search(r"last_name\s+77\s+1\s+0", shown)
    assert re.search(r"ana@clinic.test\s+matched\s+61", shown)
