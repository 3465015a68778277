"""The setup plan: what the publish models need versus the CRM's fields, per object.

Gaps are `create` (a custom field is missing: `--apply` creates it), `type`, `length`,
`picklist` (values missing: `--apply` adds them where the client has `add_choices`), `unique`
(the external id is not unique), `missing` (a built-in field the CRM lacks) and `required` (a
mandatory CRM field the models leave empty). All but `required` on a nullable column block a
migration; that one is a warning (records with the value empty are rejected one by one, with
the CRM's reason).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from crmsync.errors import ConfigError, RecordRejected
from crmsync.plan_model import CrmField, FieldAdmin, FieldNeed, choice_adder, need_kind
from crmsync.spec import REF_PREFIX, ObjectSpec


@dataclass(frozen=True)
class Gap:
    """One difference between a need and the CRM."""

    object: str
    field: str
    kind: str  # create / type / length / picklist / unique / missing / required
    detail: str
    blocking: bool = True
    need: FieldNeed | None = None
    values: tuple[str, ...] = ()  # picklist: the values missing


@dataclass
class Applied:
    """What `plan --apply` did: fields created, values added, and what the CRM refused."""

    created: list[CrmField] = field(default_factory=list)
    extended: list[CrmField] = field(default_factory=list)
    refused: list[tuple[Gap, str]] = field(default_factory=list)


@dataclass
class Plan:
    """Gaps per object, and the objects the CRM cannot describe (not checked)."""

    gaps: list[Gap] = field(default_factory=list)
    unchecked: list[str] = field(default_factory=list)

    @property
    def blocking(self) -> list[Gap]:
        """The gaps that stop a migration."""
        return [g for g in self.gaps if g.blocking]

    def as_dict(self) -> dict[str, Any]:
        """The JSON shape (needs included, so the target can re-check the plan at start)."""
        return {
            "blocking": len(self.blocking),
            "gaps": [{k: v for k, v in asdict(g).items() if k != "need"} for g in self.gaps],
            "unchecked": self.unchecked,
        }


def needs_from_manifest(path: Path, crm: str) -> dict[str, list[FieldNeed]]:
    """Per stream, the fields the publish models write (dbt's manifest, read by tap-staging)."""
    try:
        from cliniko_staging.manifest import ManifestError, read_manifest
    except ImportError as exc:  # pragma: no cover - the workspace installs it
        raise ConfigError("plan reads the dbt manifest with cliniko-staging; install it") from exc
    try:
        models = read_manifest(path, crm)
    except ManifestError as exc:
        raise ConfigError(str(exc)) from exc
    needs: dict[str, list[FieldNeed]] = {}
    for model in models:
        fields = []
        for column in model.columns:
            if column.name.startswith(REF_PREFIX):
                name, kind = column.name[len(REF_PREFIX) :], "reference"
            elif column.name.startswith("_"):
                continue  # _source_id, _owner_email, files: the target's, not CRM fields
            else:
                name, kind = column.name, need_kind(column.data_type, column.enum)
            values = tuple(str(v) for v in column.enum or () if v is not None)
            unique = column.name == model.external_id
            fields.append(FieldNeed(name, kind, column.max_length, values, column.nullable, unique))
        needs[model.stream] = fields
    return needs


def compare(
    specs: Mapping[str, ObjectSpec], admin: FieldAdmin, needs: Mapping[str, list[FieldNeed]]
) -> Plan:
    """Read every object's fields from the CRM and list the gaps."""
    plan = Plan()
    for stream, spec in specs.items():
        if stream not in needs:
            continue
        crm_fields = admin.field_metadata(spec)
        if crm_fields is None:
            plan.unchecked.append(stream)
            continue
        plan.gaps += object_gaps(spec, admin, needs[stream], crm_fields)
    return plan


def object_gaps(
    spec: ObjectSpec, admin: FieldAdmin, needs: list[FieldNeed], crm_fields: list[CrmField]
) -> list[Gap]:
    """The gaps of one object."""
    have = {f.name: f for f in crm_fields}
    gaps = []
    for need in needs:
        crm = have.get(need.name)
        if crm is None:
            if admin.creatable(spec, need.name):
                gaps.append(Gap(spec.stream, need.name, "create", _describe(need), need=need))
            else:
                gaps.append(Gap(spec.stream, need.name, "missing", "not a field of this object"))
            continue
        gaps += _field_gaps(spec.stream, need, crm, _picklist_fix(admin))
    filled = {n.name for n in needs} | admin.filled_fields(spec)
    if spec.owner_field:
        filled.add(spec.owner_field)
    nullable = {n.name for n in needs if n.nullable}
    for crm in crm_fields:
        if not crm.required:
            continue
        if crm.name not in filled:
            gaps.append(Gap(spec.stream, crm.name, "required", "mandatory; no model fills it"))
        elif crm.name in nullable:
            detail = "mandatory; the model may leave it empty (those records are rejected)"
            gaps.append(Gap(spec.stream, crm.name, "required", detail, blocking=False))
    return gaps


def _picklist_fix(admin: FieldAdmin) -> str:
    if choice_adder(admin) is not None:
        return "plan --apply adds them"
    return f"add them in the CRM: {type(admin).__name__} cannot add picklist values"


def _field_gaps(stream: str, need: FieldNeed, crm: CrmField, picklist_fix: str) -> list[Gap]:
    if not _holds(need, crm):
        detail = f"{crm.crm_type} cannot hold {need.kind}"
        return [Gap(stream, need.name, "type", detail)]
    gaps = []
    if need.max_length and crm.max_length and crm.max_length < need.max_length:
        detail = f"holds {crm.max_length} characters, the model up to {need.max_length}"
        gaps.append(Gap(stream, need.name, "length", detail))
    if need.values and crm.choices is not None:
        missing = [v for v in need.values if v not in crm.choices]
        if missing:
            detail = "values missing: " + ", ".join(missing) + f" ({picklist_fix})"
            gaps.append(Gap(stream, need.name, "picklist", detail, values=tuple(missing)))
    if need.unique and crm.unique is False:
        gaps.append(Gap(stream, need.name, "unique", "the upsert key must be a unique field"))
    return gaps


def _holds(need: FieldNeed, crm: CrmField) -> bool:
    if need.kind in crm.kinds:
        return True
    # A picklist's values fit a text field (or a number field when they are numbers).
    if need.kind == "picklist":
        if "text" in crm.kinds:
            return True
        return "number" in crm.kinds and all(_is_number(v) for v in need.values)
    return False


def _is_number(value: str) -> bool:
    try:
        float(value)
    except ValueError:
        return False
    return True


def _describe(need: FieldNeed) -> str:
    extra = f", up to {need.max_length} characters" if need.max_length else ""
    if need.values:
        extra = ", values " + ", ".join(need.values)
    return f"custom field missing ({need.kind}{extra})"


def apply(plan: Plan, specs: Mapping[str, ObjectSpec], admin: FieldAdmin) -> Applied:
    """Create every missing custom field and add missing picklist values where the client can.

    Other gaps need an admin (a type change loses data). A value the CRM refuses, or a client
    without `add_choices`, leaves its gap in place, blocking, with the reason.
    """
    done = Applied()
    add_choices = choice_adder(admin)
    for gap in plan.gaps:
        if gap.kind == "create" and gap.need is not None:
            done.created.append(admin.create_field(specs[gap.object], gap.need))
        elif gap.kind == "picklist" and add_choices is None:
            done.refused.append((gap, f"{type(admin).__name__} cannot add picklist values"))
        elif gap.kind == "picklist" and add_choices is not None:
            try:
                done.extended.append(add_choices(specs[gap.object], gap.field, gap.values))
            except RecordRejected as exc:
                done.refused.append((gap, exc.reason))
    return done


def needs_as_json(needs: Mapping[str, list[FieldNeed]]) -> dict[str, list[dict[str, Any]]]:
    """The needs in the plan file (the target re-checks them against the CRM at start)."""
    return {stream: [asdict(n) for n in fields] for stream, fields in needs.items()}


def needs_from_json(document: Mapping[str, Any]) -> dict[str, list[FieldNeed]]:
    """The needs a plan file holds."""
    return {
        stream: [FieldNeed(**{**n, "values": tuple(n.get("values") or ())}) for n in fields]
        for stream, fields in (document.get("needs") or {}).items()
    }
