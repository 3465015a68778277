"""Attachment downloads: private files named by id, skipped when complete, no key off-host."""

from __future__ import annotations

import hashlib
import stat

import requests
from tap_fake_api import BASE_URL, FakeCliniko, Fault
from tap_helpers import link, make_config, minute, row, run_tap

CONTENT = b"%PDF-1.4 pretend referral letter\n" * 100
STORAGE = "https://files.storage.example/attachments/1?signature=abc"


def attachment(ident: int, size: int | None = len(CONTENT), **fields) -> dict:
    return row(
        ident,
        minute(ident),
        filename="Referral letter.PDF",
        content_type="application/pdf",
        size=size,
        processing_completed=size is not None,
        content={"links": {"self": f"{BASE_URL}/patient_attachments/{ident}/content"}},
        patient=link("patients", 9),
        **fields,
    )


def serve(fake: FakeCliniko, *rows: dict) -> None:
    fake.add("/patient_attachments", list(rows), hidden=("archived_at",))
    for item in rows:
        fake.files[f"/patient_attachments/{item['id']}/content"] = CONTENT


def test_contents_are_downloaded_privately_and_described(fake: FakeCliniko, tmp_path) -> None:
    serve(fake, attachment(1), attachment(2, size=None))
    target = tmp_path / "attachments"
    config = make_config(download_attachments=True, attachments_dir=str(target))
    records = run_tap(config, {"patient_attachments"}).records("patient_attachments")

    saved = target / "1.pdf"
    assert stat.S_IMODE(target.stat().st_mode) == 0o700
    assert stat.S_IMODE(saved.stat().st_mode) == 0o600
    assert saved.read_bytes() == CONTENT
    first, unprocessed = records
    assert first["content_path"] == str(saved.resolve())
    assert first["content_size"] == len(CONTENT)
    assert first["content_sha256"] == hashlib.sha256(CONTENT).hexdigest()
    assert "content" not in first and first["patient_id"] == "9"
    assert unprocessed["content_path"] is None  # not processed yet: nothing to fetch
    assert len(fake.calls_to("/patient_attachments/2/content")) == 0


def test_complete_files_are_not_downloaded_again(fake: FakeCliniko, tmp_path) -> None:
    serve(fake, attachment(1), attachment(2))
    config = make_config(download_attachments=True, attachments_dir=str(tmp_path))
    run_tap(config, {"patient_attachments"})
    (tmp_path / "2.pdf").write_bytes(b"truncated")  # an interrupted download
    fake.calls.clear()
    records = run_tap(config, {"patient_attachments"}).records("patient_attachments")
    assert fake.calls_to("/patient_attachments/1/content") == []
    assert len(fake.calls_to("/patient_attachments/2/content")) == 1
    assert [r["content_size"] for r in records] == [len(CONTENT), len(CONTENT)]


def test_without_the_setting_nothing_is_downloaded(fake: FakeCliniko, tmp_path) -> None:
    serve(fake, attachment(1))
    records = run_tap(make_config(), {"patient_attachments"}).records("patient_attachments")
    assert fake.calls_to("/patient_attachments/1/content") == []
    assert "content_path" not in records[0]


def test_redirect_to_storage_goes_without_the_key(fake: FakeCliniko, tmp_path) -> None:
    serve(fake, attachment(1))
    fake.fail("/patient_attachments/1/content", Fault(302, {"Location": STORAGE}))
    fake.mocker.register_uri("GET", STORAGE, content=CONTENT)
    config = make_config(download_attachments=True, attachments_dir=str(tmp_path))
    records = run_tap(config, {"patient_attachments"}).records("patient_attachments")

    api_call = fake.calls_to("/patient_attachments/1/content")[0]
    assert api_call.headers["Authorization"].startswith("Basic ")
    storage_calls = [r for r in fake.mocker.request_history if "storage.example" in r.url]
    assert len(storage_calls) == 1
    assert "Authorization" not in storage_calls[0].headers
    assert records[0]["content_size"] == len(CONTENT)


def test_a_forbidden_file_leaves_the_record_without_content(fake: FakeCliniko, tmp_path) -> None:
    serve(fake, attachment(1))
    fake.files.pop("/patient_attachments/1/content")
    config = make_config(download_attachments=True, attachments_dir=str(tmp_path))
    records = run_tap(config, {"patient_attachments"}).records("patient_attachments")
    assert records[0]["id"] == "1"
    assert records[0]["content_path"] is None


def test_a_connection_dropped_part_way_through_a_file_is_retried(
    fake: FakeCliniko, tmp_path, monkeypatch
) -> None:
    serve(fake, attachment(1))
    original = requests.Response.iter_content
    broken = []

    def drop_once(self, chunk_size=1, decode_unicode=False):
        if self.url.endswith("/content") and not broken:
            broken.append(self.url)
            yield next(original(self, 16))  # part of the file, then the connection goes
            raise requests.exceptions.ChunkedEncodingError("Connection broken: IncompleteRead")
        yield from original(self, chunk_size, decode_unicode)

    monkeypatch.setattr(requests.Response, "iter_content", drop_once)
    target = tmp_path / "attachments"
    config = make_config(download_attachments=True, attachments_dir=str(target))
    (record,) = run_tap(config, {"patient_attachments"}).records("patient_attachments")

    assert broken  # the drop happened, and the file was fetched again whole
    assert len(fake.calls_to("/patient_attachments/1/content")) == 2
    assert (target / "1.pdf").read_bytes() == CONTENT
    assert record["content_sha256"] == hashlib.sha256(CONTENT).hexdigest()
    assert not list(target.glob("*.part"))
