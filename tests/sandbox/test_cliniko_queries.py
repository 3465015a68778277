"""The simulator's list routes: envelope, paging, q[] operators, sorting, wildcards and 400s."""

from __future__ import annotations

from typing import Any

import pytest

NOT_SEARCHABLE = {"message": "This column is not searchable."}


def _everything(client: Any, stream: str, *filters: str) -> list[dict[str, Any]]:
    """Every row a query returns, following links.next."""
    params = [("per_page", "100"), *(("q[]", f) for f in filters)]
    body = client.get(f"/{stream}", params=params).json()
    rows = list(body[stream])
    while "next" in body["links"]:
        body = client.get(body["links"]["next"]).json()
        rows += body[stream]
    return rows


@pytest.fixture(scope="module")
def client(cliniko_sb):
    with cliniko_sb.client() as c:
        yield c


@pytest.fixture(scope="module")
def all_patients(client):
    return _everything(client, "patients", "archived_at:*")


@pytest.fixture(scope="module")
def all_appointments(client):
    return _everything(
        client, "individual_appointments", "archived_at:*", "cancelled_at:*", "deleted_at:*"
    )


def test_envelope_and_paging_follow_next_links(client, cliniko_sb):
    first = client.get("/patients", params={"per_page": 7})
    body = first.json()
    assert list(body) == ["patients", "total_entries", "links"]
    assert body["total_entries"] == cliniko_sb.counts["patients"]["visible"]
    assert body["links"]["self"].startswith(cliniko_sb.base_url + "/patients?")
    assert "previous" not in body["links"]
    seen = [p["id"] for p in body["patients"]]
    second = client.get(body["links"]["next"]).json()
    assert second["links"]["previous"] == body["links"]["self"]
    assert "per_page=7" in second["links"]["next"] and "page=3" in second["links"]["next"]
    seen += [p["id"] for p in second["patients"]]
    rest = _everything(client, "patients")
    assert seen == [p["id"] for p in rest][:14]
    assert len({p["id"] for p in rest}) == body["total_entries"] == len(rest)
    assert all(isinstance(p["id"], str) for p in rest)
    keys = [(p["created_at"], int(p["id"])) for p in rest]
    assert keys == sorted(keys), "default order is created_at asc, then id"


def test_default_page_size_and_limits(client):
    assert len(client.get("/individual_appointments").json()["individual_appointments"]) == 50
    for bad in ({"per_page": 101}, {"per_page": 0}, {"page": 0}, {"page": "x"}):
        response = client.get("/patients", params=bad)
        assert response.status_code == 400
        assert "message" in response.json()
    beyond = client.get("/patients", params={"page": 999}).json()
    assert beyond["patients"] == [] and "next" not in beyond["links"]


def test_next_link_keeps_filters_and_sort(client):
    params = [("per_page", "5"), ("sort", "updated_at:desc"), ("q[]", "archived_at:*")]
    body = client.get("/patients", params=params).json()
    following = client.get(body["links"]["next"]).json()
    assert "q%5B%5D=archived_at%3A%2A" in body["links"]["next"]
    assert following["total_entries"] == body["total_entries"]
    stamps = [p["updated_at"] for p in body["patients"] + following["patients"]]
    assert stamps == sorted(stamps, reverse=True)


def test_hidden_rows_need_a_wildcard(client, cliniko_sb, all_patients):
    counts = cliniko_sb.counts["patients"]
    assert counts["archived"] > 0
    visible = _everything(client, "patients")
    assert all(p["archived_at"] is None for p in visible)
    assert len(all_patients) == counts["total"] == len(visible) + counts["archived"]
    only_archived = _everything(client, "patients", "archived_at:?")
    assert len(only_archived) == counts["archived"]
    merged = [p for p in only_archived if p.get("merged_at")]
    assert merged and all("merged_with_patient" in p for p in merged)


def test_a_comparison_on_a_hiding_field_returns_hidden_rows(client, all_patients):
    archived = sorted(p["archived_at"] for p in all_patients if p["archived_at"])
    middle = archived[len(archived) // 2]
    found = _everything(client, "patients", f"archived_at:>={middle}")
    assert found and all(p["archived_at"] >= middle for p in found)
    assert len(found) == sum(1 for a in archived if a >= middle)


def test_appointment_wildcards_are_per_field(client, cliniko_sb, all_appointments):
    counts = cliniko_sb.counts["individual_appointments"]
    assert len(all_appointments) == counts["total"]
    archived_only = _everything(client, "individual_appointments", "archived_at:*")
    assert all(a["cancelled_at"] is None and a["deleted_at"] is None for a in archived_only)
    cancelled = _everything(client, "individual_appointments", "cancelled_at:?")
    assert len(cancelled) == counts["cancelled"] > 0
    assert all(a["cancellation_reason"] and a["cancellation_reason_description"] for a in cancelled)


def test_datetime_operators(client, all_patients):
    stamps = sorted(p["updated_at"] for p in all_patients)
    pivot = stamps[len(stamps) // 3]
    for op, keep in (
        (">=", lambda s: s >= pivot),
        (">", lambda s: s > pivot),
        ("<=", lambda s: s <= pivot),
        ("<", lambda s: s < pivot),
    ):
        got = _everything(client, "patients", "archived_at:*", f"updated_at:{op}{pivot}")
        assert sorted(p["id"] for p in got) == sorted(
            p["id"] for p in all_patients if keep(p["updated_at"])
        ), op
    assert client.get("/patients", params={"q[]": f"updated_at:={pivot}"}).status_code == 400
    assert client.get("/patients", params={"q[]": "updated_at:>yesterday"}).status_code == 400


def test_numeric_operators_and_comma_lists(client, all_patients, all_appointments):
    ids = [p["id"] for p in all_patients[:3]]
    got = _everything(client, "patients", "archived_at:*", f"id:={','.join(ids)}")
    assert sorted(p["id"] for p in got) == sorted(ids)
    not_first = _everything(client, "patients", "archived_at:*", f"id:!={ids[0]}")
    assert len(not_first) == len(all_patients) - 1
    patient = all_appointments[0]["patient"]["links"]["self"].rsplit("/", 1)[1]
    mine = _everything(
        client, "individual_appointments", f"patient_id:={patient}", "cancelled_at:*"
    )
    expected = [
        a
        for a in all_appointments
        if a["patient"]["links"]["self"].endswith(f"/{patient}")
        and a["archived_at"] is None
        and a["deleted_at"] is None
    ]
    assert sorted(a["id"] for a in mine) == sorted(a["id"] for a in expected)
    assert client.get("/patients", params={"q[]": "id:=abc"}).status_code == 400


def test_string_boolean_date_and_array_operators(client, all_patients, all_appointments):
    last = all_patients[5]["last_name"]
    exact = _everything(client, "patients", "archived_at:*", f"last_name:={last}")
    assert exact and all(p["last_name"] == last for p in exact)
    part = last[1:4].upper()
    contains = _everything(client, "patients", "archived_at:*", f"last_name:~{part}")
    assert {p["id"] for p in exact} <= {p["id"] for p in contains}
    assert all(part.casefold() in p["last_name"].casefold() for p in contains)
    like = _everything(client, "patients", "archived_at:*", f"last_name:~~{last[:2]}%")
    assert all(p["last_name"].casefold().startswith(last[:2].casefold()) for p in like)
    no_email = _everything(client, "patients", "archived_at:*", "email:!?")
    assert len(no_email) == sum(1 for p in all_patients if p["email"] is None) > 0
    may = _everything(client, "patients", "archived_at:*", "date_of_birth:=****-05-**")
    assert may and all(p["date_of_birth"][5:7] == "05" for p in may)
    dna = _everything(client, "individual_appointments", "did_not_arrive:=true")
    assert dna and all(a["did_not_arrive"] is True for a in dna)
    groups = _everything(client, "group_appointments")
    member = groups[0]["patient_ids"][0]
    with_member = _everything(client, "group_appointments", f"patient_ids:~{member}")
    assert with_member and all(member in g["patient_ids"] for g in with_member)


def test_unknown_fields_and_routes(client):
    assert client.get("/patients", params={"q[]": "notes:~x"}).json() == NOT_SEARCHABLE
    assert client.get("/patients", params={"q[]": "notes:~x"}).status_code == 400
    assert client.get("/services", params={"q[]": "id:=1"}).json() == NOT_SEARCHABLE
    patient = client.get("/patients", params={"per_page": 1}).json()["patients"][0]
    single = client.get(f"/patients/{patient['id']}", params={"q[]": "first_name:=x"})
    assert single.status_code == 400
    assert client.get("/patients/1").status_code == 404
    assert client.get("/no_such_stream").status_code == 404
    assert client.get("/referral_sources/1").status_code == 404


def test_archived_record_get_needs_the_wildcard(client, all_patients):
    archived = next(p for p in all_patients if p["archived_at"])
    assert client.get(f"/patients/{archived['id']}").status_code == 404
    found = client.get(f"/patients/{archived['id']}", params={"q[]": "archived_at:*"})
    assert found.status_code == 200 and found.json()["id"] == archived["id"]


def test_sorting(client, all_patients):
    by_name = _everything(client, "patients", "archived_at:*")
    response = client.get(
        "/patients",
        params=[
            ("sort", "last_name:desc,first_name"),
            ("per_page", "100"),
            ("q[]", "archived_at:*"),
        ],
    )
    names = [(p["last_name"], p["first_name"]) for p in response.json()["patients"]]
    assert names == sorted(names, key=lambda n: (_neg(n[0]), n[1]))
    assert len(by_name) == len(all_patients)
    deprecated = client.get("/patients", params={"sort": "updated_at", "order": "desc"}).json()
    stamps = [p["updated_at"] for p in deprecated["patients"]]
    assert stamps == sorted(stamps, reverse=True)
    assert client.get("/patients", params={"sort": "notes"}).status_code == 400
    assert client.get("/patients", params={"sort": "updated_at:sideways"}).status_code == 400


def _neg(text: str) -> tuple[int, ...]:
    return (*(-ord(c) for c in text), 1)


def test_practitioners_split_active_and_inactive(client, cliniko_sb):
    active = _everything(client, "practitioners")
    inactive = client.get("/practitioners/inactive").json()["practitioners"]
    assert all(p["active"] for p in active) and inactive
    assert not any(p["active"] for p in inactive)
    assert len(active) + len(inactive) == cliniko_sb.counts["practitioners"]["total"]
    assert client.get(inactive[0]["links"]["self"]).status_code == 200


def test_repeating_series_filter_by_repeated_from(client, all_appointments):
    heads = [a for a in all_appointments if a["repeat_rule"]]
    assert heads
    head = heads[0]
    repeats = _everything(
        client,
        "individual_appointments",
        f"repeated_from_id:={head['id']}",
        "archived_at:*",
        "cancelled_at:*",
        "deleted_at:*",
    )
    expected = [
        a["id"]
        for a in all_appointments
        if a.get("repeated_from", {}).get("links", {}).get("self", "").endswith(f"/{head['id']}")
    ]
    assert sorted(r["id"] for r in repeats) == sorted(expected) and expected
