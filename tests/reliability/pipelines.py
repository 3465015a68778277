"""The e2e pipeline (tests/e2e/e2e_pipeline.py), with settings added to the target's config.

The fault tests give the target a short HTTP timeout, so that a simulated hang is a real client
timeout within the test's time; `plan_apply` creates the custom fields a new CRM lacks.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import e2e_pipeline


class _Extra:
    """Mixed into a pipeline: `extra` merged into the target's settings, plus the plan step."""

    extra: dict[str, Any]

    def target_settings(self) -> dict[str, Any]:
        return {**super().target_settings(), **self.extra}  # type: ignore[misc]

    def plan_apply(self, manifest: Path) -> None:
        """`crmsync plan --apply`: the custom fields the publish models need (none at first)."""
        done = self.crmsync("plan", "--apply", "--manifest", str(manifest))  # type: ignore[attr-defined]
        assert done.returncode == 0, (done.stdout + done.stderr)[-3000:]


@dataclass
class FreshsalesPipeline(_Extra, e2e_pipeline.FreshsalesPipeline):
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class SalesforcePipeline(_Extra, e2e_pipeline.SalesforcePipeline):
    extra: dict[str, Any] = field(default_factory=dict)
