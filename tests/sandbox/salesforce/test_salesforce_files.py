"""ContentVersion (base64 VersionData, FirstPublishLocationId), ContentNote and its link, Note."""

from __future__ import annotations

# ruff: noqa: S608 - SOQL built from ids this test created
import base64
import hashlib

import httpx
from clinic_sandbox.salesforce.testing import RunningSimulator, running_simulator


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def test_file_linked_to_its_contact(sim: RunningSimulator, api: httpx.Client) -> None:
    contact = api.post("/sobjects/Contact", json={"LastName": "Ng"}).json()["id"]
    data = b"%PDF-1.4 consent"
    body = {
        "Title": "Consent",
        "PathOnClient": "consent.PDF",
        "VersionData": _b64(data),
        "FirstPublishLocationId": contact,
        "Cliniko_Id__c": "attachment:1",
    }
    rid = api.post("/sobjects/ContentVersion", json=body).json()["id"]
    version = api.get(f"/sobjects/ContentVersion/{rid}").json()
    assert version["Checksum"] == hashlib.md5(data, usedforsecurity=False).hexdigest()
    assert (version["ContentSize"], version["FileExtension"]) == (len(data), "pdf")
    assert (
        version["VersionData"] == f"/services/data/v62.0/sobjects/ContentVersion/{rid}/VersionData"
    )
    assert api.get(f"/sobjects/ContentVersion/{rid}/VersionData").content == data
    links = sim.records("ContentDocumentLink")
    owner = sim.records("User")[0]["Id"]
    assert [(lk["ContentDocumentId"], lk["LinkedEntityId"], lk["ShareType"]) for lk in links] == [
        (version["ContentDocumentId"], owner, "I"),
        (version["ContentDocumentId"], contact, "V"),
    ]
    assert httpx.get(f"{sim.base_url}/_admin/files/{rid}", timeout=10).content == data


def test_size_limit_and_bad_base64() -> None:
    with running_simulator(max_file_bytes=10) as small, small.client(timeout=10) as api:
        base = {"Title": "T", "PathOnClient": "a.txt"}
        exact = api.post("/sobjects/ContentVersion", json={**base, "VersionData": _b64(b"x" * 10)})
        assert exact.status_code == 201
        over = api.post("/sobjects/ContentVersion", json={**base, "VersionData": _b64(b"x" * 11)})
        assert over.json()[0]["errorCode"] == "STRING_TOO_LONG"
        bad = api.post("/sobjects/ContentVersion", json={**base, "VersionData": "not base64!"})
        assert bad.json()[0]["errorCode"] == "INVALID_TYPE_ON_FIELD_IN_RECORD"
        missing = api.post("/sobjects/ContentVersion", json=base)
        assert missing.json()[0]["fields"] == ["VersionData"]


def test_note_linked_through_a_content_document_link(
    sim: RunningSimulator, api: httpx.Client
) -> None:
    contact = api.post("/sobjects/Contact", json={"LastName": "Ng"}).json()["id"]
    text = "<p>Subjective: better</p>"
    note = api.post(
        "/sobjects/ContentNote", json={"Title": "Visit", "Content": _b64(text.encode())}
    ).json()["id"]
    assert note.startswith("069")
    held = api.get(f"/sobjects/ContentNote/{note}").json()
    assert (held["FileType"], held["TextPreview"]) == ("SNOTE", text)
    assert api.get(f"/sobjects/ContentNote/{note}/Content").text == text
    link = api.post(
        "/sobjects/ContentDocumentLink",
        json={"ContentDocumentId": note, "LinkedEntityId": contact, "ShareType": "V"},
    )
    assert link.status_code == 201
    dangling = api.post(
        "/sobjects/ContentDocumentLink",
        json={"ContentDocumentId": "0695S00000000ZZQAA", "LinkedEntityId": contact},
    )
    assert dangling.json()[0]["errorCode"] == "INVALID_CROSS_REFERENCE_KEY"
    custom = api.post("/sobjects/ContentNote", json={"Title": "x", "Cliniko_Id__c": "n:1"})
    assert custom.json()[0]["errorCode"] == "INVALID_FIELD"  # ContentNote takes no custom fields


def test_classic_note_on_a_contact(api: httpx.Client) -> None:
    contact = api.post("/sobjects/Contact", json={"LastName": "Ng"}).json()["id"]
    rid = api.post("/sobjects/Note", json={"ParentId": contact, "Title": "T", "Body": "b"}).json()[
        "id"
    ]
    assert api.get(f"/sobjects/Note/{rid}").json()["ParentId"] == contact
    assert api.post("/sobjects/Note", json={"Title": "T"}).json()[0]["fields"] == ["ParentId"]


def test_notes_are_found_through_their_links(api: httpx.Client) -> None:
    contact = api.post("/sobjects/Contact", json={"LastName": "Ng"}).json()["id"]
    ids = []
    for title in ("Visit 1", "Visit 2"):
        body = {"Title": title, "Content": _b64(b"text")}
        ids.append(api.post("/sobjects/ContentNote", json=body).json()["id"])
        link = {"ContentDocumentId": ids[-1], "LinkedEntityId": contact}
        assert api.post("/sobjects/ContentDocumentLink", json=link).status_code == 201
    by_parent = (
        f"SELECT ContentDocumentId FROM ContentDocumentLink WHERE LinkedEntityId = '{contact}'"
    )
    documents = [
        r["ContentDocumentId"] for r in api.get("/query", params={"q": by_parent}).json()["records"]
    ]
    assert documents == ids
    in_list = ", ".join(f"'{d[:15]}'" for d in documents)  # 15-character ids match too
    soql = f"SELECT Id FROM ContentNote WHERE Id IN ({in_list}) AND Title = 'Visit 2'"
    assert [r["Id"] for r in api.get("/query", params={"q": soql}).json()["records"]] == [ids[1]]
    by_note = f"SELECT LinkedEntityId FROM ContentDocumentLink WHERE ContentDocumentId = '{ids[0]}'"
    parents = {
        r["LinkedEntityId"][:3] for r in api.get("/query", params={"q": by_note}).json()["records"]
    }
    assert parents == {"005", "003"}  # the owner's link and the contact's
    unfiltered = api.get("/query", params={"q": "SELECT Id FROM ContentDocumentLink"})
    assert unfiltered.json()[0]["errorCode"] == "MALFORMED_QUERY"


def test_notes_and_their_links_through_collections(
    sim: RunningSimulator, api: httpx.Client
) -> None:
    contact = api.post("/sobjects/Contact", json={"LastName": "Ng"}).json()["id"]
    text = "<p>Objective: full range</p>"

    def create(records: list[dict]) -> list[dict]:
        answer = api.post("/composite/sobjects", json={"allOrNone": False, "records": records})
        assert answer.status_code == 200, answer.text
        return answer.json()

    note = {"attributes": {"type": "ContentNote"}}
    made = create(
        [{**note, "Title": "Visit 1", "Content": _b64(text.encode())}, {**note, "Content": "eA=="}]
    )
    assert made[0]["success"] and made[0]["id"].startswith("069")
    assert made[1]["errors"][0]["statusCode"] == "REQUIRED_FIELD_MISSING"  # as a single create
    assert api.get(f"/sobjects/ContentNote/{made[0]['id']}/Content").text == text
    link = {"attributes": {"type": "ContentDocumentLink"}, "LinkedEntityId": contact}
    links = create(
        [
            {**link, "ContentDocumentId": made[0]["id"], "ShareType": "V"},
            {**link, "ContentDocumentId": "0695S00000000ZZQAA"},
        ]
    )
    assert links[0]["success"] and links[0]["id"].startswith("06A")
    assert links[1]["errors"][0]["statusCode"] == "INVALID_CROSS_REFERENCE_KEY"
    soql = "SELECT LinkedEntityId FROM ContentDocumentLink WHERE ContentDocumentId = "
    soql += f"'{made[0]['id']}'"
    held = {r["LinkedEntityId"] for r in api.get("/query", params={"q": soql}).json()["records"]}
    assert contact in held
    custom = api.post(
        "/composite/sobjects",
        json={"records": [{**note, "Title": "x", "Cliniko_Id__c": "n:1"}]},
    )
    assert custom.status_code == 400 and custom.json()[0]["errorCode"] == "INVALID_FIELD"
