"""The tap's settings: the config JSON schema, and checks the schema cannot express."""

from __future__ import annotations

import datetime as dt
import ipaddress
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from singer_sdk import typing as th

from tap_cliniko.shard import KNOWN_SHARDS, ShardError, base_url_for, shard_of

DEFAULT_REQUESTS_PER_MINUTE = 190
DEFAULT_CONCURRENT_REQUESTS = 4
MAX_CONCURRENT_REQUESTS = 16
DEFAULT_ATTACHMENTS_DIR = "output/attachments"
DEFAULT_INVENTORY_PATH = "output/inventory.json"
EMAIL = re.compile(r"[^@\s()<>,;]+@[^@\s()<>,;]+\.[A-Za-z]{2,}")

CONFIG_SCHEMA = th.PropertiesList(
    th.Property(
        "api_key",
        th.StringType,
        required=True,
        secret=True,
        description="Cliniko API key (Basic auth user); its suffix (-au2, -uk1 ...) is the shard.",
    ),
    th.Property(
        "user_agent",
        th.StringType,
        required=True,
        description=(
            "App name and contact email sent as User-Agent, e.g. 'Acme migration"
            " (it@acme.example)'. Cliniko blocks requests without one."
        ),
    ),
    th.Property(
        "start_date",
        th.DateTimeType,
        description="First run only: records updated at or after this instant (UTC).",
    ),
    th.Property(
        "base_url",
        th.StringType,
        description=(
            "API root including /v1, overriding the shard's (e.g. http://127.0.0.1:8400/v1 for a"
            " local simulator)."
        ),
    ),
    th.Property(
        "include_archived",
        th.BooleanType,
        default=True,
        description="Include archived, cancelled and deleted rows (emitted as normal records).",
    ),
    th.Property(
        "max_requests_per_minute",
        th.IntegerType,
        default=DEFAULT_REQUESTS_PER_MINUTE,
        description="One limit for every request of the process; Cliniko allows 200 per user.",
    ),
    th.Property(
        "max_concurrent_requests",
        th.IntegerType,
        default=DEFAULT_CONCURRENT_REQUESTS,
        description="Requests in flight at once (1 = strictly one at a time).",
    ),
    th.Property(
        "download_attachments",
        th.BooleanType,
        default=False,
        description="Download patient attachment files (one request each) into attachments_dir.",
    ),
    th.Property(
        "attachments_dir",
        th.StringType,
        default=DEFAULT_ATTACHMENTS_DIR,
        description="Folder for downloaded attachments (created mode 0700, files 0600).",
    ),
    th.Property(
        "inventory_path",
        th.StringType,
        default=DEFAULT_INVENTORY_PATH,
        description="Where --inventory writes its JSON record counts (mode 0600).",
    ),
).to_dict()


@dataclass(frozen=True)
class ClinikoSettings:
    """Validated, typed settings; built once per tap."""

    api_key: str
    user_agent: str
    base_url: str
    shard: str | None
    start_date: dt.datetime | None
    include_archived: bool
    max_requests_per_minute: int
    max_concurrent_requests: int
    download_attachments: bool
    attachments_dir: Path
    inventory_path: Path

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> ClinikoSettings:
        """Read the config; raise ValueError naming the setting (never its secret value)."""
        errors = setting_errors(config)
        if errors:
            raise ValueError("; ".join(errors))
        base_url = (config.get("base_url") or "").rstrip("/")
        shard = None if base_url else shard_of(config["api_key"])
        return cls(
            api_key=config["api_key"],
            user_agent=config["user_agent"],
            base_url=base_url or base_url_for(shard or ""),
            shard=shard,
            start_date=_parse_start_date(config.get("start_date")),
            include_archived=bool(config.get("include_archived", True)),
            max_requests_per_minute=int(
                config.get("max_requests_per_minute") or DEFAULT_REQUESTS_PER_MINUTE
            ),
            max_concurrent_requests=int(
                config.get("max_concurrent_requests") or DEFAULT_CONCURRENT_REQUESTS
            ),
            download_attachments=bool(config.get("download_attachments", False)),
            attachments_dir=Path(config.get("attachments_dir") or DEFAULT_ATTACHMENTS_DIR),
            inventory_path=Path(config.get("inventory_path") or DEFAULT_INVENTORY_PATH),
        )

    @property
    def endpoint_label(self) -> str:
        """Where requests go, for messages: the shard, or the overriding base_url."""
        return (
            f"shard {self.shard} ({self.base_url})" if self.shard else f"base_url {self.base_url}"
        )


def setting_errors(config: dict[str, Any]) -> list[str]:
    """Every problem with the config the JSON schema cannot catch, each naming its setting."""
    errors: list[str] = []
    api_key = config.get("api_key")
    base_url = config.get("base_url")
    if not isinstance(api_key, str) or not api_key.strip():
        errors.append("api_key is required: create one in Cliniko under My info > Manage API keys")
    elif not base_url:
        try:
            shard_of(api_key)
        except ShardError as exc:
            errors.append(str(exc))
    user_agent = config.get("user_agent")
    if not isinstance(user_agent, str) or not EMAIL.search(user_agent):
        errors.append(
            "user_agent must name your app and a contact email, e.g. "
            "'Acme migration (it@acme.example)'; Cliniko blocks requests without one"
        )
    if base_url:
        parsed = urlparse(str(base_url))
        if parsed.scheme not in {"http", "https"} or not parsed.netloc:
            errors.append("base_url must be an http(s) URL such as https://api.au2.cliniko.com/v1")
        elif parsed.scheme == "http" and not _is_loopback(parsed.hostname or ""):
            # The key would cross the network in clear text: plain http is for the sandbox only.
            errors.append("base_url must use https unless it points at this machine (sandbox)")
    try:
        _parse_start_date(config.get("start_date"))
    except ValueError:
        errors.append("start_date must be an ISO-8601 date-time such as 2024-01-31T00:00:00Z")
    errors.extend(_range_errors(config))
    return errors


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def unknown_shard_warning(settings: ClinikoSettings) -> str | None:
    """A warning when the key names a shard Cliniko had not announced (it may be new)."""
    if settings.shard and settings.shard not in KNOWN_SHARDS:
        return (
            f"api_key names shard '{settings.shard}', which is not one of the shards Cliniko "
            "documented; requests go to " + settings.base_url
        )
    return None


def _range_errors(config: dict[str, Any]) -> list[str]:
    errors = []
    rpm = config.get("max_requests_per_minute", DEFAULT_REQUESTS_PER_MINUTE)
    if not isinstance(rpm, int) or isinstance(rpm, bool) or rpm < 1:
        errors.append("max_requests_per_minute must be a whole number of at least 1")
    workers = config.get("max_concurrent_requests", DEFAULT_CONCURRENT_REQUESTS)
    if (
        not isinstance(workers, int)
        or isinstance(workers, bool)
        or not 1 <= workers <= MAX_CONCURRENT_REQUESTS
    ):
        errors.append(f"max_concurrent_requests must be between 1 and {MAX_CONCURRENT_REQUESTS}")
    return errors


def _parse_start_date(value: object) -> dt.datetime | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        parsed = value
    else:
        parsed = dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.timezone.utc)
    return parsed.astimezone(dt.timezone.utc)
