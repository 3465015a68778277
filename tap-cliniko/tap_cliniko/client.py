"""The base stream: auth, request building, retries, the shared limiter, paging and records."""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Generator, Iterable
from functools import cached_property
from typing import TYPE_CHECKING, Any, ClassVar
from urllib.parse import urljoin

import requests
from singer_sdk import singerlib as singer
from singer_sdk.exceptions import RetriableAPIError
from singer_sdk.helpers._catalog import pop_deselected_record_properties
from singer_sdk.helpers._util import utc_now
from singer_sdk.helpers.conform import TypeConformanceLevel
from singer_sdk.streams.rest import PageContext, RESTStream
from typing_extensions import override

from tap_cliniko.errors import StreamSkipped, UnsafeRedirectError, raise_for_status
from tap_cliniko.paging import PER_PAGE, KeysetPaginator, envelope, filter_time, origin_of
from tap_cliniko.records import RecordShaper
from tap_cliniko.sources import KeysetWindow, LinkPass, SingleRequest, StreamPlan

if TYPE_CHECKING:
    from backoff.types import Details
    from singer_sdk.helpers.types import Context

    from tap_cliniko.prefetch import Prefetcher
    from tap_cliniko.tap import TapCliniko

ARCHIVED = "archived_at"
CANCELLED = "cancelled_at"
DELETED = "deleted_at"
MAX_REDIRECTS = 5
TOO_MANY_REQUESTS = 429


class ClinikoStream(RESTStream):
    """A Cliniko list route read incrementally on updated_at (subclasses only set attributes).

    Requests are not made by the SDK's ``request_records`` loop: pages are fetched on worker
    threads by ``prefetch.Prefetcher`` (see there why) through the SDK's own request pieces
    (``get_http_request``, the paginators, ``request_decorator`` backoff, ``validate_response``)
    and consumed here, on the main thread, by ``get_records``.
    """

    #: List routes read into this stream (practitioners has two).
    paths: ClassVar[tuple[str, ...]] = ()
    #: Soft-delete timestamps whose ``*`` wildcard the route accepts to include hidden rows.
    hidden_row_filters: ClassVar[tuple[str, ...]] = ()
    #: Raw fields deliberately not emitted.
    dropped_fields: ClassVar[tuple[str, ...]] = ()
    #: Whether records carry a file the tap can download (patient attachments).
    downloads_content: ClassVar[bool] = False

    primary_keys: ClassVar[tuple[str, ...]] = ("id",)
    replication_key = "updated_at"
    is_sorted = True
    # records.RecordShaper (with drift.SchemaGuard) already makes every value fit the declared
    # schema, re-declaring fields that drift; the SDK's own pass would re-check every field of
    # every record (a quarter of the tap's CPU) and drop nothing, since extra fields are allowed.
    TYPE_CONFORMANCE_LEVEL = TypeConformanceLevel.NONE
    allow_redirects = False  # redirects are followed by hand, see send_following_redirects

    _tap: TapCliniko

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        """Set up the stream; ``late_before`` is set when its fetch is planned."""
        # This instance's own schema: fields Cliniko adds or re-types are declared in it.
        # The SDK's `schema` is a read-only property; the class attribute shadows it here.
        self.schema = copy.deepcopy(type(self).schema)  # type: ignore[misc,arg-type]
        super().__init__(*args, **kwargs)
        self.late_before: dt.datetime | None = None

    # --- where and how to send requests -------------------------------------------------

    @property
    def route_paths(self) -> tuple[str, ...]:
        """The routes read (default: the stream name)."""
        return self.paths or (f"/{self.name}",)

    @property
    def path(self) -> str:  # type: ignore[override]
        """The main route, for the SDK's request metrics."""
        return self.route_paths[0]

    @property
    @override
    def timeout(self) -> int:
        # A stalled connection is retried (with backoff) after a minute, not the SDK's five.
        return 60

    @property
    @override
    def url_base(self) -> str:
        return self._tap.settings.base_url

    @cached_property
    @override
    def authenticator(self) -> requests.auth.HTTPBasicAuth:
        # Cliniko: the key is the Basic-auth user name, the password is empty.
        return requests.auth.HTTPBasicAuth(self._tap.settings.api_key, "")

    @property
    @override
    def http_headers(self) -> dict[str, str]:
        return {"Accept": "application/json"}

    @property
    @override
    def requests_session(self) -> requests.Session:
        # One session per worker thread: requests.Session is not documented thread-safe.
        return self._tap.http_session()

    @override
    def get_url(self, context: Context | None) -> str:
        context = context or {}
        return context.get("url") or self.url_base + context.get("path", self.path)

    @override
    def get_url_params(self, context: Context | None, next_page_token: Any) -> dict:
        context = context or {}
        if context.get("url") or context.get("single"):
            return {}  # links.next already carries every parameter
        filters = list(context.get("filters", ()))
        if context.get("since") is not None:
            filters.append(f"updated_at:>={filter_time(context['since'])}")
        if context.get("until") is not None:
            filters.append(f"updated_at:<{filter_time(context['until'])}")
        params: dict[str, Any] = {"per_page": context.get("per_page", PER_PAGE)}
        if context.get("sort"):
            params["sort"] = "updated_at:asc"
        if context.get("page"):
            params["page"] = context["page"]
        if filters:
            params["q[]"] = filters
        return params

    @override
    def get_new_paginator(self) -> KeysetPaginator:
        return KeysetPaginator(self.name)

    def send_page_request(self, context: dict[str, Any], token: Any) -> requests.Response:
        """Build (SDK get_http_request) and send (with SDK backoff) one request."""
        http_request = self.get_http_request(
            page=PageContext(stream_context=context, next_page_token=token)
        )
        prepared = self.build_prepared_request(
            method=http_request.method,
            url=http_request.url,
            params=http_request.encode_params(),
            headers=http_request.headers,
        )
        return self._decorated_request(prepared, None)

    @cached_property
    def _decorated_request(self) -> Any:
        return self.request_decorator(self._request)

    @override
    def _request(
        self, prepared_request: requests.PreparedRequest, context: Context | None
    ) -> requests.Response:
        response = self.send_following_redirects(prepared_request)
        self._write_request_duration_log(
            endpoint=self.path, response=response, context=None, extra_tags=None
        )
        self.validate_response(response)
        return response

    def send_following_redirects(
        self, prepared: requests.PreparedRequest, *, stream: bool = False
    ) -> requests.Response:
        """Send through the shared limiter; follow redirects, with the key only on the API host.

        Attachment downloads redirect to file storage: those hops go without Authorization
        (and do not count against Cliniko's quota).
        """
        api_origin = origin_of(self.url_base)
        request = prepared
        for _ in range(MAX_REDIRECTS + 1):
            if origin_of(request.url or "") == api_origin:
                request = self.authenticator(request)
                self._tap.limiter.acquire()
            else:
                request.headers.pop("Authorization", None)
            response = self.requests_session.send(
                request, timeout=self.timeout, allow_redirects=False, stream=stream
            )
            if not response.is_redirect:
                return response
            location = urljoin(response.url, response.headers["Location"])
            response.close()
            request = requests.Request(
                "GET", location, headers={"User-Agent": self.user_agent, **self.http_headers}
            ).prepare()
        raise UnsafeRedirectError(f"More than {MAX_REDIRECTS} redirects from {self.path}")

    # --- errors and retries -------------------------------------------------------------

    @override
    def validate_response(self, response: requests.Response) -> None:
        raise_for_status(
            response, stream=self.name, endpoint_label=self._tap.settings.endpoint_label
        )

    @override
    def backoff_wait_generator(self) -> Any:
        policy = self._tap.retry_policy

        def pause_everyone_on_429(exc: BaseException | None, wait: float) -> None:
            response = getattr(exc, "response", None)
            if response is not None and response.status_code == TOO_MANY_REQUESTS:
                self._tap.limiter.pause_for(wait * policy.scale)

        return policy.wait_generator(on_wait=pause_everyone_on_429)

    @override
    def backoff_max_tries(self) -> int:
        return self._tap.retry_policy.max_tries

    @override
    def backoff_jitter(self, value: float) -> float:
        return value  # RetryPolicy adds its own (scaled) jitter

    @override
    def backoff_handler(self, details: Details) -> None:
        exc = details.get("exception")
        reason = str(exc) if isinstance(exc, RetriableAPIError) else type(exc).__name__
        policy = self._tap.retry_policy
        self.logger.warning(
            "Stream '%s': %s; retrying in %.1f s (try %d of %d)",
            self.name,
            reason,
            (details.get("wait") or 0.0) / (policy.scale or 1.0),
            details.get("tries") or 0,
            self.backoff_max_tries(),
        )

    # --- planning and consuming the fetch -------------------------------------------------

    def plan_fetch(
        self, prefetcher: Prefetcher, order: int, run_started_at: dt.datetime
    ) -> StreamPlan:
        """Register this stream's sources with ``prefetcher``; return what to consume.

        Main passes read [bookmark, run start) by keyset. Because Cliniko does not say whether
        archiving or cancelling bumps updated_at, extra passes also read rows whose
        archived_at/cancelled_at/deleted_at is in [bookmark, run start) but whose updated_at is
        older than the bookmark ("late" rows), so a cutover never misses an archive.
        """
        settings = self._tap.settings
        lower = self.starting_bound()
        self.late_before = lower
        wildcards = [f"{name}:*" for name in self.hidden_row_filters]
        wildcards = wildcards if settings.include_archived else []
        plan = StreamPlan(read_until=run_started_at)
        for index, path in enumerate(self.route_paths):
            window = self._window(path, since=lower, until=run_started_at, filters=wildcards)
            window.splittable = True
            plan.main.append(prefetcher.add(window, (order, 1, index)))
            if lower is None or not settings.include_archived:
                continue
            for name in self.hidden_row_filters:
                bounds = [
                    f"{name}:>={filter_time(lower)}",
                    f"{name}:<{filter_time(run_started_at)}",
                ]
                late = self._window(path, since=None, until=lower, filters=[*wildcards, *bounds])
                plan.late.append(prefetcher.add(late, (order, 0, index)))
        return plan

    def _window(self, path: str, **query: Any) -> KeysetWindow:
        # Pages with nothing to do on the fetch thread wait in the buffers as bytes (RawPage).
        prepare = self.prepare_page if self.downloads_content else None
        return KeysetWindow(
            self.send_page_request, prepare, path=path, records_key=self.name, **query
        )

    def starting_bound(self) -> dt.datetime | None:
        """The incremental lower bound: the later of the bookmark and start_date.

        The same rule as the SDK's starting replication value, computed before the SDK syncs
        the stream because its pages are prefetched while earlier streams are written.
        """
        if self.replication_method != "INCREMENTAL" or not self.replication_key:
            return None
        state = self.get_context_state(None)
        candidates: list[dt.datetime] = []
        value = state.get("replication_key_value")
        if value and state.get("replication_key") == self.replication_key:
            candidates.append(dt.datetime.fromisoformat(str(value).replace("Z", "+00:00")))
        if self._tap.settings.start_date:
            candidates.append(self._tap.settings.start_date)
        candidates = [c if c.tzinfo else c.replace(tzinfo=dt.timezone.utc) for c in candidates]
        return max(candidates) if candidates else None

    def prepare_page(self, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Worker-side work on a fetched page (downloads); runs off the main thread."""
        downloader = self._tap.attachment_downloader(self) if self.downloads_content else None
        if downloader is not None:
            for row in rows:
                row.update(downloader.download(row))
        return rows

    @override
    def get_records(self, context: Context | None) -> Iterable[dict[str, Any]]:
        plan = self._tap.fetch_plan(self)
        try:
            yield from plan.records()
        except StreamSkipped as exc:
            self.logger.warning("%s", exc)
            return
        finally:
            plan.cancel()
        if plan.read_until is not None and self.replication_key:
            # Every row updated before the run started has now been read, so the next run starts
            # there. The SDK's own bookmark (the last updated_at seen) would make the next run
            # re-send every row of that last second; this one makes a delta exactly what changed.
            bound = {self.replication_key: filter_time(plan.read_until)}
            self._increment_stream_state(bound, context=context)

    @override
    def parse_response(self, response: requests.Response) -> Iterable[dict]:
        yield from envelope(response).get(self.name) or []

    @cached_property
    def shaper(self) -> RecordShaper:
        """The record shaper for this stream's schema."""
        return RecordShaper(
            self.name,
            self.schema,
            self.logger,
            dropped=self.dropped_fields,
            on_declare=self._declare_field,
        )

    def _declare_field(self, name: str, prop: dict[str, Any]) -> None:
        """Announce a field the shaper declared (new, or re-typed) before the record carrying it.

        The shaper has updated this stream's schema; the SDK writes SCHEMA from its stream maps'
        copies (taken from the catalog), so those get the property too.
        """
        for stream_map in self.stream_maps:
            properties = stream_map.transformed_schema.setdefault("properties", {})
            if properties is not self.schema.get("properties"):
                properties[name] = copy.deepcopy(prop)
        if self.selected:
            self._write_schema_message()

    @override
    def post_process(self, row: dict, context: Context | None = None) -> dict | None:
        return self.shaper.shape(row)

    @override
    def _process_record(
        self,
        record: dict,
        child_context: Context | None = None,
        partition_context: Context | None = None,
    ) -> None:
        # The SDK's version adds partition keys and syncs child streams: this tap has neither,
        # so skip its per-record work.
        if partition_context or self.child_streams:
            super()._process_record(record, child_context, partition_context)

    @cached_property
    def _deselects_properties(self) -> bool:
        """Whether the catalog deselects any property of this stream (it rarely does)."""
        return not all(self.mask.values())

    @override
    def _generate_record_messages(
        self, record: dict
    ) -> Generator[singer.RecordMessage, None, None]:
        # The SDK's version, minus two passes over every record that change nothing here:
        # popping deselected properties when none is deselected (it walks nested JSON too), and
        # type conformance, which RecordShaper already did (TYPE_CONFORMANCE_LEVEL is NONE).
        if self._deselects_properties:
            pop_deselected_record_properties(record, self.schema, self.mask)
        for stream_map in self.stream_maps:
            mapped_record = stream_map.transform(record)
            if mapped_record is not None:
                yield singer.RecordMessage(
                    stream=stream_map.stream_alias,
                    record=mapped_record,
                    version=self._stream_version,
                    time_extracted=utc_now(),
                )

    @override
    def _increment_stream_state(
        self, latest_record: dict, *, context: Context | None = None
    ) -> None:
        # Late rows (archived/cancelled/deleted since the bookmark without updated_at moving)
        # are older than the bookmark: they must neither move it back nor trip the SDK's
        # sorted-stream check, which compares against the bookmark carried over from last run.
        updated_at = latest_record.get(self.replication_key or "")
        if self.late_before is not None and updated_at and self._is_late(str(updated_at)):
            return
        super()._increment_stream_state(latest_record, context=context)

    def _is_late(self, updated_at: str) -> bool:
        assert self.late_before is not None
        bound = filter_time(self.late_before)
        if len(updated_at) == len(bound) and updated_at.endswith("Z"):
            return updated_at < bound  # same fixed-width UTC format: text order is time order
        return dt.datetime.fromisoformat(updated_at.replace("Z", "+00:00")) < self.late_before


class ClinikoFullTableStream(ClinikoStream):
    """A route without updated_at: every run reads it whole, following links.next."""

    replication_key = None  # type: ignore[assignment]
    is_sorted = False

    @override
    def plan_fetch(
        self, prefetcher: Prefetcher, order: int, run_started_at: dt.datetime
    ) -> StreamPlan:
        plan = StreamPlan(ordered=False)
        for index, path in enumerate(self.route_paths):
            source = LinkPass(
                self.send_page_request,
                self.prepare_page,
                path=path,
                records_key=self.name,
                api_origin=origin_of(self.url_base),
            )
            plan.main.append(prefetcher.add(source, (order, 1, index)))
        return plan


class ClinikoSettingsStream(ClinikoFullTableStream):
    """A single-object route read as one record keyed by the account id."""

    @override
    def plan_fetch(
        self, prefetcher: Prefetcher, order: int, run_started_at: dt.datetime
    ) -> StreamPlan:
        source = SingleRequest(self.send_page_request, path=self.path)
        return StreamPlan(main=[prefetcher.add(source, (order, 1, 0))], ordered=False)

    @override
    def post_process(self, row: dict, context: Context | None = None) -> dict | None:
        account = row.get("account") or {}
        if account.get("id") is None:
            self.logger.warning("Stream 'settings': the response has no account id; skipped")
            return None
        return self.shaper.shape({"id": str(account["id"]), **row})
