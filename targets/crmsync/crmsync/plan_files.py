"""The setup plan on disk: `<crm>-plan.json` (with the needs, for the target's check) and `.md`."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from crmsync.errors import ConfigError
from crmsync.plan import Plan, needs_as_json
from crmsync.plan_model import FieldNeed
from crmsync.private_files import write_private_text
from crmsync.report import write_json_report

TITLES = {
    "create": "Fields to create",
    "type": "Fields of the wrong type",
    "length": "Fields too short",
    "picklist": "Picklist values missing",
    "unique": "Upsert keys that are not unique",
    "missing": "Built-in fields the CRM lacks",
    "required": "Mandatory CRM fields the models leave empty",
}


def plan_paths(reports: Path, crm: str) -> tuple[Path, Path]:
    """(JSON, Markdown) paths of a CRM's plan."""
    return reports / f"{crm}-plan.json", reports / f"{crm}-plan.md"


def write_plan(
    reports: Path, crm: str, plan: Plan, needs: Mapping[str, list[FieldNeed]]
) -> tuple[Path, Path]:
    """Write both files (0600); field names only, never record values."""
    json_path, md_path = plan_paths(reports, crm)
    document = {
        "crm": crm,
        "checked_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        **plan.as_dict(),
        "needs": needs_as_json(needs),
    }
    write_json_report(json_path, document)
    write_private_text(md_path, markdown(crm, plan))
    return json_path, md_path


def read_plan(path: Path) -> dict[str, Any]:
    """A plan file, or a clear error naming what to run."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except OSError:
        raise ConfigError(
            f"no setup plan ({path.name}): run `crmsync plan --apply` (meltano invoke "
            "crmsync:plan-apply) first; nothing was written (allow_plan_gaps: true migrates "
            "anyway, require_plan: false skips the check)"
        ) from None
    except ValueError as exc:
        raise ConfigError(f"setup plan {path.name} is not JSON ({exc})") from None


def markdown(crm: str, plan: Plan) -> str:
    """The plan for a person: one section per gap kind."""
    lines = [f"# Setup plan: {crm}", ""]
    blocking = len(plan.blocking)
    lines.append(
        "Nothing to do: the CRM has every field the publish models need."
        if not plan.gaps
        else f"{len(plan.gaps)} gap(s), {blocking} blocking a migration."
    )
    for kind, title in TITLES.items():
        gaps = [g for g in plan.gaps if g.kind == kind]
        if not gaps:
            continue
        lines += [
            "",
            f"## {title}",
            "",
            "| object | field | detail | blocks |",
            "|---|---|---|---|",
        ]
        lines += [
            f"| {g.object} | `{g.field}` | {g.detail} | {'yes' if g.blocking else 'no'} |"
            for g in gaps
        ]
    if plan.unchecked:
        lines += ["", "Not checked (the CRM has no field metadata for them): "
                  + ", ".join(plan.unchecked)]  # fmt: skip
    return "\n".join(lines) + "\n"
