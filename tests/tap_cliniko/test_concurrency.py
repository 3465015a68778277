"""Concurrent prefetch: several requests in flight, yet per-stream order and state stay right."""

from __future__ import annotations

import datetime as dt

from tap_cliniko.paging import PER_PAGE, KeysetToken
from tap_cliniko.sources import SPLIT_PAGES_PER_SPARE_WORKER, KeysetWindow, worth_splitting
from tap_fake_api import FakeCliniko
from tap_helpers import make_config, row, run_tap

STREAMS = ("patients", "users", "contacts", "invoices", "medical_alerts")


def spread(count: int, start: dt.datetime, step: dt.timedelta, offset: int = 0) -> list[dict]:
    stamps = [(start + n * step).strftime("%Y-%m-%dT%H:%M:%SZ") for n in range(count)]
    return [row(offset + n, stamp) for n, stamp in enumerate(stamps)]


def load(fake: FakeCliniko, sizes: dict[str, int]) -> None:
    start = dt.datetime(2023, 1, 1, tzinfo=dt.timezone.utc)
    for index, (name, size) in enumerate(sizes.items()):
        fake.add(f"/{name}", spread(size, start, dt.timedelta(minutes=7), offset=index * 10_000))


def assert_ordered_and_complete(result, fake: FakeCliniko, name: str) -> None:
    records = result.records(name)
    expected = sorted(fake.rows[f"/{name}"], key=lambda r: (r["updated_at"], int(r["id"])))
    assert [r["id"] for r in records] == [r["id"] for r in expected]
    # A finished stream is bookmarked at the run's upper bound: everything before it was read.
    assert result.bookmark(name) == fake.read_until(f"/{name}")
    assert result.bookmark(name) > expected[-1]["updated_at"]


def assert_state_never_runs_ahead(result, fake: FakeCliniko) -> None:
    """Each STATE bookmark is at or below what that stream has emitted, or, once the stream has
    emitted every row, the run's upper bound."""
    emitted: dict[str, list[str]] = {}
    for message in result.messages:
        if message["type"] == "RECORD":
            emitted.setdefault(message["stream"], []).append(message["record"]["updated_at"])
        elif message["type"] == "STATE":
            for name, entry in message["value"].get("bookmarks", {}).items():
                value = entry.get("replication_key_value")
                if not value:
                    continue
                if value == fake.read_until(f"/{name}"):
                    assert len(emitted[name]) == len(fake.rows[f"/{name}"]), name
                else:
                    assert value <= max(emitted[name])


def test_streams_fetch_concurrently_in_order_with_correct_state(fake: FakeCliniko) -> None:
    load(
        fake,
        {"patients": 420, "users": 130, "contacts": 250, "invoices": 90, "medical_alerts": 310},
    )
    fake.latency = 0.01
    result = run_tap(make_config(max_concurrent_requests=4), set(STREAMS))
    for name in STREAMS:
        assert_ordered_and_complete(result, fake, name)
    assert_state_never_runs_ahead(result, fake)
    assert 2 <= fake.max_in_flight <= 4
    # Records of one stream are written together, streams one after another.
    order = [m["stream"] for m in result.messages if m["type"] == "RECORD"]
    assert [name for i, name in enumerate(order) if i == 0 or order[i - 1] != name] == list(
        dict.fromkeys(order)
    )


def test_one_concurrent_request_means_one_in_flight(fake: FakeCliniko) -> None:
    load(fake, {"patients": 250, "users": 120, "contacts": 60})
    fake.latency = 0.005
    result = run_tap(make_config(max_concurrent_requests=1), {"patients", "users", "contacts"})
    assert fake.max_in_flight == 1
    for name in ("patients", "users", "contacts"):
        assert_ordered_and_complete(result, fake, name)


def test_a_big_stream_is_split_into_windows_fetched_in_parallel(fake: FakeCliniko) -> None:
    start = dt.datetime(2023, 1, 1, tzinfo=dt.timezone.utc)
    fake.add("/patients", spread(1600, start, dt.timedelta(hours=5)))
    fake.latency = 0.01
    result = run_tap(make_config(max_concurrent_requests=4), {"patients"})
    assert_ordered_and_complete(result, fake, "patients")
    upper_bounds = {
        f
        for call in fake.calls_to("/patients")
        for f in call.filters
        if f.startswith("updated_at:<")
    }
    assert len(upper_bounds) > 1  # more than the run's own upper bound: windows were split
    assert fake.max_in_flight > 1
    assert len(result.records("patients")) == 1600


def test_every_request_goes_through_the_one_limiter(fake: FakeCliniko, tmp_path) -> None:
    load(fake, {"patients": 230, "users": 40, "contacts": 120})
    result = run_tap(make_config(max_concurrent_requests=3), {"patients", "users", "contacts"})
    assert result.tap is not None
    assert result.tap.limiter.granted == len(fake.calls)


def upper_bounds_sent(fake: FakeCliniko, path: str) -> set[str]:
    return {f for call in fake.calls_to(path) for f in call.filters if f.startswith("updated_at:<")}


def test_a_stream_the_spare_workers_would_read_in_a_few_pages_is_not_split(
    fake: FakeCliniko,
) -> None:
    # 900 rows: 8 left after the first page, fewer than 3 spare workers x 4 pages each.
    start = dt.datetime(2023, 1, 1, tzinfo=dt.timezone.utc)
    fake.add("/patients", spread(900, start, dt.timedelta(hours=5)))
    fake.latency = 0.01
    result = run_tap(make_config(max_concurrent_requests=4), {"patients"})
    assert_ordered_and_complete(result, fake, "patients")
    assert upper_bounds_sent(fake, "/patients") == {f"updated_at:<{fake.read_until('/patients')}"}
    # One window: each page re-reads only the boundary row, no extra partial pages.
    assert len(fake.calls_to("/patients")) == 10


def test_splitting_is_worth_it_only_beyond_a_few_pages_per_spare_worker() -> None:
    assert not worth_splitting(10_000, spare_workers=0)
    assert not worth_splitting(3 * SPLIT_PAGES_PER_SPARE_WORKER * PER_PAGE, spare_workers=3)
    assert worth_splitting(3 * SPLIT_PAGES_PER_SPARE_WORKER * PER_PAGE + 1, spare_workers=3)
    assert worth_splitting(SPLIT_PAGES_PER_SPARE_WORKER * PER_PAGE + 1, spare_workers=1)


def test_a_window_splits_in_two_halves_only_when_worth_it() -> None:
    start = dt.datetime(2023, 1, 1, tzinfo=dt.timezone.utc)
    end = start + dt.timedelta(days=100)
    window = KeysetWindow(
        lambda context, token: None,  # never called: no page is fetched here
        lambda rows: rows,
        path="/patients",
        records_key="patients",
        since=start,
        until=end,
        splittable=True,
    )
    window.paginator._value = KeysetToken(since=start + dt.timedelta(days=10))
    window._remaining_rows = 2 * SPLIT_PAGES_PER_SPARE_WORKER * PER_PAGE
    assert window.split(spare_workers=2) is None
    later = window.split(spare_workers=1)
    assert later is not None
    middle = start + dt.timedelta(days=55)  # halfway through what remains
    assert window.until == middle == later.paginator.current_value.since
    assert later.until == end
