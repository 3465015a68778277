"""The setup plan, CRM-agnostic: needs from the dbt manifest, gaps per kind, apply."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from crmsync import plan as planning
from crmsync.errors import RecordRejected
from crmsync.plan_files import markdown, read_plan, write_plan
from crmsync.plan_model import CrmField, FieldNeed, need_kind
from crmsync.spec import ObjectSpec

PEOPLE = ObjectSpec("people", "people", 1, external_id="cf_key", owner_field="owner_id")
SPECS = {"people": PEOPLE}
TEXT = frozenset({"text"})


class Admin:
    """A CRM whose `people` have some fields; custom ones (cf_) can be created."""

    def __init__(self, fields: list[CrmField]) -> None:
        self.fields = fields
        self.created: list[FieldNeed] = []

    def field_metadata(self, spec: ObjectSpec) -> list[CrmField] | None:
        return list(self.fields)

    def filled_fields(self, spec: ObjectSpec) -> set[str]:
        return {"cf_key"}

    def creatable(self, spec: ObjectSpec, name: str) -> bool:
        return name.startswith("cf_")

    def create_field(self, spec: ObjectSpec, need: FieldNeed) -> CrmField:
        self.created.append(need)
        kinds = frozenset({"picklist"}) if need.values else frozenset({need.kind})
        made = CrmField(need.name, kinds, "x", need.max_length, need.values or None, custom=True)
        self.fields.append(made)
        return made


class ChoiceAdmin(Admin):
    """An Admin whose client can also add picklist values (or refuses, like a CRM answering 404)."""

    refuse: str | None = None

    def add_choices(self, spec: ObjectSpec, name: str, values: tuple[str, ...]) -> CrmField:
        if self.refuse:
            raise RecordRejected(self.refuse, 404)
        old = next(f for f in self.fields if f.name == name)
        new = CrmField(name, old.kinds, old.crm_type, choices=(*(old.choices or ()), *values))
        self.fields = [new if f.name == name else f for f in self.fields]
        return new


NEEDS = {
    "people": [
        FieldNeed("cf_key", "text", 255, unique=True),
        FieldNeed("last_name", "text", 80, nullable=False),
        FieldNeed("cf_status", "picklist", values=("active", "expired")),
        FieldNeed("cf_born", "date"),
        FieldNeed("cf_history", "text", 32768),
        FieldNeed("region", "text", 50),
        FieldNeed("cf_kind", "picklist", values=("a", "b")),
        FieldNeed("account_id", "reference"),
    ]
}


def crm_fields() -> list[CrmField]:
    return [
        CrmField("cf_key", TEXT, "text", 255, unique=False),
        CrmField("last_name", TEXT, "text", 255, required=True),
        CrmField("cf_status", frozenset({"picklist"}), "dropdown", choices=("active",)),
        CrmField("cf_born", frozenset({"number"}), "number"),
        CrmField("cf_history", TEXT, "text", 255),
        CrmField("cf_kind", TEXT, "text", 255),  # a picklist's values fit a text field
        CrmField("account_id", frozenset({"reference"}), "lookup", required=True),
        CrmField("owner_id", frozenset({"reference"}), "lookup", required=True),
        CrmField("stage", frozenset({"number"}), "number", required=True),
    ]


def test_every_kind_of_gap_is_found_and_only_nullable_required_ones_warn() -> None:
    plan = planning.compare(SPECS, Admin(crm_fields()), NEEDS)
    found = {(g.field, g.kind, g.blocking) for g in plan.gaps}
    assert found == {
        ("cf_key", "unique", True),
        ("cf_status", "picklist", True),
        ("cf_born", "type", True),
        ("cf_history", "length", True),
        ("region", "missing", True),  # a built-in field cannot be created
        ("account_id", "required", False),  # the reference may be empty
        ("stage", "required", True),  # nothing fills it (owner_id is the target's)
    }
    picklist = next(g for g in plan.gaps if g.kind == "picklist")
    assert picklist.values == ("expired",)
    # This client has no add_choices: the plan says who must add the value.
    assert picklist.detail == (
        "values missing: expired (add them in the CRM: Admin cannot add picklist values)"
    )


def test_apply_creates_the_missing_custom_fields_and_the_plan_empties() -> None:
    admin = Admin([CrmField("last_name", TEXT, "text", 255)])
    needs = {"people": [n for n in NEEDS["people"] if n.name.startswith("cf_")]}
    plan = planning.compare(SPECS, admin, needs)
    assert {g.kind for g in plan.gaps} == {"create"} and len(plan.blocking) == 5
    planning.apply(plan, SPECS, admin)
    assert [n.name for n in admin.created] == [n.name for n in needs["people"]]
    assert planning.compare(SPECS, admin, needs).gaps == []


PICKLIST_NEED = {"people": [FieldNeed("cf_status", "picklist", values=("active", "expired"))]}
PICKLIST_FIELD = CrmField("cf_status", frozenset({"picklist"}), "dropdown", choices=("active",))


def test_apply_adds_missing_picklist_values_and_keeps_the_existing_ones() -> None:
    admin = ChoiceAdmin([PICKLIST_FIELD])
    plan = planning.compare(SPECS, admin, PICKLIST_NEED)
    (gap,) = plan.blocking
    assert gap.detail == "values missing: expired (plan --apply adds them)"
    done = planning.apply(plan, SPECS, admin)
    assert [f.choices for f in done.extended] == [("active", "expired")] and not done.refused
    assert planning.compare(SPECS, admin, PICKLIST_NEED).gaps == []


@pytest.mark.parametrize(
    ("admin", "reason"),
    [
        (Admin([PICKLIST_FIELD]), "Admin cannot add picklist values"),
        (ChoiceAdmin([PICKLIST_FIELD]), "HTTP 404: no such route"),
    ],
)
def test_values_a_client_cannot_add_stay_blocking_with_the_reason(
    admin: Admin, reason: str
) -> None:
    admin.refuse = "HTTP 404: no such route"  # only ChoiceAdmin reads it
    plan = planning.compare(SPECS, admin, PICKLIST_NEED)
    done = planning.apply(plan, SPECS, admin)
    assert [(g.field, why) for g, why in done.refused] == [("cf_status", reason)]
    assert [g.kind for g in planning.compare(SPECS, admin, PICKLIST_NEED).blocking] == ["picklist"]


def test_needs_come_from_the_manifest_columns(tmp_path: Path) -> None:
    model = {
        "resource_type": "model",
        "unique_id": "model.p.crm__people",
        "name": "crm__people",
        "schema": "publish_crm",
        "config": {"meta": {"load_order": 1, "external_id": "cf_key"}},
        "columns": {
            "_source_id": {"data_type": "varchar"},
            "cf_key": {"data_type": "varchar", "meta": {"max_length": 255}},
            "cf_status": {"data_type": "varchar", "meta": {"enum": ["active", "expired"]}},
            "cf_born": {"data_type": "date"},
            "amount": {"data_type": "decimal(18,2)", "constraints": [{"type": "not_null"}]},
            "_ref__account_id": {"data_type": "varchar"},
            "_owner_email": {"data_type": "varchar"},
        },
    }
    path = tmp_path / "manifest.json"
    path.write_text(json.dumps({"nodes": {model["unique_id"]: model}}))
    needs = planning.needs_from_manifest(path, "crm")["people"]
    assert needs == [
        FieldNeed("cf_key", "text", 255, unique=True),
        FieldNeed("cf_status", "picklist", values=("active", "expired")),
        FieldNeed("cf_born", "date"),
        FieldNeed("amount", "number", nullable=False),
        FieldNeed("account_id", "reference"),
    ]


def test_kinds_of_dbt_types() -> None:
    assert need_kind("timestamp with time zone", None) == "datetime"
    assert need_kind("bigint", None) == "number"
    assert need_kind("integer", (0, 1)) == "picklist"
    assert need_kind("json", None) == "json"
    assert need_kind("boolean", None) == "boolean"


def test_plan_files_hold_the_needs_and_name_no_values(tmp_path: Path) -> None:
    plan = planning.compare(SPECS, Admin(crm_fields()), NEEDS)
    json_path, md_path = write_plan(tmp_path, "crm", plan, NEEDS)
    assert oct(json_path.stat().st_mode & 0o777) == oct(md_path.stat().st_mode & 0o777) == "0o600"
    document = read_plan(json_path)
    assert document["blocking"] == 6
    assert planning.needs_from_json(document) == NEEDS
    text = md_path.read_text()
    assert "## Picklist values missing" in text and "| people | `cf_status` |" in text
    assert "Nothing to do" in markdown("crm", planning.Plan())
