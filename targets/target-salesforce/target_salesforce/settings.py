"""Salesforce settings: OAuth (JWT bearer or refresh token), API version, bulk and limit tuning."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from crmsync.errors import ConfigError
from crmsync.settings import https_url
from singer_sdk import typing as th

DEFAULT_LOGIN_URL = "https://login.salesforce.com"
DEFAULT_API_VERSION = "62.0"

PROPERTIES: list[th.Property] = [
    th.Property(
        "client_id",
        th.StringType,
        secret=True,
        description="Consumer key of the connected app (both OAuth flows).",
    ),
    th.Property(
        "username",
        th.StringType,
        description="JWT bearer flow: the integration user's username (the assertion's subject).",
    ),
    th.Property(
        "private_key",
        th.StringType,
        secret=True,
        description="JWT bearer flow: PEM RSA private key whose certificate the connected app has.",
    ),
    th.Property(
        "private_key_path",
        th.StringType,
        description="JWT bearer flow: file holding the PEM key instead of private_key.",
    ),
    th.Property(
        "refresh_token",
        th.StringType,
        secret=True,
        description="Refresh-token flow: a refresh token issued to the connected app.",
    ),
    th.Property(
        "client_secret",
        th.StringType,
        secret=True,
        description="Refresh-token flow: consumer secret, when the connected app requires it.",
    ),
    th.Property(
        "login_url",
        th.StringType,
        description="OAuth host (https://login.salesforce.com; https://test.salesforce.com for "
        "sandboxes; the simulator's URL in tests).",
    ),
    th.Property(
        "api_version",
        th.StringType,
        description=f"REST API version without the v ({DEFAULT_API_VERSION}).",
    ),
    th.Property(
        "bulk_threshold",
        th.IntegerType,
        description="Records of one object in a batch from which Bulk API 2.0 replaces "
        "collections (2000).",
    ),
    th.Property(
        "bulk_job_timeout_seconds",
        th.NumberType,
        description="Longest wait for one Bulk API 2.0 job; then it is left to the next run "
        "(1800).",
    ),
    th.Property(
        "api_usage_slowdown",
        th.NumberType,
        description="Share of the org's 24 h API allocation (Sforce-Limit-Info) from which "
        "calls are spaced out (0.8).",
    ),
    th.Property(
        "api_usage_stop",
        th.NumberType,
        description="Share of the allocation at which the run stops to resume later, leaving "
        "the rest to the org's other integrations (0.95).",
    ),
    th.Property(
        "set_audit_fields",
        th.BooleanType,
        description="Send CreatedDate/LastModifiedDate on insert (needs the org permission "
        "'Set Audit Fields upon Record Creation'); off: they stay in the custom fields (false).",
    ),
    th.Property("timeout_seconds", th.NumberType, description="HTTP timeout per request (120)."),
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

_VERSION = re.compile(r"^\d{2,3}\.0$")


def login_url(config: Mapping[str, Any]) -> str:
    """The OAuth host, refusing plain http anywhere but this machine (the secrets travel there)."""
    return https_url(str(config.get("login_url") or DEFAULT_LOGIN_URL), "login_url")


def api_version(config: Mapping[str, Any]) -> str:
    """`62.0`: the version in every REST path."""
    version = str(config.get("api_version") or DEFAULT_API_VERSION).strip().lstrip("vV")
    if not _VERSION.match(version):
        raise ConfigError("api_version must look like 62.0")
    return version


def fraction(config: Mapping[str, Any], key: str, default: float) -> float:
    """A share between 0 and 1 (exclusive of 0), naming the setting when it is not."""
    raw = config.get(key)
    value = default if raw is None else float(raw)
    if not 0 < value <= 1:
        raise ConfigError(f"{key} must be between 0 and 1 (got {value})")
    return value
