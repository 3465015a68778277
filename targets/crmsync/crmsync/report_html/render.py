"""Gather, then render the HTML (Jinja2, autoescaped) and write it with its JSON, both 0600."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import jinja2

from crmsync.private_files import write_private_text
from crmsync.report_html import gather
from crmsync.report_html.chart import bars
from crmsync.spec import ObjectSpec

TEMPLATES = Path(__file__).parent / "templates"


def build(
    crm: str,
    specs: Mapping[str, ObjectSpec],
    reports: Path,
    staging: Path | None,
    inventory_path: Path,
    published: Mapping[str, int | None],
    mapped: Mapping[str, int],
    not_migrated: list[dict[str, str]],
) -> dict[str, Any]:
    """The report's content as one JSON-ready document."""
    audit = gather.audit_tables(staging, crm)
    reconcile = gather.read_json(reports / f"{crm}-reconcile.json")
    plan = gather.read_json(reports / f"{crm}-plan.json")
    if plan:
        plan.pop("needs", None)  # the field list the target re-checks; not for people
    run = gather.latest_run_report(reports, crm)
    return {
        "crm": crm,
        "generated_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "inventory": gather.inventory(inventory_path),
        "reconciliation": gather.reconciliation(
            specs, reconcile, audit["cliniko"], published, mapped
        ),
        "reconcile_file": reconcile is not None,
        "cliniko": audit["cliniko"],
        "quality": audit["quality"],
        "too_large": audit["too_large"],
        "owners": gather.read_json(reports / f"{crm}-owners.json"),
        "plan": plan,
        "run": {"run_id": run.get("run_id"), "status": run.get("status")} if run else None,
        "rejects": gather.rejects(run),
        "diff": gather.read_json(reports / f"{crm}-diff.json"),
        "not_migrated": not_migrated,
    }


def render(document: dict[str, Any]) -> str:
    """The HTML page: inline CSS and SVG, no script, nothing fetched when it opens."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,  # CRM reasons and diff values are text, never markup
        undefined=jinja2.StrictUndefined,
    )
    return env.get_template("report.html.j2").render(chart=bars(document["reconciliation"]),
                                                     **document)  # fmt: skip


def write(reports: Path, crm: str, document: dict[str, Any]) -> tuple[Path, Path]:
    """Write `<crm>-report.html` and `<crm>-report.json` (0600)."""
    html_path, json_path = reports / f"{crm}-report.html", reports / f"{crm}-report.json"
    write_private_text(html_path, render(document))
    write_private_text(json_path, json.dumps(document, indent=2, sort_keys=True) + "\n")
    return html_path, json_path
