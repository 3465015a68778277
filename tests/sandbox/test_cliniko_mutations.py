"""Changing the clinic during a run: the admin route and CLI, and what a delta run then sees."""

from __future__ import annotations

import json
import time
from typing import Any

import httpx
from clinic_sandbox.cli import main


def _since(client: httpx.Client, stream: str, field: str, at: str, *extra: str) -> set[str]:
    params = [("per_page", "100"), ("q[]", f"{field}:>={at}"), *(("q[]", e) for e in extra)]
    body = client.get(f"/{stream}", params=params).json()
    assert "next" not in body["links"]
    return {r["id"] for r in body[stream]}


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() - 1))


def test_edit_bumps_updated_at_for_delta_pickup(cliniko_private_sb):
    sb = cliniko_private_sb
    start = _now()
    ids = sb.mutate("patients", "edit", count=4)
    assert len(set(ids)) == 4
    with sb.client() as client:
        assert _since(client, "patients", "updated_at", start, "archived_at:*") == set(ids)
        record = client.get(f"/patients/{ids[0]}").json()
    assert record["updated_at"] >= start
    assert "(edited" in (record["notes"] or "")


def test_archive_bumps_updated_at_by_default(cliniko_private_sb):
    sb = cliniko_private_sb
    start = _now()
    before = sb.live_counts()["patients"]
    ids = sb.mutate("patients", "archive", count=2)
    after = sb.live_counts()["patients"]
    assert after["visible"] == before["visible"] - 2
    assert after["archived"] == before["archived"] + 2
    with sb.client() as client:
        assert _since(client, "patients", "updated_at", start) == set()
        assert _since(client, "patients", "updated_at", start, "archived_at:*") == set(ids)
        assert client.get(f"/patients/{ids[0]}").status_code == 404


def test_archive_without_touching_updated_at_needs_an_archived_at_pass(cliniko_private_sb):
    sb = cliniko_private_sb
    sb.configure(archive_touches_updated_at=False)
    start = _now()
    ids = sb.mutate("medical_alerts", "archive", count=2)
    with sb.client() as client:
        assert _since(client, "medical_alerts", "updated_at", start, "archived_at:*") == set()
        assert _since(client, "medical_alerts", "archived_at", start) == set(ids)
    # A per-request override wins over the setting.
    touched = sb.mutate("medical_alerts", "archive", count=1, touch_updated_at=True)
    with sb.client() as client:
        assert _since(client, "medical_alerts", "updated_at", start, "archived_at:*") == set(
            touched
        )


def test_cancel_hides_an_appointment_until_asked_for(cliniko_private_sb):
    sb = cliniko_private_sb
    start = _now()
    ids = sb.mutate("individual_appointments", "cancel", count=3)
    with sb.client() as client:
        cancelled = _since(client, "individual_appointments", "cancelled_at", start)
        record = client.get(
            f"/individual_appointments/{ids[0]}", params={"q[]": "cancelled_at:*"}
        ).json()
    assert cancelled == set(ids)
    assert record["cancellation_reason"] == 50


def test_delete_is_soft_or_hard_as_in_cliniko(cliniko_private_sb):
    sb = cliniko_private_sb
    soft = sb.mutate("invoices", "delete", count=1)[0]
    hard = sb.mutate("taxes", "delete", count=1)[0]
    with sb.client() as client:
        assert client.get(f"/invoices/{soft}").status_code == 404
        kept = client.get(f"/invoices/{soft}", params={"q[]": "deleted_at:*"})
        assert kept.status_code == 200 and kept.json()["deleted_at"]
        assert client.get(f"/taxes/{hard}").status_code == 404


def test_create_and_unarchive(cliniko_private_sb):
    sb = cliniko_private_sb
    before = sb.live_counts()["patients"]["total"]
    new = sb.mutate("patients", "create", count=2)
    assert sb.live_counts()["patients"]["total"] == before + 2
    with sb.client() as client:
        record = client.get(f"/patients/{new[0]}").json()
        assert record["id"] == new[0] and record["links"]["self"].endswith(f"/patients/{new[0]}")
        assert record["first_name"] == "Sandbox"
        archived = sb.mutate("patients", "archive", ids=[new[1]])
        assert client.get(f"/patients/{archived[0]}").status_code == 404
        sb.mutate("patients", "unarchive", ids=archived)
        assert client.get(f"/patients/{archived[0]}").status_code == 200


def test_bad_mutations_are_rejected(cliniko_private_sb):
    url = f"{cliniko_private_sb.admin_url}/mutate"
    for body in (
        {"stream": "nope", "action": "edit"},
        {"stream": "patients", "action": "explode"},
        {"stream": "taxes", "action": "archive"},
        {"stream": "patients", "action": "cancel"},
        {"stream": "services", "action": "edit"},
    ):
        response = httpx.post(url, json=body)
        assert response.status_code == 400, body
        assert response.json()["message"]


def test_page_numbers_skip_rows_that_change_mid_run(cliniko_private_sb):
    """Why a tap should not trust page numbers: edited rows move, later pages shift."""
    sb = cliniko_private_sb
    params: list[tuple[str, Any]] = [("per_page", "10"), ("sort", "updated_at:asc")]
    with sb.client() as client:
        first = client.get("/patients", params=params).json()
        sb.mutate("patients", "edit", ids=[p["id"] for p in first["patients"][:3]])
        seen = [p["id"] for p in first["patients"]]
        body = first
        while "next" in body["links"]:
            body = client.get(body["links"]["next"]).json()
            seen += [p["id"] for p in body["patients"]]
    assert len(seen) == first["total_entries"]
    assert len(set(seen)) == first["total_entries"] - 3, "3 rows seen twice, 3 never seen"


def test_mutate_cli(cliniko_private_sb, capsys):
    root = cliniko_private_sb.admin_url.removesuffix("/_admin")
    code = main(["mutate", "--url", root, "--stream", "contacts", "--action", "edit"])
    assert code == 0
    result = json.loads(capsys.readouterr().out)
    assert result["stream"] == "contacts" and len(result["ids"]) == 1


def test_crm_user_emails_cover_most_practitioners(cliniko_sb):
    emails = set(cliniko_sb.crm_user_emails())
    with cliniko_sb.client() as client:
        practitioners = client.get("/practitioners").json()["practitioners"]
        practitioners += client.get("/practitioners/inactive").json()["practitioners"]
        users = {
            p["id"]: client.get(p["user"]["links"]["self"]).json()["email"] for p in practitioners
        }
    matched = [p for p in users.values() if p in emails]
    assert 0 < len(matched) < len(users)
    assert len(matched) >= len(users) / 2
