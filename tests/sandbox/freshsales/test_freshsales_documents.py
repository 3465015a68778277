"""Document uploads: multipart parts, the bytes kept intact, and the 25 MB per-file limit."""

from __future__ import annotations

import hashlib
import random

import httpx

from .freshsales_helpers import contact, messages

LIMIT = 25 * 1024 * 1024


def upload(api, data, target_id, name="consent.pdf", **extra):
    form = {"targetable_id": str(target_id), "targetable_type": "Contact", **extra}
    return api.post("/documents", files={"file": (name, data, "application/pdf")}, data=form)


def test_an_upload_keeps_the_bytes_and_links_the_record(sim, api):
    person = contact(api)
    # Bytes that look like multipart syntax must survive the parser unchanged.
    data = random.Random(7).randbytes(200_000) + b"\r\n--boundary\r\n\r\n\r\n"
    response = upload(api, data, person["id"], file_name="Consent form.pdf", is_shared="true")
    assert response.status_code == 201
    document = response.json()["document"]
    assert document["name"] == "Consent form.pdf"
    assert document["content_file_name"] == "consent.pdf"
    assert document["content_content_type"] == "application/pdf"
    assert document["content_file_size"] == len(data)
    assert document["sha256"] == hashlib.sha256(data).hexdigest()
    assert (document["targetable_type"], document["targetable_id"]) == ("Contact", person["id"])
    assert document["is_shared"] is True
    stored = httpx.get(f"{sim.root_url}/_admin/documents/{document['id']}/content")
    assert stored.content == data
    assert api.get(f"/documents/{document['id']}").json()["document"] == document


def test_a_file_over_25_mb_is_a_413_and_nothing_is_stored(sim, api):
    person = contact(api)
    response = upload(api, b"\0" * (LIMIT + 1), person["id"])
    assert response.status_code == 413
    assert messages(response) == ["File size exceeds the limit of 25 MB"]
    assert sim.records("documents") == []


def test_a_file_of_exactly_25_mb_is_accepted(api):
    person = contact(api)
    response = upload(api, b"\0" * LIMIT, person["id"])
    assert response.status_code == 201
    assert response.json()["document"]["content_file_size"] == LIMIT


def test_an_upload_needs_a_file_and_an_existing_target(api):
    person = contact(api)
    no_file = api.post(
        "/documents",
        data={"targetable_id": str(person["id"]), "targetable_type": "Contact"},
        files={"other": ("x.txt", b"x")},
    )
    assert no_file.status_code == 400
    assert messages(no_file) == ["File can't be blank"]
    missing = upload(api, b"x", 16_000_000_099)
    assert messages(missing) == ["Targetable does not exist (Contact 16000000099)"]
    assert api.post("/documents", json={"document": {}}).status_code == 400


def test_a_document_can_be_renamed_and_deleted(sim, api):
    person = contact(api)
    document = upload(api, b"%PDF", person["id"]).json()["document"]
    renamed = api.put(f"/documents/{document['id']}", json={"document": {"name": "Signed.pdf"}})
    assert renamed.json()["document"]["name"] == "Signed.pdf"
    assert api.delete(f"/documents/{document['id']}").json() is True
    gone = httpx.get(f"{sim.root_url}/_admin/documents/{document['id']}/content")
    assert gone.status_code == 404
