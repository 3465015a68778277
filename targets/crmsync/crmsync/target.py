"""The Singer target base every CRM package subclasses: objects as data plus a client factory."""

from __future__ import annotations

import abc
import logging
from collections.abc import Mapping
from typing import Any, ClassVar

from singer_sdk import Target
from singer_sdk import typing as th
from singer_sdk.sinks import Sink

from crmsync.client import CrmClient
from crmsync.errors import ConfigError
from crmsync.plan_gate import check_plan, plan_required
from crmsync.plan_model import field_admin
from crmsync.ratelimit import RateLimiter
from crmsync.retry import PolicyRunner
from crmsync.session import SyncSession
from crmsync.settings import engine_properties, retry_policy, store_path, windows
from crmsync.sink import CrmSink, UnknownStreamSink
from crmsync.spec import ObjectSpec, specs_by_stream
from crmsync.store import open_store


class CrmTarget(Target, abc.ABC):
    """A CRM target: subclasses set `crm`, `objects`, `client_class` and `crm_properties`."""

    crm: ClassVar[str]
    objects: ClassVar[tuple[ObjectSpec, ...]]
    client_class: ClassVar[type[CrmClient]]
    crm_properties: ClassVar[list[th.Property]] = []
    #: `require_plan` when unset: the setup plan is checked before the first write.
    require_plan_default: ClassVar[bool] = True
    default_sink_class = CrmSink

    def __init_subclass__(cls, **kwargs: Any) -> None:
        """Build the config schema from the engine's settings plus the CRM's."""
        super().__init_subclass__(**kwargs)
        if getattr(cls, "crm", None):
            cls.config_jsonschema = th.PropertiesList(
                *cls.crm_properties, *engine_properties()
            ).to_dict()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        """One sink drains at a time: CRM APIs are rate-limited and parents precede children."""
        super().__init__(*args, **kwargs)
        self.max_parallelism = 1
        # httpx logs every request at INFO; at thousands of calls that buries the progress lines.
        logging.getLogger("httpx").setLevel(logging.WARNING)
        self._specs = specs_by_stream(self.objects)
        self._session: SyncSession | None = None

    @classmethod
    def publish_schema(cls) -> str:
        """The staging schema the CRM's publish models live in."""
        return f"publish_{cls.crm}"

    @classmethod
    def connect(cls, config: Mapping[str, Any]) -> CrmClient:
        """A client with the retry policy and a limiter set from the CRM's limits and settings."""
        limiter = RateLimiter(windows(config, cls.client_class.default_windows))
        runner = PolicyRunner(cls.client_class.classify, limiter, retry_policy(config))
        return cls.client_class(config, runner)

    def spec_for(self, stream: str) -> ObjectSpec:
        """The spec of a stream, or a clear error naming the stream and the known ones."""
        try:
            return self._specs[stream]
        except KeyError:
            known = ", ".join(sorted(self._specs))
            raise ConfigError(
                f"stream {stream!r} is not a {self.crm} object (known: {known})"
            ) from None

    def get_sink_class(self, stream_name: str) -> type[Sink]:
        """CrmSink for the CRM's objects; an unknown stream is counted and reported, not sent.

        Failing at its SCHEMA would lose the batches still buffered for the other streams.
        """
        if stream_name in self._specs:
            return CrmSink
        self.logger.error(
            "Stream %r is not a %s object (known: %s); its records are not written",
            stream_name,
            self.crm,
            ", ".join(sorted(self._specs)),
        )
        return UnknownStreamSink

    def session(self) -> SyncSession:
        """The run, started on first use (plan gate, lock, preflight, users)."""
        # Checked before the run's first write, also when the target runs alone.
        if self._session is None and plan_required(self.config, self.require_plan_default):
            client = self.connect(self.config)
            try:
                check_plan(self.config, self.crm, self._specs, field_admin(client))
            finally:
                client.close()
        if self._session is None:
            session = SyncSession(
                self.crm,
                self.connect(self.config),
                open_store(store_path(self.config, self.crm)),
                self._specs,
                self.config,
                self.publish_schema(),
            )
            session.start()
            self._session = session
        return self._session

    def _sinks_in_load_order(self) -> list[CrmSink]:
        # `_sinks_active` is the SDK's registry of live sinks (there is no public accessor).
        sinks = [s for s in self._sinks_active.values() if isinstance(s, CrmSink)]
        return sorted(sinks, key=lambda s: s.spec.load_order)

    def drain_parents_of(self, spec: ObjectSpec) -> None:
        """Write every buffered batch of objects that load before `spec` (parents first)."""
        for sink in self._sinks_in_load_order():
            if sink.spec.load_order < spec.load_order and sink.current_size:
                self.drain_one(sink)

    def process_endofpipe(self) -> None:
        """Drain in load order, close the run (reconciliation), then fail on unknown streams."""
        for sink in self._sinks_in_load_order():
            self.drain_one(sink)
        super().process_endofpipe()
        unknown = {
            name: sink._total_records_read  # the SDK's per-sink tally (no public accessor)
            for name, sink in self._sinks_active.items()
            if isinstance(sink, UnknownStreamSink)
        }
        if self._session is not None:
            error = None
            if unknown:
                error = f"streams that are no {self.crm} object were not written: {unknown}"
            self._session.finish("failed" if unknown else "succeeded", error)
            self._session = None
        if unknown:
            raise ConfigError(
                f"stream(s) {', '.join(sorted(unknown))} are not {self.crm} objects; their "
                f"{sum(unknown.values())} records were not written (deselect them in the tap)"
            )
