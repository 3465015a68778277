"""Fetch pages on worker threads ahead of the (single-threaded) Singer output.

The SDK syncs streams one after another on the main thread and writes every RECORD and STATE
message there. Waiting for each response before sending the next request caps the tap at
1/latency requests a second, far under Cliniko's quota. So requests run here, on
``max_concurrent_requests`` worker threads that prefetch pages of the current stream and of
the streams after it, while the main thread consumes pages strictly in order: records of a
stream still come out in updated_at order and state is still written by the SDK alone.

Each source (one sequential run of pages, e.g. one keyset window) has a buffer; a worker
fetches one page per task and re-queues the source until its buffer is full, so a worker never
blocks on a full buffer and a later stream can never starve the one being written. Tasks are
served by priority: the stream being written first, earlier windows before later ones.

Keyset pages of one window can only be fetched one after another (each request starts where
the last page ended), so the workers are kept busy by fetching *ahead*: later windows of the
stream being written and the next streams, whose pages wait in the buffers until the output
reaches them. How far ahead is what decides how many requests are in flight: with a per-window
buffer of four pages, the windows after the one being written filled their four pages and
parked, and the tap kept about 1.4 requests in flight of its four (docs/performance.md,
scenario 1). So a window's own buffer is as large as the budget, the budget (not the window)
bounds how far ahead the workers run, and a page weighs its actual bytes: a page of attendees is
two thirds of a typical page, so half as many again of them fit.

Memory is bounded by budgets of response bytes held (buffered, or a typical page's worth for a
request in flight), not by the clinic's size: the stream the output is reading may hold
``max_buffered_pages`` typical pages' worth over all its windows, later streams together half
that; the feed being read may fetch past the budget while it has nothing buffered, so neither
later streams nor its own later windows can starve it. Without them, every stream and every
window filled its own buffer whenever the output was slower than the API, which held more pages
the bigger the clinic (a page is up to 100 records; a page of treatment notes is about a MB once
parsed). Pages of most streams wait as their response bytes (``sources.RawPage``).
"""

from __future__ import annotations

import heapq
import itertools
import queue
import threading
from collections import deque
from collections.abc import Iterator
from typing import Any, Protocol

from tap_cliniko.errors import StreamSkipped

# What the stream being read may hold, per worker, in typical pages (later streams together:
# half of that). A page weighs its response's bytes: a page of appointments is about half a
# typical page, a page of treatment notes or patients two or three. 32 a worker (20 MB of
# responses for four workers) lets the workers the written window does not need fetch later
# windows for as long as that window takes at Cliniko's pace (scenario 1: 8 a worker kept 1.5
# requests in flight, 24 kept 1.9, 48 kept 1.95 of the 2 the limit allows).
BUDGET_PAGES_PER_WORKER = 32
# A window's own buffer, in pages: the budget's typical pages for the default four workers, so
# that the budget, not one window's buffer, decides how far ahead the workers run.
DEFAULT_BUFFER_PAGES = 128
UNIT_BYTES = 160 * 1024  # a typical page's response
MIN_PAGE_BYTES = 4 * 1024  # an empty or nearly empty page still costs its request's objects
_STOP = (float("inf"), 0, None)


class Page(Protocol):
    """A fetched page: its rows, and how many (a list, or rows still to be parsed)."""

    def __len__(self) -> int: ...

    def __iter__(self) -> Iterator[dict[str, Any]]: ...


class PageSource(Protocol):
    """A sequential run of pages; ``fetch_next`` performs one request."""

    done: bool
    rank: float  # orders windows of one stream: earlier ranges are wanted first

    def fetch_next(self) -> Page:
        """Fetch and return the next page's records; set ``done`` after the last page."""
        ...

    def split(self, spare_workers: int) -> PageSource | None:
        """Hand the later part of the remaining range to a new source, if worth it."""
        ...


class Feed:
    """The buffered pages of one source, consumed in order by the main thread."""

    def __init__(self, prefetcher: Prefetcher, source: PageSource, priority: tuple) -> None:
        """Register ``source``; ``priority`` orders its tasks against other feeds'."""
        self.prefetcher = prefetcher
        self.source = source
        self.priority = priority
        self.pages: deque[Page] = deque()
        self.weights: deque[int] = deque()  # each page's weight in budget bytes
        self.done = False
        self.error: BaseException | None = None
        self.parked = False  # its own buffer is full: re-queued when a page is read
        self.waiting_for_budget = False  # the process's page budget is spent
        self.cancelled = False
        self.next: Feed | None = None  # a window split off this one, consumed after it

    def records(self) -> Iterator[dict[str, Any]]:
        """Yield this feed's records, then those of windows split off it, in order."""
        feed: Feed | None = self
        while feed is not None:
            yield from feed._own_records()
            feed = feed.next

    def _own_records(self) -> Iterator[dict[str, Any]]:
        prefetcher = self.prefetcher
        cond = prefetcher.cond
        while True:
            with cond:
                prefetcher.start_reading(self)
                while not self.pages and not self.done and self.error is None:
                    if prefetcher.fatal is not None:
                        raise prefetcher.fatal
                    prefetcher.wake(self)  # the output needs it now, budget or not
                    cond.wait(timeout=1.0)
                if self.pages:
                    page = self.pages.popleft()
                    prefetcher.page_read(self, self.weights.popleft())
                elif self.error is not None:
                    raise self.error
                else:
                    return
            yield from page

    def cancel(self) -> None:
        """Stop fetching this feed and the windows split off it."""
        with self.prefetcher.cond:
            feed: Feed | None = self
            while feed is not None:
                feed.cancelled = True
                self.prefetcher.buffered_pages -= len(feed.pages)
                self.prefetcher.release(feed, sum(feed.weights))
                feed.pages.clear()
                feed.weights.clear()
                feed = feed.next


class Prefetcher:
    """A pool of worker threads filling feeds' buffers, highest priority first."""

    def __init__(
        self,
        workers: int,
        buffer_pages: int = DEFAULT_BUFFER_PAGES,
        max_buffered_pages: int | None = None,
    ) -> None:
        """Start ``workers`` daemon threads; ``buffer_pages`` per feed, the budget over all."""
        self.workers = workers
        self.buffer_pages = buffer_pages
        self.max_buffered_pages = max_buffered_pages or max(
            buffer_pages, workers * BUDGET_PAGES_PER_WORKER
        )
        #: Pages delivered and not yet read by the output, over every feed.
        self.buffered_pages = 0
        #: The budget in bytes: ``max_buffered_pages`` typical pages.
        self.budget_bytes = self.max_buffered_pages * UNIT_BYTES
        #: The most pages ever buffered at once (for tests and the memory benchmark).
        self.peak_buffered_pages = 0
        #: The stream (priority's first item) the output reads now, and the feed.
        self.reading_order: Any = None
        self.reading: Feed | None = None
        self._held: dict[Any, int] = {}  # bytes buffered or in flight, per stream
        self._held_total = 0
        self._budget_queue: list[tuple[tuple, int, Feed]] = []
        self.cond = threading.Condition()
        self.fatal: BaseException | None = None
        self._queue: queue.PriorityQueue = queue.PriorityQueue()
        self._order = itertools.count()
        self._busy = 0
        self._threads = [
            threading.Thread(target=self._work, name=f"cliniko-fetch-{n}", daemon=True)
            for n in range(workers)
        ]
        for thread in self._threads:
            thread.start()

    def add(self, source: PageSource, priority: tuple) -> Feed:
        """Start prefetching ``source``; return the feed to consume it from."""
        feed = Feed(self, source, (*priority, source.rank))
        self.enqueue(feed)
        return feed

    def enqueue(self, feed: Feed) -> None:
        """Queue one page fetch for ``feed``."""
        self._queue.put((feed.priority, next(self._order), feed))

    def page_read(self, feed: Feed, weight: int) -> None:
        """The output took a page of ``feed`` (called holding ``cond``): refill what it freed."""
        self.buffered_pages -= 1
        self.release(feed, weight)
        if feed.parked:
            feed.parked = False
            self.enqueue(feed)

    def release(self, feed: Feed, held: int) -> None:
        """``held`` bytes of ``feed`` are no longer held (holding ``cond``); wake feeds waiting."""
        self._hold(feed, -held)
        waiting_queue = self._budget_queue
        while waiting_queue and self._may_fetch(waiting_queue[0][2]):
            _, _, waiting = heapq.heappop(waiting_queue)
            self.wake(waiting)

    def start_reading(self, feed: Feed) -> None:
        """The output reads ``feed`` (holding ``cond``): its stream gets the larger budget."""
        self.reading = feed
        order = feed.priority[0]
        if order == self.reading_order:
            return
        self.reading_order = order
        while self._budget_queue and self._budget_queue[0][0][0] <= order:
            _, _, waiting = heapq.heappop(self._budget_queue)
            self.wake(waiting)

    def wake(self, feed: Feed) -> None:
        """Queue ``feed`` now if it waits for its buffer or the budget (holding ``cond``)."""
        if feed.parked or feed.waiting_for_budget:
            feed.parked = feed.waiting_for_budget = False  # a stale heap entry is skipped
            self.enqueue(feed)

    def _hold(self, feed: Feed, held: int) -> None:
        order = feed.priority[0]
        self._held[order] = self._held.get(order, 0) + held
        self._held_total += held

    def _is_current(self, feed: Feed) -> bool:
        return self.reading_order is not None and feed.priority[0] <= self.reading_order

    def _may_fetch(self, feed: Feed) -> bool:
        """Whether ``feed`` may fetch a page: within the budget, or it is what the output waits for.

        The feed being read passes the budget only while it has nothing buffered, so the output
        never starves and never holds more than one page beyond the budget. It once passed it up to
        its own buffer (128 pages): at 100,000 patients, 128 pages of patients (48 MB of
        responses) while the output was slower than the API.
        """
        return (feed is self.reading and not feed.pages) or self._has_room(feed)

    def _has_room(self, feed: Feed) -> bool:
        """Whether ``feed``'s stream holds less than its budget (bytes buffered or in flight)."""
        current = self._held.get(self.reading_order, 0)
        if self._is_current(feed):
            return current < self.budget_bytes
        return self._held_total - current < self.budget_bytes // 2

    def _wait_for_budget(self, feed: Feed) -> None:
        feed.waiting_for_budget = True
        heapq.heappush(self._budget_queue, (feed.priority, next(self._order), feed))

    def close(self) -> None:
        """Stop the workers (a request in flight finishes on its own daemon thread)."""
        with self.cond:
            self.fatal = self.fatal or _Closed()
            self.cond.notify_all()
        for _ in self._threads:
            self._queue.put(_STOP)

    def _spare_workers(self) -> int:
        """Workers that would idle now: neither busy nor with a queued task to take."""
        if self.workers < 2:
            return 0
        return max(0, self.workers - self._busy - self._queue.qsize())

    def _work(self) -> None:
        while True:
            _, _, feed = self._queue.get()
            if feed is None:
                return
            with self.cond:
                if feed.cancelled or self.fatal is not None:
                    continue
                if feed.parked or feed.waiting_for_budget:
                    continue  # a duplicate task: the feed is queued again when it may go on
                if not self._may_fetch(feed):
                    self._wait_for_budget(feed)
                    continue
                self._busy += 1
                self._hold(feed, UNIT_BYTES)  # a typical page, until its size is known
                splittable = self._has_room(feed)
            page: Page = []
            spawned: PageSource | None = None
            error: BaseException | None = None
            try:
                page = feed.source.fetch_next()
                spare = self._spare_workers() if splittable else 0
                if not feed.source.done and spare:
                    spawned = feed.source.split(spare)
            except BaseException as exc:
                error = exc
            self._deliver(feed, page, spawned, error)

    def _deliver(
        self,
        feed: Feed,
        page: Page,
        spawned: PageSource | None,
        error: BaseException | None,
    ) -> None:
        with self.cond:
            self._busy -= 1
            if not page or error is not None or feed.cancelled:
                self.release(feed, UNIT_BYTES)  # nothing came to hold
            if spawned is not None:
                child = Feed(self, spawned, (*feed.priority[:-1], spawned.rank))
                child.next, feed.next = feed.next, child
                self.enqueue(child)
            if error is not None:
                feed.error = error
                if not isinstance(error, StreamSkipped):
                    self.fatal = self.fatal or error
            elif not feed.cancelled:
                if page:
                    weight = page_weight(feed.source)
                    self._hold(feed, weight - UNIT_BYTES)  # held while it was in flight
                    feed.pages.append(page)
                    feed.weights.append(weight)
                    self.buffered_pages += 1
                    self.peak_buffered_pages = max(self.peak_buffered_pages, self.buffered_pages)
                if feed.source.done:
                    feed.done = True
                elif len(feed.pages) >= self.buffer_pages:
                    feed.parked = True
                elif not self._may_fetch(feed):
                    self._wait_for_budget(feed)
                else:
                    self.enqueue(feed)
            self.cond.notify_all()


def page_weight(source: PageSource) -> int:
    """The last page's weight in budget bytes: its response's size (a typical page if unknown)."""
    size = getattr(source, "last_page_bytes", None)
    if size is None:
        return UNIT_BYTES
    return max(MIN_PAGE_BYTES, size)


class _Closed(Exception):
    """The prefetcher was closed while a consumer still waited."""
