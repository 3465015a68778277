"""The settings every CRM target shares (engine, store, limits, reports) as SDK properties."""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from singer_sdk import typing as th

from crmsync.errors import ConfigError
from crmsync.ratelimit import Window
from crmsync.retry import RetryPolicy


def engine_properties() -> list[th.Property]:
    """Settings of the shared engine; every CRM target appends its own."""
    return [
        th.Property(
            "sync_store_path",
            th.StringType,
            description="SQLite sync store of this connection (default output/sync/<crm>.sqlite).",
        ),
        th.Property(
            "reports_dir",
            th.StringType,
            description="Folder for the run's reconciliation JSON (default output/reports).",
        ),
        th.Property(
            "fallback_owner_email",
            th.StringType,
            description="Owner for records whose practitioner email matches no CRM user.",
        ),
        th.Property(
            "max_calls_per_hour",
            th.IntegerType,
            description="Client-side hourly call limit (default: the CRM's documented limit).",
        ),
        th.Property(
            "max_calls_per_minute",
            th.IntegerType,
            description="Client-side per-minute call limit (default: the CRM's documented limit).",
        ),
        th.Property(
            "max_attempts", th.IntegerType, description="Tries per request on transient errors (5)."
        ),
        th.Property(
            "max_rate_limit_wait_seconds",
            th.NumberType,
            description="Longest wait a CRM may ask for; longer stops the run to resume (3600).",
        ),
        th.Property(
            "capture_before",
            th.BooleanType,
            description=(
                "Read each record from the CRM before updating it, so rollback also undoes edits "
                "made in the CRM since the last run (false: the last payload sent; 1 call each)."
            ),
        ),
        th.Property(
            "read_back_counts",
            th.BooleanType,
            description="Read each object's record count back from the CRM at the end (true).",
        ),
        th.Property(
            "staging_path",
            th.StringType,
            description="Staging DuckDB file; read-only, for totals (progress ETA) and the CLI.",
        ),
        th.Property(
            "progress_interval_seconds",
            th.NumberType,
            description="Seconds between progress lines (60).",
        ),
    ]


def store_path(config: Mapping[str, Any], crm: str) -> Path:
    """The sync store path a config names."""
    return Path(config.get("sync_store_path") or Path("output") / "sync" / f"{crm}.sqlite")


def reports_dir(config: Mapping[str, Any]) -> Path:
    """The reports folder a config names."""
    return Path(config.get("reports_dir") or Path("output") / "reports")


def windows(config: Mapping[str, Any], defaults: tuple[tuple[float, int], ...]) -> list[Window]:
    """Rate-limit windows: the CRM's documented ones, overridden by the hour/minute settings."""
    result = {seconds: calls for seconds, calls in defaults}
    for key, seconds in (("max_calls_per_hour", 3600.0), ("max_calls_per_minute", 60.0)):
        value = config.get(key)
        if value is not None:
            if int(value) < 1:
                raise ConfigError(f"{key} must be at least 1 (got {value})")
            result[seconds] = int(value)
    return [Window(seconds, calls) for seconds, calls in sorted(result.items())]


def retry_policy(config: Mapping[str, Any]) -> RetryPolicy:
    """The retry policy a config names."""
    policy = RetryPolicy()
    attempts = int(config.get("max_attempts") or policy.max_attempts)
    if attempts < 1:
        raise ConfigError(f"max_attempts must be at least 1 (got {attempts})")
    longest = float(config.get("max_rate_limit_wait_seconds") or policy.max_rate_limit_wait_seconds)
    return RetryPolicy(max_attempts=attempts, max_rate_limit_wait_seconds=longest)


def https_url(url: str, setting: str) -> str:
    """`url` without its trailing slash when it is https, or http on loopback (sandbox).

    Every CRM credential travels to this URL: plain http is refused anywhere but this machine.
    """
    url = url.strip().rstrip("/")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(f"{setting} must be an http(s) URL")
    if parts.scheme == "http" and not _is_loopback(parts.hostname):
        raise ConfigError(f"{setting} must use https unless it points at this machine (sandbox)")
    return url


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
