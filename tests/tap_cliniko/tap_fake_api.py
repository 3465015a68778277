"""A small in-memory Cliniko list API for requests-mock: filters, sorting, paging, hidden rows."""

from __future__ import annotations

import datetime as dt
import json
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlencode, urlparse

import requests_mock

BASE_URL = "https://api.au1.cliniko.com/v1"
FILTER = re.compile(r"^(?P<field>[a-z_]+):(?P<op>>=|<=|>|<|!\?|\?|\*|=)(?P<value>.*)$")


CANONICAL = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")


def ts(value: str) -> str:
    """A comparable timestamp: canonical API strings compare as text (fast), others parsed."""
    if CANONICAL.match(value):
        return value[:-1] + ".000000Z"
    parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    return parsed.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@dataclass
class Fault:
    """A canned failure answered instead of the normal response."""

    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: Any = None


@dataclass
class Call:
    """One request the fake answered."""

    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]

    @property
    def filters(self) -> list[str]:
        """The q[] values."""
        return self.query.get("q[]", [])


class FakeCliniko:
    """Serve rows per route the way Cliniko's list routes do."""

    def __init__(self, base_url: str = BASE_URL) -> None:
        """An empty API rooted at ``base_url``."""
        self.base_url = base_url.rstrip("/")
        self.prefix = urlparse(self.base_url).path
        self.rows: dict[str, list[dict[str, Any]]] = {}
        self.hidden: dict[str, tuple[str, ...]] = {}
        self.searchable: dict[str, set[str]] = {}
        self.singles: dict[str, dict[str, Any]] = {}
        self.files: dict[str, bytes] = {}
        self.faults: dict[str, list[Fault]] = {}
        self.calls: list[Call] = []
        self.before_response: Callable[[FakeCliniko, Call], None] | None = None
        self.latency = 0.0
        self.mocker: requests_mock.Adapter | None = None
        self._lock = threading.Lock()
        self.in_flight = 0
        self.max_in_flight = 0

    # --- set-up -------------------------------------------------------------------------

    def add(self, path: str, rows: list[dict[str, Any]], hidden: tuple[str, ...] = ()) -> None:
        """Serve ``rows`` at ``path``; rows with any ``hidden`` field set are hidden by default."""
        self.rows[path] = [dict(row) for row in rows]
        self.hidden[path] = hidden

    def fail(self, path: str, *faults: Fault) -> None:
        """Answer the next requests to ``path`` with ``faults``, in order."""
        self.faults.setdefault(path, []).extend(faults)

    def install(self, adapter: requests_mock.Adapter) -> None:
        """Route every request under the base URL to this fake."""
        self.mocker = adapter
        pattern = re.compile(re.escape(self.base_url) + r"(/.*)?$")
        adapter.register_uri("GET", pattern, content=self._respond)

    # --- what was asked -----------------------------------------------------------------

    def read_until(self, path: str) -> str:
        """The run's upper bound: the largest `updated_at:<` filter the tap sent to ``path``.

        (A stream split into windows sends inner bounds too; the run's bound closes the last.)
        """
        bounds = {
            f.removeprefix("updated_at:<")
            for call in self.calls_to(path)
            for f in call.filters
            if f.startswith("updated_at:<")
        }
        assert bounds, f"no upper bound was sent to {path}"
        return max(bounds)

    def calls_to(self, path: str) -> list[Call]:
        """Requests made to ``path``."""
        return [call for call in self.calls if call.path == path]

    # --- answering ----------------------------------------------------------------------

    def _respond(self, request: Any, context: Any) -> bytes:
        parsed = urlparse(request.url)
        path = parsed.path[len(self.prefix) :] or "/"
        call = Call(path, parse_qs(parsed.query), dict(request.headers))
        with self._lock:
            self.calls.append(call)
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            if self.latency:
                time.sleep(self.latency)
            if self.before_response is not None:
                self.before_response(self, call)
            return self._answer(path, call, context)
        finally:
            with self._lock:
                self.in_flight -= 1

    def _answer(self, path: str, call: Call, context: Any) -> bytes:
        with self._lock:
            queued = self.faults.get(path)
            fault = queued.pop(0) if queued else None
        if fault is not None:
            context.status_code = fault.status
            context.headers.update(fault.headers)
            return _encode(fault.body)
        if path in self.files:
            return self.files[path]
        if path in self.singles:
            return _encode(self.singles[path])
        if path not in self.rows:
            context.status_code = 404
            return _encode({"status": "404", "error": "Not Found"})
        try:
            body = self._list(path, call)
        except _NotSearchable:
            context.status_code = 400
            return _encode({"message": "This column is not searchable."})
        return _encode(body)

    def _list(self, path: str, call: Call) -> dict[str, Any]:
        filters = [FILTER.match(value) for value in call.filters]
        if any(match is None for match in filters):
            raise _NotSearchable
        searchable = self.searchable.get(path)
        if searchable is not None and any(m["field"] not in searchable for m in filters):
            raise _NotSearchable
        named = {m["field"] for m in filters}
        with self._lock:
            rows = [dict(row) for row in self.rows[path]]
        rows = [
            row
            for row in rows
            if all(row.get(name) in (None, "") for name in self.hidden[path] if name not in named)
            and all(_matches(row, m["field"], m["op"], m["value"]) for m in filters)
        ]
        sort = call.query.get("sort", ["created_at:asc"])[0]
        name, _, direction = sort.partition(":")
        rows.sort(
            key=lambda row: ts(row[name]) if row.get(name) else "",
            reverse=direction == "desc",
        )
        per_page = min(100, int(call.query.get("per_page", ["50"])[0]))
        page = int(call.query.get("page", ["1"])[0])
        chunk = rows[(page - 1) * per_page : page * per_page]
        key = path.strip("/").split("/")[0]
        links = {"self": self._url(path, call.query, page)}
        if page * per_page < len(rows):
            links["next"] = self._url(path, call.query, page + 1)
        if page > 1:
            links["previous"] = self._url(path, call.query, page - 1)
        return {key: chunk, "total_entries": len(rows), "links": links}

    def _url(self, path: str, query: dict[str, list[str]], page: int) -> str:
        pairs = [(k, v) for k, values in query.items() if k != "page" for v in values]
        return f"{self.base_url}{path}?{urlencode([*pairs, ('page', page)])}"


class _NotSearchable(Exception):
    pass


def _matches(row: dict[str, Any], name: str, op: str, value: str) -> bool:
    current = row.get(name)
    if op == "*":
        return True
    if op == "?":
        return current not in (None, "")
    if op == "!?":
        return current in (None, "")
    if current in (None, ""):
        return False
    if op == "=":
        return str(current) == value
    left, right = ts(str(current)), ts(value)
    return {">=": left >= right, ">": left > right, "<=": left <= right, "<": left < right}[op]


def _encode(body: Any) -> bytes:
    return b"" if body is None else json.dumps(body).encode()
