"""Fetch pages on worker threads ahead of the (single-threaded) Singer output.

The SDK syncs streams one after another on the main thread and writes every RECORD and STATE
message there. Waiting for each response before sending the next request caps the tap at
1/latency requests a second, far under Cliniko's quota. So requests run here, on
``max_concurrent_requests`` worker threads that prefetch pages of the current stream and of
the streams after it, while the main thread consumes pages strictly in order: records of a
stream still come out in updated_at order and state is still written by the SDK alone.

Each source (one sequential run of pages, e.g. one keyset window) has a small buffer; a worker
fetches one page per task and re-queues the source until its buffer is full, so a worker never
blocks on a full buffer and a later stream can never starve the one being written. Tasks are
served by priority: the stream being written first, earlier windows before later ones.

Memory is bounded by one budget of buffered pages for the whole process (``max_buffered_pages``,
in-flight requests counted): when the output is slower than the API, workers stop fetching
later streams once the budget is spent instead of filling every stream's and window's buffer,
which would hold more pages the bigger the clinic. The stream the output is reading is exempt
(each of its feeds up to its own buffer), so it is never starved by pages of later streams and
keeps every worker busy; it is split into new windows only within the budget plus a buffer per
worker, which bounds its windows too.
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

DEFAULT_BUFFER_PAGES = 4
# Pages held ahead of the output per worker, over all feeds (a page is up to 100 records).
BUDGET_PAGES_PER_WORKER = 8
_STOP = (float("inf"), 0, None)


class PageSource(Protocol):
    """A sequential run of pages; ``fetch_next`` performs one request."""

    done: bool
    rank: float  # orders windows of one stream: earlier ranges are wanted first

    def fetch_next(self) -> list[dict[str, Any]]:
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
        self.pages: deque[list[dict[str, Any]]] = deque()
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
                    prefetcher.page_read(self)
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
                feed.pages.clear()
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
        #: The most pages ever held at once (for tests and the memory benchmark).
        self.peak_buffered_pages = 0
        #: The stream (priority's first item) the output reads now: exempt from the budget.
        self.reading_order: Any = None
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

    def page_read(self, feed: Feed) -> None:
        """The output took a page of ``feed`` (called holding ``cond``): refill what it freed."""
        self.buffered_pages -= 1
        if feed.parked:
            feed.parked = False
            self.enqueue(feed)
        while self._budget_queue and not self._over_budget():
            _, _, waiting = heapq.heappop(self._budget_queue)
            if waiting.waiting_for_budget:
                waiting.waiting_for_budget = False
                self.enqueue(waiting)

    def start_reading(self, feed: Feed) -> None:
        """The output reads ``feed`` (holding ``cond``): its stream's feeds may fetch freely."""
        order = feed.priority[0]
        if order == self.reading_order:
            return
        self.reading_order = order
        while self._budget_queue and self._budget_queue[0][0][0] <= order:
            _, _, waiting = heapq.heappop(self._budget_queue)
            self.wake(waiting)

    def _exempt(self, feed: Feed) -> bool:
        return self.reading_order is not None and feed.priority[0] <= self.reading_order

    def wake(self, feed: Feed) -> None:
        """Queue ``feed`` now if it waits for its buffer or the budget (holding ``cond``)."""
        if feed.parked or feed.waiting_for_budget:
            feed.parked = feed.waiting_for_budget = False  # a stale heap entry is skipped
            self.enqueue(feed)

    def _over_budget(self) -> bool:
        return self.buffered_pages + self._busy >= self.max_buffered_pages

    def _may_split(self, feed: Feed) -> bool:
        """Whether a new window may be opened: within the budget, or for the stream being
        read, within the budget plus a buffer per worker (so later streams' pages cannot keep
        it to one request at a time, and its windows stay bounded all the same)."""
        held = self.buffered_pages + self._busy
        if held < self.max_buffered_pages:
            return True
        return (
            self._exempt(feed) and held < self.max_buffered_pages + self.workers * self.buffer_pages
        )

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
                if not self._exempt(feed) and self._over_budget():
                    self._wait_for_budget(feed)
                    continue
                self._busy += 1
                splittable = self._may_split(feed)
            page: list[dict[str, Any]] = []
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
        page: list[dict[str, Any]],
        spawned: PageSource | None,
        error: BaseException | None,
    ) -> None:
        with self.cond:
            self._busy -= 1
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
                    feed.pages.append(page)
                    self.buffered_pages += 1
                    self.peak_buffered_pages = max(self.peak_buffered_pages, self.buffered_pages)
                if feed.source.done:
                    feed.done = True
                elif len(feed.pages) >= self.buffer_pages:
                    feed.parked = True
                elif not self._exempt(feed) and self._over_budget():
                    self._wait_for_budget(feed)
                else:
                    self.enqueue(feed)
            self.cond.notify_all()


class _Closed(Exception):
    """The prefetcher was closed while a consumer still waited."""
