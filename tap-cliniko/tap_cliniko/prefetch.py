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
"""

from __future__ import annotations

import itertools
import queue
import threading
from collections import deque
from collections.abc import Iterator
from typing import Any, Protocol

from tap_cliniko.errors import StreamSkipped

DEFAULT_BUFFER_PAGES = 4
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
        self.parked = False
        self.cancelled = False
        self.next: Feed | None = None  # a window split off this one, consumed after it

    def records(self) -> Iterator[dict[str, Any]]:
        """Yield this feed's records, then those of windows split off it, in order."""
        feed: Feed | None = self
        while feed is not None:
            yield from feed._own_records()
            feed = feed.next

    def _own_records(self) -> Iterator[dict[str, Any]]:
        cond = self.prefetcher.cond
        while True:
            with cond:
                while not self.pages and not self.done and self.error is None:
                    if self.prefetcher.fatal is not None:
                        raise self.prefetcher.fatal
                    cond.wait(timeout=1.0)
                if self.pages:
                    page = self.pages.popleft()
                    if self.parked:
                        self.parked = False
                        self.prefetcher.enqueue(self)
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
                feed.pages.clear()
                feed = feed.next


class Prefetcher:
    """A pool of worker threads filling feeds' buffers, highest priority first."""

    def __init__(self, workers: int, buffer_pages: int = DEFAULT_BUFFER_PAGES) -> None:
        """Start ``workers`` daemon threads."""
        self.workers = workers
        self.buffer_pages = buffer_pages
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
                self._busy += 1
            page: list[dict[str, Any]] = []
            spawned: PageSource | None = None
            error: BaseException | None = None
            try:
                page = feed.source.fetch_next()
                spare = self._spare_workers()
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
                if feed.source.done:
                    feed.done = True
                elif len(feed.pages) < self.buffer_pages:
                    self.enqueue(feed)
                else:
                    feed.parked = True
            self.cond.notify_all()


class _Closed(Exception):
    """The prefetcher was closed while a consumer still waited."""
