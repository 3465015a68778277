"""The prefetcher holds a bounded number of pages, however many streams and pages there are."""

from __future__ import annotations

import threading
import time

from tap_cliniko.prefetch import BUDGET_PAGES_PER_WORKER, Prefetcher


class CountingSource:
    """``pages`` pages of one row each, numbered, fetched instantly."""

    rank = 0.0

    def __init__(self, name: str, pages: int) -> None:
        self.name = name
        self.pages = pages
        self.fetched = 0
        self.done = False
        self.lock = threading.Lock()

    def fetch_next(self) -> list[dict]:
        with self.lock:
            self.fetched += 1
            self.done = self.fetched >= self.pages
            return [{"stream": self.name, "page": self.fetched}]

    def split(self, spare_workers: int) -> None:
        return None


def wait_until_idle(prefetcher: Prefetcher, seconds: float = 2.0) -> None:
    deadline = time.monotonic() + seconds
    last = -1
    while time.monotonic() < deadline:
        time.sleep(0.05)
        with prefetcher.cond:
            now = (prefetcher.buffered_pages, prefetcher._busy, prefetcher._queue.qsize())
        if now[0] == last and now[1] == 0 and now[2] == 0:
            return
        last = now[0]


def test_pages_held_ahead_of_a_slow_output_stay_within_one_budget() -> None:
    workers = 4
    prefetcher = Prefetcher(workers)
    sources = [CountingSource(f"s{n}", pages=30) for n in range(20)]
    feeds = [prefetcher.add(source, (order, 1, 0)) for order, source in enumerate(sources)]
    try:
        # The output reads nothing yet: 20 feeds x 4 pages would be 80 pages; streams not being
        # read share half the budget.
        wait_until_idle(prefetcher)
        budget = workers * BUDGET_PAGES_PER_WORKER
        assert prefetcher.max_buffered_pages == budget
        assert 0 < prefetcher.buffered_pages <= budget // 2
        assert sum(source.fetched for source in sources) <= budget // 2
        # Reading everything, in order, still yields every page of every stream.
        for feed, source in zip(feeds, sources, strict=True):
            pages = [row["page"] for row in feed.records()]
            assert pages == list(range(1, 31)), source.name
        # The stream being read has the budget, later ones half of it; the feed being read may
        # pass it by one page when it has none buffered, no further.
        assert prefetcher.peak_buffered_pages <= budget + budget // 2 + 1
        assert prefetcher.buffered_pages == 0
    finally:
        prefetcher.close()


def test_the_feed_being_read_is_fetched_even_when_the_budget_is_spent() -> None:
    prefetcher = Prefetcher(2, max_buffered_pages=2)
    later = [prefetcher.add(CountingSource(f"later{n}", pages=5), (n + 1, 1, 0)) for n in range(3)]
    try:
        wait_until_idle(prefetcher)
        assert prefetcher.buffered_pages <= 1
        # A feed added after the budget was spent (the stream the output turns to next).
        current = prefetcher.add(CountingSource("current", pages=6), (0, 1, 0))
        assert [row["page"] for row in current.records()] == [1, 2, 3, 4, 5, 6]
        for feed in later:
            assert len(list(feed.records())) == 5
    finally:
        prefetcher.close()


class SlowSource(CountingSource):
    """A page takes ``delay`` seconds, like a request to the API."""

    def __init__(self, name: str, pages: int, delay: float = 0.005) -> None:
        super().__init__(name, pages)
        self.delay = delay

    def fetch_next(self) -> list[dict]:
        time.sleep(self.delay)
        return super().fetch_next()


def test_the_next_window_runs_ahead_of_the_one_being_written_up_to_the_budget() -> None:
    # Keyset pages of one window come one after another; while the output waits on them, the
    # spare workers fetch the stream's next window. Parked at a few pages, they kept about one
    # request in flight of four; the stream's budget is what bounds how far ahead they run.
    prefetcher = Prefetcher(4)
    written = SlowSource("written", pages=40)
    following = SlowSource("following", pages=40)
    first = prefetcher.add(written, (0, 1, 0))
    second = prefetcher.add(following, (0, 1, 1))
    try:
        assert len(list(first.records())) == 40
        ahead = following.fetched  # pages of the next window fetched while the first was written
        assert ahead > 4 * 3, ahead
        with prefetcher.cond:
            assert prefetcher._held.get(0, 0) <= prefetcher.budget_bytes
        assert [row["page"] for row in second.records()] == list(range(1, 41))
    finally:
        prefetcher.close()


def test_the_feed_being_read_holds_no_more_than_the_budget_when_the_output_is_slow() -> None:
    # The output slower than the API (a fast API, a slow loader): the feed being read filled its
    # own buffer past the budget, which grew with the clinic's biggest stream.
    prefetcher = Prefetcher(4, max_buffered_pages=8)
    big = CountingSource("big", pages=200)
    feed = prefetcher.add(big, (0, 1, 0))
    try:
        rows = feed.records()
        assert next(rows)["page"] == 1  # the output reads one record, then stalls
        wait_until_idle(prefetcher)
        assert big.fetched <= 8 + 1 + 1, big.fetched  # budget, the page read, one past
        assert [row["page"] for row in rows] == list(range(2, 201))
    finally:
        prefetcher.close()
