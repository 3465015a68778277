"""Keyset paging, the filters sent, late (archived) pickups and link-following routes."""

from __future__ import annotations

from tap_fake_api import FakeCliniko
from tap_helpers import link, make_config, minute, row, run_tap

APPOINTMENT_HIDDEN = ("archived_at", "cancelled_at", "deleted_at")


def main_calls(fake: FakeCliniko, path: str) -> list:
    """Requests of the main (updated_at) pass, not of the late archived/cancelled passes."""
    return [
        call
        for call in fake.calls_to(path)
        if not any(f.split(":")[0] in APPOINTMENT_HIDDEN and ":>=" in f for f in call.filters)
    ]


def patients(count: int, start: int = 0) -> list[dict]:
    return [row(start + n, minute(start + n), first_name="P") for n in range(count)]


def test_keyset_paging_reads_every_row_in_order_with_the_filters(fake: FakeCliniko) -> None:
    fake.add("/patients", patients(250), hidden=("archived_at",))
    result = run_tap(make_config(), {"patients"})

    emitted = result.records("patients")
    assert [r["id"] for r in emitted] == [str(n) for n in range(250)]
    assert result.bookmark("patients") == fake.read_until("/patients") > minute(249)
    calls = fake.calls_to("/patients")
    assert len(calls) == 3
    first, second = calls[0], calls[1]
    assert first.query["per_page"] == ["100"]
    assert first.query["sort"] == ["updated_at:asc"]
    assert "archived_at:*" in first.filters
    assert any(f.startswith("updated_at:<") for f in first.filters)
    assert not any(f.startswith("updated_at:>=") for f in first.filters)
    # The next request re-queries from the last updated_at seen; it never asks for page 2.
    assert f"updated_at:>={minute(99)}" in second.filters
    assert "page" not in second.query


def test_filter_times_use_whole_seconds_in_utc(fake: FakeCliniko) -> None:
    fake.add("/patients", patients(3))
    run_tap(make_config(start_date="2024-01-01T10:00:00.123+10:00"), {"patients"})
    sent = {f for call in fake.calls_to("/patients") for f in call.filters}
    assert {"updated_at:>=2024-01-01T00:00:00Z", "archived_at:>=2024-01-01T00:00:00Z"} <= sent


def test_bookmark_is_the_lower_bound_of_the_next_run(fake: FakeCliniko) -> None:
    fake.add("/patients", patients(10))
    state = {
        "bookmarks": {
            "patients": {"replication_key": "updated_at", "replication_key_value": minute(6)}
        }
    }
    result = run_tap(make_config(), {"patients"}, state=state)
    assert [r["id"] for r in result.records("patients")] == ["6", "7", "8", "9"]
    assert f"updated_at:>={minute(6)}" in main_calls(fake, "/patients")[0].filters
    assert result.bookmark("patients") == fake.read_until("/patients") > minute(9)


def naive_page_walk(fake: FakeCliniko) -> set[str]:
    """What a page-number tap would read from the same fake (used to prove the test bites)."""
    import requests

    seen, url = set(), f"{fake.base_url}/patients?per_page=100&sort=updated_at:asc"
    while url:
        body = requests.get(url, timeout=5).json()
        seen |= {r["id"] for r in body["patients"]}
        url = body["links"].get("next")
    return seen


def move_first_page_to_the_future(fake: FakeCliniko, call) -> None:
    """After the first page is served, 20 of its rows are edited (updated_at jumps to now)."""
    if len(fake.calls) == 2:
        for record in fake.rows["/patients"][:20]:
            record["updated_at"] = "2999-01-01T00:00:00Z"


def test_rows_updated_between_page_requests_are_not_lost(fake: FakeCliniko) -> None:
    fake.add("/patients", patients(250))
    fake.before_response = move_first_page_to_the_future
    result = run_tap(make_config(), {"patients"})
    assert {r["id"] for r in result.records("patients")} == {str(n) for n in range(250)}

    # The same edits under page-number paging skip rows, so this scenario does test something.
    fake.rows["/patients"] = patients(250)
    fake.calls.clear()
    assert len(naive_page_walk(fake)) < 250


def test_more_than_a_page_in_one_second_is_paged_within_that_second(fake: FakeCliniko) -> None:
    crowded = [row(n, minute(5), first_name="P") for n in range(230)]
    fake.add("/patients", [*patients(3), *crowded[3:], row(900, minute(9))])
    result = run_tap(make_config(), {"patients"})
    ids = [r["id"] for r in result.records("patients")]
    assert sorted(ids, key=int) == [*(str(n) for n in range(230)), "900"]
    assert len(ids) == len(set(ids))
    paged = [c for c in fake.calls_to("/patients") if "page" in c.query]
    assert paged
    assert all(f"updated_at:<{minute(5, 1)}" in c.filters for c in paged)
    assert {c.query["page"][0] for c in paged} >= {"1", "2", "3"}


def test_rows_leaving_a_crowded_second_do_not_hide_others(fake: FakeCliniko) -> None:
    fake.add("/patients", [row(n, minute(5)) for n in range(250)])

    def edit_while_paging(api: FakeCliniko, call) -> None:
        if call.query.get("page") == ["2"] and not getattr(api, "edited", False):
            api.edited = True
            for record in api.rows["/patients"][:30]:
                record["updated_at"] = "2999-01-01T00:00:00Z"

    fake.before_response = edit_while_paging
    result = run_tap(make_config(), {"patients"})
    assert {r["id"] for r in result.records("patients")} >= {str(n) for n in range(30, 250)}
    first_pages = [c for c in fake.calls_to("/patients") if c.query.get("page") == ["1"]]
    assert len(first_pages) == 2  # the second was read again from page 1 when its count changed


def test_archive_without_updated_at_bump_is_picked_up_first(fake: FakeCliniko) -> None:
    bookmark = minute(100)
    fake.add(
        "/individual_appointments",
        [
            row(1, minute(10), archived_at=minute(150)),  # archived after the bookmark
            row(2, minute(20), archived_at=minute(150), cancelled_at=minute(160)),
            row(3, minute(30), cancelled_at=minute(50)),  # cancelled before: not picked up
            row(4, minute(120)),
            row(5, minute(130), patient=link("patients", 7)),
        ],
        hidden=APPOINTMENT_HIDDEN,
    )
    state = {
        "bookmarks": {
            "individual_appointments": {
                "replication_key": "updated_at",
                "replication_key_value": bookmark,
            }
        }
    }
    result = run_tap(make_config(), {"individual_appointments"}, state=state)

    assert [r["id"] for r in result.records("individual_appointments")] == ["1", "2", "4", "5"]
    assert result.bookmark("individual_appointments") == fake.read_until("/individual_appointments")
    late = [
        c
        for c in fake.calls_to("/individual_appointments")
        if f"updated_at:<{bookmark}" in c.filters
    ]
    assert {
        f
        for c in late
        for f in c.filters
        if f.split(":")[0] != "updated_at" and not f.endswith(":*")
    } >= {f"archived_at:>={bookmark}", f"cancelled_at:>={bookmark}", f"deleted_at:>={bookmark}"}
    assert all(
        {"archived_at:*", "cancelled_at:*", "deleted_at:*"} <= set(c.filters)
        for c in fake.calls_to("/individual_appointments")
    )


def test_without_include_archived_no_wildcards_or_late_passes(fake: FakeCliniko) -> None:
    fake.add(
        "/patients",
        [row(1, minute(1)), row(2, minute(2), archived_at=minute(2))],
        hidden=("archived_at",),
    )
    state = {
        "bookmarks": {
            "patients": {"replication_key": "updated_at", "replication_key_value": minute(0)}
        }
    }
    result = run_tap(make_config(include_archived=False), {"patients"}, state=state)
    assert [r["id"] for r in result.records("patients")] == ["1"]
    assert len(fake.calls_to("/patients")) == 1
    assert not any("archived_at" in f for f in fake.calls_to("/patients")[0].filters)


def test_archived_rows_are_emitted_as_normal_records(fake: FakeCliniko) -> None:
    fake.add(
        "/patients",
        [row(1, minute(1)), row(2, minute(2), archived_at=minute(2))],
        hidden=("archived_at",),
    )
    records = run_tap(make_config(), {"patients"}).records("patients")
    assert [(r["id"], r.get("archived_at")) for r in records] == [("1", None), ("2", minute(2))]


def test_practitioners_reads_active_and_inactive_into_one_ordered_stream(fake) -> None:
    fake.add("/practitioners", [row(1, minute(1), active=True), row(3, minute(3), active=True)])
    fake.add("/practitioners/inactive", [row(2, minute(2), active=False)])
    result = run_tap(make_config(max_concurrent_requests=2), {"practitioners"})
    assert [r["id"] for r in result.records("practitioners")] == ["1", "2", "3"]
    assert fake.calls_to("/practitioners/inactive")


def test_services_follow_links_next_as_a_full_table(fake: FakeCliniko) -> None:
    services = [
        {
            "business": link("businesses", n % 3),
            "appointment_type": link("appointment_types", n),
            "practitioners": [link("practitioners", 1), link("practitioners", 2)],
        }
        for n in range(150)
    ]
    fake.add("/services", services)
    result = run_tap(make_config(), {"services"})
    records = result.records("services")
    assert len(records) == 150
    assert records[0] == {
        "business_id": "0",
        "appointment_type_id": "0",
        "practitioner_ids": ["1", "2"],
    }
    calls = fake.calls_to("/services")
    assert len(calls) == 2
    assert calls[1].query["page"] == ["2"]
    assert "sort" not in calls[0].query
    assert result.bookmark("services") is None


def test_a_next_link_to_another_host_is_refused(fake: FakeCliniko) -> None:
    import pytest
    from tap_cliniko.errors import UnsafeRedirectError

    fake.add("/services", [{"business": link("businesses", 1)}])
    original = fake._list

    def elsewhere(path, call):
        body = original(path, call)
        body["links"]["next"] = "https://evil.example/v1/services?page=2"
        return body

    fake._list = elsewhere
    with pytest.raises(UnsafeRedirectError):
        run_tap(make_config(), {"services"})
    assert not [r for r in fake.mocker.request_history if "evil.example" in r.url]
