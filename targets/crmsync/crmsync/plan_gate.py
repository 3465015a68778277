"""The check a CRM target makes before its first write: the setup plan has no blocking gaps.

It re-reads the CRM's fields against the needs saved in `<crm>-plan.json` (written by `crmsync
plan`), so a plan applied or fixed by hand since then passes without running `plan` again. On by
default, wherever the target runs: a target started alone must not write into a CRM nobody has
checked. `require_plan: false` skips the check; `allow_plan_gaps: true` runs it and goes on.
(A CRM package may keep it off by default while its own pipelines cannot run `plan` first:
`CrmTarget.require_plan_default`.)
"""

from __future__ import annotations

import collections
import logging
from collections.abc import Mapping
from typing import Any

from crmsync.errors import ConfigError
from crmsync.plan import compare, needs_from_json
from crmsync.plan_files import plan_paths, read_plan
from crmsync.plan_model import FieldAdmin
from crmsync.settings import reports_dir
from crmsync.spec import ObjectSpec

logger = logging.getLogger("crmsync.plan")


def plan_required(config: Mapping[str, Any], default: bool = True) -> bool:
    """The `require_plan` setting; unset, the target's default (true for crmsync targets)."""
    value = config.get("require_plan")
    return default if value is None else value is True


def check_plan(
    config: Mapping[str, Any], crm: str, specs: Mapping[str, ObjectSpec], admin: FieldAdmin
) -> None:
    """Raise ConfigError while blocking gaps remain, unless `allow_plan_gaps` says go on."""
    json_path, md_path = plan_paths(reports_dir(config), crm)
    allowed = config.get("allow_plan_gaps") is True
    try:
        needs = needs_from_json(read_plan(json_path))
    except ConfigError:
        if allowed:
            logger.warning("No setup plan; migrating anyway (allow_plan_gaps)")
            return
        raise
    blocking = compare(specs, admin, needs).blocking
    if not blocking:
        logger.info("Setup plan checked: no blocking gaps")
        return
    kinds = collections.Counter(g.kind for g in blocking)
    summary = ", ".join(f"{n} {k}" for k, n in sorted(kinds.items()))
    if allowed:
        logger.warning(
            "Setup plan has blocking gaps (%s); migrating anyway (allow_plan_gaps)", summary
        )
        return
    raise ConfigError(
        f"the {crm} setup plan has {len(blocking)} blocking gap(s) ({summary}); see "
        f"{md_path.name}, run `crmsync plan --apply` or fix them in the CRM; nothing was "
        "written (set allow_plan_gaps to migrate anyway)"
    )
