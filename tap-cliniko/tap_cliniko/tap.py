"""The tap-cliniko Singer tap."""

from __future__ import annotations

import copy
import datetime as dt
import threading
from functools import cached_property
from typing import Any

import click
import requests
from singer_sdk import Tap
from singer_sdk.exceptions import ConfigValidationError
from typing_extensions import override

from tap_cliniko.attachments import AttachmentDownloader
from tap_cliniko.client import ClinikoStream
from tap_cliniko.config_check import validate_config
from tap_cliniko.inventory import format_table, take_inventory, write_inventory
from tap_cliniko.limiter import RateLimiter
from tap_cliniko.prefetch import Prefetcher
from tap_cliniko.retry import RetryPolicy
from tap_cliniko.settings import CONFIG_SCHEMA, ClinikoSettings, unknown_shard_warning
from tap_cliniko.sources import StreamPlan
from tap_cliniko.streams import STREAM_TYPES
from tap_cliniko.writer import ClinikoMessageWriter


class TapCliniko(Tap):
    """Singer tap for the Cliniko practice-management API."""

    name = "tap-cliniko"
    # A copy: the SDK appends its built-in settings to this dict in place.
    config_jsonschema = copy.deepcopy(CONFIG_SCHEMA)
    #: Retry timing; tests use a subclass with a small ``scale``.
    retry_policy = RetryPolicy()
    #: msgspec serialisation, stdout flushed at STATE/SCHEMA rather than after every record.
    message_writer_class = ClinikoMessageWriter

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        """Create the tap (config is validated by the SDK, see ``_validate_config``)."""
        self._local = threading.local()
        self._plans: dict[str, StreamPlan] = {}
        self._run_started_at: dt.datetime | None = None
        self._downloaders: dict[str, AttachmentDownloader] = {}
        self._downloader_lock = threading.Lock()
        super().__init__(*args, **kwargs)

    @override
    def _validate_config(self, *, raise_errors: bool = True) -> list[str]:
        schema = self.config_jsonschema
        self.append_builtin_config(schema)
        errors = validate_config(self._config, schema)
        if errors and raise_errors:
            summary = "Config validation failed: " + "; ".join(errors)
            raise ConfigValidationError(summary, errors=errors)
        warning = unknown_shard_warning(self.settings) if not errors else None
        if warning:
            self.logger.warning(warning)
        return errors

    @cached_property
    def settings(self) -> ClinikoSettings:
        """Typed settings."""
        return ClinikoSettings.from_config(dict(self.config))

    @cached_property
    def limiter(self) -> RateLimiter:
        """The one limiter every request of this process goes through."""
        return RateLimiter(self.settings.max_requests_per_minute)

    def http_session(self) -> requests.Session:
        """This thread's HTTP session."""
        session = getattr(self._local, "session", None)
        if session is None:
            session = self._local.session = requests.Session()
        return session

    def attachment_downloader(self, stream: ClinikoStream) -> AttachmentDownloader | None:
        """The downloader for ``stream`` when download_attachments is on."""
        if not self.settings.download_attachments:
            return None
        with self._downloader_lock:
            if stream.name not in self._downloaders:
                self._downloaders[stream.name] = AttachmentDownloader(
                    stream, self.settings.attachments_dir
                )
            return self._downloaders[stream.name]

    @override
    def discover_streams(self) -> list[ClinikoStream]:
        return [stream_type(tap=self) for stream_type in STREAM_TYPES]

    def fetch_plan(self, stream: ClinikoStream) -> StreamPlan:
        """What ``stream`` consumes: its prefetched feeds.

        The first stream of a sync starts one prefetcher for every selected stream from it on,
        in the order the SDK writes them, so later streams are fetched while earlier ones are
        written; the last stream's plan shuts it down. A dry run (the SDK's connection test
        stops each stream after a record) prefetches one stream at a time instead.
        """
        dry_run = stream.ABORT_AT_RECORD_COUNT is not None
        if not dry_run and stream.name not in self._plans:
            # A new sync: one upper bound (run start) for every stream of it.
            self._run_started_at = _now_in_seconds()
            self._plans.clear()
            prefetcher = Prefetcher(self.settings.max_concurrent_requests)
            names = [s.name for s in self.streams.values() if s.selected]
            later = names[names.index(stream.name) :] if stream.name in names else [stream.name]
            for order, name in enumerate(later):
                planned = self.streams[name]
                assert isinstance(planned, ClinikoStream)
                self._plans[name] = planned.plan_fetch(prefetcher, order, self._run_started_at)
            self._plans[later[-1]].owned_prefetcher = prefetcher
        run_started_at = self._run_started_at = self._run_started_at or _now_in_seconds()
        plan = self._plans.pop(stream.name, None)
        if plan is None:
            prefetcher = Prefetcher(self.settings.max_concurrent_requests)
            plan = stream.plan_fetch(prefetcher, 0, run_started_at)
            plan.owned_prefetcher = prefetcher
        return plan

    @classmethod
    def cb_inventory(cls, ctx: click.Context, param: click.Option, value: bool) -> None:
        """``--inventory``: print and write record counts per stream, then exit."""
        if not value:
            return
        config = ctx.params.get("config")
        try:
            tap = cls(
                config=config.config if config else None,
                parse_env_config=bool(config and config.parse_env),
                validate_config=True,
                setup_mapper=False,
            )
        except ConfigValidationError as exc:
            for error in exc.errors:
                cls.logger.error("Config validation error: %s", error)
            ctx.exit(1)
        inventory = take_inventory(tap)
        write_inventory(inventory, tap.settings.inventory_path)
        click.echo(format_table(inventory))
        click.echo(f"Written to {tap.settings.inventory_path}")
        ctx.exit()

    @classmethod
    @override
    def get_singer_command(cls) -> click.Command:
        command = super().get_singer_command()
        command.params.append(
            click.Option(
                ["--inventory"],
                is_flag=True,
                expose_value=False,
                callback=cls.cb_inventory,
                help="Print and write record counts per stream (one request each), then exit.",
            )
        )
        return command


def _now_in_seconds() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0)


if __name__ == "__main__":
    TapCliniko.cli()
