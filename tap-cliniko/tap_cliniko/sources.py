"""Sequential runs of requests (keyset windows, link-following passes) and their merge."""

from __future__ import annotations

import datetime as dt
import heapq
import math
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from tap_cliniko.paging import (
    ONE_SECOND,
    PER_PAGE,
    ClinikoLinkPaginator,
    KeysetPaginator,
    KeysetToken,
    decode_json,
    envelope,
)

if TYPE_CHECKING:
    import requests

    from tap_cliniko.prefetch import Feed, Prefetcher

# Split a window only when what remains of it is more than the spare workers would fetch in this
# many pages each: every window ends on a partial page (a request that brings less than 100
# rows), so splitting a small stream costs throughput against the rate limit instead of adding it.
SPLIT_PAGES_PER_SPARE_WORKER = 4

Row = dict[str, Any]
SendPage = Callable[[dict[str, Any], Any], "requests.Response"]
PreparePage = Callable[[list[Row]], list[Row]]


class RawPage:
    """A fetched page kept as its response's bytes until the output reads it.

    Parsed, a page takes several times its bytes (a dict per row, an object per value), and
    pages wait in the prefetch buffers for as long as the output takes to reach them: so they
    wait as bytes and are parsed again on the main thread, where the rows are used. msgspec
    parses twice in about the time simplejson took once.
    """

    __slots__ = ("_content", "_count", "_records_key", "_skip")

    def __init__(
        self,
        content: bytes,
        records_key: str,
        count: int,
        skip: Callable[[Row], bool] | None = None,
    ) -> None:
        """``count`` rows of ``content[records_key]`` are kept: those ``skip`` does not drop."""
        self._content = content
        self._records_key = records_key
        self._count = count
        self._skip = skip

    def __len__(self) -> int:
        """The rows this page yields."""
        return self._count

    def __iter__(self) -> Iterator[Row]:
        """Parse the page and yield its kept rows."""
        rows = decode_json(self._content).get(self._records_key) or []
        skip = self._skip
        return iter(rows) if skip is None else (row for row in rows if not skip(row))


def total_entries(body: dict[str, Any]) -> int | None:
    """``total_entries`` as an int (legacy docs send strings, or omit it)."""
    value = body.get("total_entries")
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.isdigit():
        return int(value)
    return None


def worth_splitting(remaining_rows: int, spare_workers: int) -> bool:
    """Whether ``remaining_rows`` are more than the spare workers would fetch in a few pages."""
    if spare_workers < 1:
        return False
    return remaining_rows > spare_workers * SPLIT_PAGES_PER_SPARE_WORKER * PER_PAGE


class KeysetWindow:
    """Rows of one route with updated_at in [since, until), fetched by keyset a page at a time."""

    def __init__(
        self,
        send: SendPage,
        prepare: PreparePage | None,
        *,
        path: str,
        records_key: str,
        since: dt.datetime | None,
        until: dt.datetime | None,
        filters: Sequence[str] = (),
        splittable: bool = False,
    ) -> None:
        """``filters`` are extra ``q[]`` values (wildcards, extra-pass bounds); ``prepare``, if
        any, works on each page's rows on the fetch thread (else pages wait as ``RawPage``)."""
        self._send = send
        self._prepare = prepare
        self.path = path
        self.records_key = records_key
        self.until = until
        self.filters = tuple(filters)
        self.splittable = splittable
        self.paginator = KeysetPaginator(records_key, KeysetToken(since=since))
        self.done = False
        self.rank = since.timestamp() if since else -math.inf
        self._remaining_rows: int | None = None
        self.last_page_bytes = 0  # the prefetch budget weighs pages by size

    def query(self, token: KeysetToken) -> dict[str, Any]:
        """The request context for ``token``: path and every q[] filter."""
        upper = self.until
        if token.crowded and token.since is not None:
            upper = min(upper, token.since + ONE_SECOND) if upper else token.since + ONE_SECOND
        return {
            "path": self.path,
            "filters": self.filters,
            "since": token.since,
            "until": upper,
            "page": token.page if token.crowded else None,
            "sort": True,
        }

    def fetch_next(self) -> list[Row] | RawPage:
        """One request; the rows not already emitted at the boundary second."""
        token = self.paginator.current_value
        response = self._send(self.query(token), token)
        self.last_page_bytes = len(response.content)
        rows = self.paginator.rows(response)
        total = total_entries(envelope(response))
        self._remaining_rows = None if total is None else max(0, total - len(rows))
        self.paginator.advance(response)
        self.done = self.paginator.finished
        kept = [row for row in rows if not token.is_seen(row)]
        if self._prepare is not None:
            return self._prepare(kept)
        skip = token.is_seen if len(kept) < len(rows) else None
        return RawPage(response.content, self.records_key, len(kept), skip)

    def split(self, spare_workers: int) -> KeysetWindow | None:
        """Give the later half of what remains to a new window that another worker can fetch.

        Only when worth it: the rows left (``total_entries`` of the last page, less that page)
        exceed what ``spare_workers`` would fetch in a few pages each.
        """
        token = self.paginator.current_value
        if not self.splittable or token.crowded or token.since is None or self.until is None:
            return None
        if self._remaining_rows is None or not worth_splitting(self._remaining_rows, spare_workers):
            return None
        middle = token.since + (self.until - token.since) / 2
        middle = middle.replace(microsecond=0)
        if middle <= token.since + ONE_SECOND or middle >= self.until:
            return None
        later = KeysetWindow(
            self._send,
            self._prepare,
            path=self.path,
            records_key=self.records_key,
            since=middle,
            until=self.until,
            filters=self.filters,
            splittable=True,
        )
        self.until = middle
        return later


class LinkPass:
    """Every page of one route, following ``links.next`` (for routes without updated_at)."""

    rank = 0.0

    def __init__(
        self,
        send: SendPage,
        prepare: PreparePage,
        *,
        path: str,
        records_key: str,
        api_origin: str,
        filters: Sequence[str] = (),
    ) -> None:
        """Start at the first page of ``path``."""
        self._send = send
        self._prepare = prepare
        self.path = path
        self.records_key = records_key
        self.filters = tuple(filters)
        self.paginator = ClinikoLinkPaginator(api_origin)
        self.done = False

    def fetch_next(self) -> list[Row]:
        """One request; the page's rows."""
        next_url = self.paginator.current_value
        if next_url is None:
            context: dict[str, Any] = {"path": self.path, "filters": self.filters}
        else:
            context = {"url": next_url.geturl()}
        response = self._send(context, None)
        self.last_page_bytes = len(response.content)
        rows = envelope(response).get(self.records_key) or []
        self.paginator.advance(response)
        self.done = self.paginator.finished
        return self._prepare(rows)

    def split(self, spare_workers: int) -> None:
        """Link-following is inherently sequential."""
        return None


class SingleRequest:
    """One GET whose whole JSON body is one record (``/settings``)."""

    rank = 0.0

    def __init__(self, send: SendPage, *, path: str) -> None:
        """Fetch ``path`` once."""
        self._send = send
        self.path = path
        self.done = False

    def fetch_next(self) -> list[Row]:
        """The body, as the only row."""
        response = self._send({"path": self.path, "single": True}, None)
        self.last_page_bytes = len(response.content)
        self.done = True
        return [envelope(response)]

    def split(self, spare_workers: int) -> None:
        """Nothing to split."""
        return None


def update_order(row: Row) -> tuple[str, str]:
    """Sort key of the emitted order: updated_at, then id."""
    return (str(row.get("updated_at") or ""), str(row.get("id") or ""))


@dataclass
class StreamPlan:
    """The feeds one stream reads: late pickups first, then the main passes, merged in order."""

    late: list[Feed] = field(default_factory=list)
    main: list[Feed] = field(default_factory=list)
    ordered: bool = True
    owned_prefetcher: Prefetcher | None = None
    # The run's upper bound for incremental streams: once every feed is read, the bookmark.
    read_until: dt.datetime | None = None

    def records(self) -> Iterator[Row]:
        """Rows in emission order: late pickups (all older than the bookmark) then main passes."""
        emitted_late: set[str] = set()
        late = heapq.merge(*(feed.records() for feed in self.late), key=update_order)
        for row in late:
            # A row both archived and cancelled since the bookmark comes from two passes.
            ident = str(row.get("id"))
            if ident not in emitted_late:
                emitted_late.add(ident)
                yield row
        if self.ordered and len(self.main) > 1:
            yield from heapq.merge(*(feed.records() for feed in self.main), key=update_order)
        else:
            for feed in self.main:
                yield from feed.records()

    def cancel(self) -> None:
        """Stop prefetching whatever this stream has not consumed."""
        for feed in (*self.late, *self.main):
            feed.cancel()
        if self.owned_prefetcher is not None:
            self.owned_prefetcher.close()
