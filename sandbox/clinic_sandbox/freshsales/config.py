"""The simulator's settings, shared by the CLI and the test helper."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from clinic_sandbox.freshsales.custom_fields import PROJECT_FIELDS
from clinic_sandbox.freshsales.faults import FaultSettings
from clinic_sandbox.freshsales.ratelimit import MINUTE_LIMIT, PLANS

API_PREFIX = "/crm/sales/api"
DEFAULT_API_KEY = "sandbox-freshsales-key"
# Freshsales' per-file limit for documents (the seed: 25 MB).
MAX_FILE_BYTES = 25 * 1024 * 1024


@dataclass(frozen=True)
class SimulatorConfig:
    """Everything a simulator instance is started with."""

    api_key: str = DEFAULT_API_KEY
    users: list[Any] | None = None
    custom_fields: dict[str, list[Any]] = field(default_factory=dict)
    plan: str = "growth"
    hourly_limit: int | None = None
    minute_limit: int = MINUTE_LIMIT
    window_scale: float = 1.0
    faults: FaultSettings = field(default_factory=FaultSettings)
    job_delay: float = 0.2
    strict_attributes: bool = False
    max_file_bytes: int = MAX_FILE_BYTES

    def __post_init__(self) -> None:
        if not self.api_key:
            raise ValueError("--api-key must not be empty")
        if self.plan not in PLANS:
            raise ValueError(f"--plan must be one of {', '.join(PLANS)}, got {self.plan!r}")
        if self.job_delay < 0:
            raise ValueError("--job-delay must not be negative")

    @property
    def hourly(self) -> int:
        """The per-hour limit: the explicit one, else the plan's."""
        return self.hourly_limit if self.hourly_limit is not None else PLANS[self.plan]


def project_custom_fields() -> dict[str, list[Any]]:
    """The project's custom fields (what `--with-custom-fields` starts with)."""
    return {entity: [dict(raw) for raw in raws] for entity, raws in PROJECT_FIELDS.items()}
