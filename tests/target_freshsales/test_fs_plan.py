"""The setup plan on the Freshsales simulator: gaps found, --apply fixes them, the target checks."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from crmsync.commands import plan
from crmsync.context import CliContext
from crmsync.errors import ConfigError
from freshsales_harness import config, run, target_class

testing = pytest.importorskip(
    "clinic_sandbox.freshsales.testing", reason="the Freshsales simulator package is not installed"
)

VARCHAR = {"data_type": "varchar", "meta": {"max_length": 255}}
MODELS: dict[str, dict[str, Any]] = {
    "sales_accounts": {
        "_source_id": VARCHAR,
        "cf_cliniko_id": VARCHAR,
        "name": {**VARCHAR, "constraints": [{"type": "not_null"}]},
    },
    "contacts": {
        "_source_id": VARCHAR,
        "cf_cliniko_id": VARCHAR,
        "last_name": VARCHAR,
        "cf_date_of_birth": {"data_type": "date"},
        "cf_notes": {"data_type": "varchar", "meta": {"max_length": 32768}},
        "cf_insurance_status": {"data_type": "varchar", "meta": {"enum": ["active", "expired"]}},
        "_ref__sales_account_id": VARCHAR,
        "_owner_email": VARCHAR,
    },
}


def manifest(tmp_path: Path) -> Path:
    """A dbt manifest with the publish models above (what tap-staging reads)."""
    nodes = {}
    for order, (stream, columns) in enumerate(MODELS.items(), start=1):
        uid = f"model.cliniko.freshsales__{stream}"
        meta = {"load_order": order, "external_id": "cf_cliniko_id"}
        nodes[uid] = {
            "resource_type": "model",
            "unique_id": uid,
            "name": f"freshsales__{stream}",
            "schema": "publish_freshsales",
            "config": {"meta": meta},
            "columns": columns,
        }
    path = tmp_path / "manifest.json"
    path.write_text(json.dumps({"nodes": nodes}))
    return path


def crmsync_plan(tmp_path: Path, sim: Any, apply: bool = False, fake: Any = None) -> int:
    cfg = config(tmp_path, base_url=sim.base_url, api_key=sim.api_key)
    context = CliContext("freshsales", target_class(fake), cfg)
    try:
        return plan.run(context, argparse.Namespace(manifest=str(manifest(tmp_path)), apply=apply))
    finally:
        context.close()


class WithoutFieldUpdates:
    """The simulator over the network, except that a field update answers 404."""

    def transport(self) -> httpx.BaseTransport:
        network = httpx.HTTPTransport()

        def handle(request: httpx.Request) -> httpx.Response:
            if request.method == "PUT" and "/settings/" in request.url.path:
                return httpx.Response(404, json={"errors": {"code": 404, "message": "Not found"}})
            return network.handle_request(request)

        return httpx.MockTransport(handle)


def clinic() -> list[tuple[str, list[dict[str, Any]]]]:
    return [
        ("sales_accounts", [{"_source_id": "business:1", "name": "North"}]),
        (
            "contacts",
            [{"_source_id": "patient:1", "last_name": "Ng", "cf_insurance_status": "active"}],
        ),
    ]


def test_plan_apply_then_the_target_migrates(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with testing.running_simulator(users=["admin@clinic.test"], job_delay=0) as sim:
        cfg = {"base_url": sim.base_url, "api_key": sim.api_key, "require_plan": True}
        with pytest.raises(ConfigError, match="no setup plan"):
            run(None, tmp_path, clinic(), **cfg)
        assert crmsync_plan(tmp_path, sim) == 1
        out = capsys.readouterr().out
        assert "create    contacts         cf_insurance_status" in out
        document = json.loads((tmp_path / "reports" / "freshsales-plan.json").read_text())
        assert document["blocking"] == 5  # 1 + 4 custom fields (the other objects: no model)
        with pytest.raises(ConfigError, match=r"5 blocking gap\(s\) \(5 create\)"):
            run(None, tmp_path, clinic(), **cfg)
        assert sim.records("sales_accounts") == []  # refused before any write

        assert crmsync_plan(tmp_path, sim, apply=True) == 0
        out = capsys.readouterr().out
        assert "created 5 field(s)" in out and "plan is empty" in out
        fields = {
            f["name"]: f
            for f in sim.client().get("settings/contacts/fields").json()["fields"]
            if f["name"].startswith("cf_")
        }
        assert fields["cf_cliniko_id"]["unique"] is True  # the upsert key
        assert fields["cf_notes"]["field_type"] == "textarea"
        assert [c["value"] for c in fields["cf_insurance_status"]["choices"]] == [
            "active",
            "expired",
        ]
        report = run(None, tmp_path, clinic(), **cfg)
        assert report["objects"]["contacts"]["created"] == 1


def test_the_target_alone_checks_the_plan_unless_require_plan_is_false(tmp_path: Path) -> None:
    users = ["admin@clinic.test"]
    with testing.running_simulator(users=users, with_custom_fields=True, job_delay=0) as sim:
        cfg = {"base_url": sim.base_url, "api_key": sim.api_key}
        # Unset (None here: the harness turns the gate off for the other tests) = on.
        with pytest.raises(ConfigError, match=r"no setup plan .*require_plan: false skips"):
            run(None, tmp_path, clinic(), require_plan=None, **cfg)
        assert sim.records("sales_accounts") == []
        report = run(None, tmp_path, clinic(), require_plan=False, **cfg)
        assert report["objects"]["sales_accounts"]["created"] == 1


def test_wrong_type_length_and_unique_block_and_apply_adds_only_picklist_values(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    wrong = {
        "contacts": [
            {"label": "Cliniko id", "field_type": "text", "unique": True},
            {"label": "Date of birth", "field_type": "number"},
            {"label": "Notes", "field_type": "text"},
            {"label": "Insurance status", "field_type": "dropdown", "choices": ["active"]},
        ],
        "sales_accounts": [{"label": "Cliniko id", "field_type": "text"}],  # not unique
    }
    with testing.running_simulator(custom_fields=wrong) as sim:
        # A patient already holds the existing value: adding one must not take it away.
        existing = sim.client().post(
            "contacts",
            json={
                "contact": {"last_name": "Old", "custom_field": {"cf_insurance_status": "active"}}
            },
        )
        assert existing.status_code == 201, existing.text
        assert crmsync_plan(tmp_path, sim, apply=True) == 1
        out = capsys.readouterr().out
        assert (
            "type      contacts         cf_date_of_birth                 number cannot hold date"
            in out
        )
        assert "length    contacts         cf_notes" in out
        assert (
            "picklist  contacts         cf_insurance_status              values missing: expired"
            " (plan --apply adds them)" in out
        )
        assert "unique    sales_accounts   cf_cliniko_id" in out
        assert "added values to 1 picklist(s); checking again" in out
        # Re-read after --apply: the value is there, the other gaps stay (they need an admin).
        after = out.split("checking again")[1]
        assert "picklist" not in after and "type      contacts" in after
        fields = sim.client().get("settings/contacts/fields").json()["fields"]
        status = next(f for f in fields if f["name"] == "cf_insurance_status")
        assert [c["value"] for c in status["choices"]] == ["active", "expired"]
        assert sim.records("contacts")[0]["custom_field"]["cf_insurance_status"] == "active"
        md = (tmp_path / "reports" / "freshsales-plan.md").read_text()
        assert "## Fields of the wrong type" in md and "3 blocking" in md
        assert "Picklist values missing" not in md
        cfg = {"base_url": sim.base_url, "api_key": sim.api_key, "require_plan": True}
        with pytest.raises(ConfigError, match="3 blocking"):
            run(None, tmp_path, clinic(), **cfg)
        # The override migrates anyway (the CRM rejects what does not fit, record by record).
        report = run(None, tmp_path, clinic(), allow_plan_gaps=True, **cfg)
        assert report["objects"]["contacts"]["created"] == 1
        # The gap the plan named is why: an upsert key that is not unique is refused.
        (reason,) = report["objects"]["sales_accounts"]["reject_reasons"]
        assert "not a unique field" in reason


def test_a_freshsales_without_the_field_update_route_leaves_the_gap_blocking(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The route is inferred: where Freshsales answers 404, the plan says so and stays blocking."""
    fields = [{"label": "Insurance status", "field_type": "dropdown", "choices": ["active"]}]
    with testing.running_simulator(custom_fields={"contacts": fields}) as sim:
        assert crmsync_plan(tmp_path, sim, apply=True, fake=WithoutFieldUpdates()) == 1
        out = capsys.readouterr().out
        assert "could not add values to contacts.cf_insurance_status: HTTP 404" in out
        assert "added values to 0 picklist(s)" in out
        document = json.loads((tmp_path / "reports" / "freshsales-plan.json").read_text())
        assert [g["kind"] for g in document["gaps"] if g["field"] == "cf_insurance_status"] == [
            "picklist"
        ]
        # Where the route answers (the simulator), the next `plan --apply` adds the value.
        assert crmsync_plan(tmp_path, sim, apply=True) == 0
        assert capsys.readouterr().out.endswith(
            "plan is empty: every field the models need is in the CRM\n"
            f"written: {tmp_path / 'reports' / 'freshsales-plan.json'}\n"
            f"written: {tmp_path / 'reports' / 'freshsales-plan.md'}\n"
        )
