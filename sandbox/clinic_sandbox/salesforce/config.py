"""The simulator's settings, shared by the CLI and the test helper."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from clinic_sandbox.freshsales.faults import FaultSettings

DEFAULT_CLIENT_ID = "sandbox-consumer-key"
DEFAULT_CLIENT_SECRET = "sandbox-consumer-secret"  # noqa: S105 - a sandbox default, not a secret
DEFAULT_REFRESH_TOKEN = "sandbox-refresh-token"  # noqa: S105
# 37.5 MB: the largest blob a JSON (base64) insert takes [docs: dome-sobject-insert-update-blob].
MAX_FILE_BYTES = 39_321_600


@dataclass(frozen=True)
class SimulatorConfig:
    """Everything a simulator instance is started with."""

    api_version: str = "62.0"
    client_id: str = DEFAULT_CLIENT_ID
    client_secret: str = DEFAULT_CLIENT_SECRET
    refresh_token: str = DEFAULT_REFRESH_TOKEN
    jwt_public_key_pem: str | None = None
    token_ttl: float = 7200.0
    users: list[Any] | None = None
    with_custom_objects: bool = False
    audit_fields: bool = False
    daily_limit: int = 100_000
    window_scale: float = 1.0
    query_page_size: int = 2000
    max_file_bytes: int = MAX_FILE_BYTES
    job_delay: float = 0.2
    faults: FaultSettings = field(default_factory=FaultSettings)

    def __post_init__(self) -> None:
        if not re.fullmatch(r"\d{2}\.0", self.api_version):
            raise ValueError(f"--api-version must look like 62.0, got {self.api_version!r}")
        if not (self.client_id and self.client_secret and self.refresh_token):
            raise ValueError("--client-id, --client-secret and --refresh-token must not be empty")
        if self.daily_limit < 1 or self.window_scale <= 0:
            raise ValueError("--daily-limit must be ≥ 1 and --window-scale > 0")
        if not 1 <= self.query_page_size <= 2000:
            raise ValueError("--query-page-size must be between 1 and 2000")
        if self.job_delay < 0 or self.token_ttl <= 0 or self.max_file_bytes < 1:
            raise ValueError("--job-delay, --token-ttl and --max-file-bytes must be positive")

    @property
    def data_prefix(self) -> str:
        return f"/services/data/v{self.api_version}"
