"""Freshsales settings: key, account address, bulk-upsert tuning; validated before any write."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from crmsync.errors import ConfigError
from crmsync.settings import https_url
from singer_sdk import typing as th

PROPERTIES: list[th.Property] = [
    th.Property(
        "api_key", th.StringType, secret=True, description="A Freshsales admin user's API key."
    ),
    th.Property(
        "domain",
        th.StringType,
        description="Bundle alias: https://<domain>.myfreshworks.com/crm/sales/api is used.",
    ),
    th.Property(
        "base_url",
        th.StringType,
        description="API base URL instead of domain (sandbox: http://127.0.0.1:8500/crm/sales/api).",
    ),
    th.Property(
        "bulk_upsert_threshold",
        th.IntegerType,
        description="Records in a batch from which bulk_upsert jobs replace single upserts (10).",
    ),
    th.Property(
        "bulk_job_timeout_seconds",
        th.NumberType,
        description="Longest wait for one bulk_upsert job; then it is left to the next run (900).",
    ),
    th.Property("timeout_seconds", th.NumberType, description="HTTP timeout per request (60)."),
    th.Property(
        "require_plan",
        th.BooleanType,
        description="Check the setup plan (`crmsync plan`) before the first write (true).",
    ),
    th.Property(
        "allow_plan_gaps",
        th.BooleanType,
        description="Migrate even when the setup plan is missing or has blocking gaps (false).",
    ),
]

_ALIAS = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")


def api_base(config: Mapping[str, Any]) -> str:
    """The API base URL from `base_url` or `domain`, refusing what would leak the key."""
    base = (config.get("base_url") or "").strip().rstrip("/")
    domain = (config.get("domain") or "").strip().lower()
    if base:
        return https_url(base, "base_url")
    if not domain:
        raise ConfigError("set domain (the bundle alias, e.g. 'acme') or base_url")
    if domain.endswith(".myfreshworks.com"):
        domain = domain.removesuffix(".myfreshworks.com")
    if not _ALIAS.match(domain):
        raise ConfigError(
            "domain must be the bundle alias only, e.g. 'acme' for acme.myfreshworks.com"
        )
    return f"https://{domain}.myfreshworks.com/crm/sales/api"


def api_key(config: Mapping[str, Any]) -> str:
    """The API key, or a clear error naming the setting."""
    key = (config.get("api_key") or "").strip()
    if not key:
        raise ConfigError("api_key is required (a Freshsales admin user's API key)")
    return key
