"""The synthetic clinic: deterministic, realistic ratios, the stated mess, exact counts."""

from __future__ import annotations

import hashlib
import json
import re
import stat
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from clinic_sandbox.catalog import ALL_STREAMS, STREAMS
from clinic_sandbox.clinic import GenerateOptions, crm_user_emails, generate_clinic
from clinic_sandbox.clinic.content import LONG_NOTE_MIN_CHARS
from clinic_sandbox.store import DB_NAME, ClinicStore
from conftest import AS_OF, SMALL

MEDIUM = GenerateOptions(patients=1000, seed=3, as_of=AS_OF)
RTL = re.compile(r"[\u0590-\u06ff]")


def _fingerprint(folder: Path) -> dict[str, str]:
    store = ClinicStore(folder / DB_NAME)
    try:
        return {
            name: hashlib.sha256(
                "\n".join(json.dumps(r, sort_keys=True) for r in store.records(name)).encode()
            ).hexdigest()
            for name in STREAMS
        }
    finally:
        store.close()


@pytest.fixture(scope="module")
def medium(tmp_path_factory: pytest.TempPathFactory) -> tuple[ClinicStore, dict[str, Any]]:
    folder = tmp_path_factory.mktemp("clinic-medium")
    counts = generate_clinic(folder, MEDIUM)
    store = ClinicStore(folder / DB_NAME)
    yield store, counts
    store.close()


def _rows(store: ClinicStore, stream: str) -> list[dict[str, Any]]:
    return list(store.records(stream))


def test_same_seed_same_clinic_other_seed_other_clinic(tmp_path, cliniko_clinic_dir):
    generate_clinic(tmp_path / "again", SMALL)
    assert _fingerprint(tmp_path / "again") == _fingerprint(cliniko_clinic_dir)
    other = GenerateOptions(patients=SMALL.patients, seed=SMALL.seed + 1, as_of=AS_OF)
    generate_clinic(tmp_path / "other", other)
    assert (
        _fingerprint(tmp_path / "other")["patients"] != _fingerprint(cliniko_clinic_dir)["patients"]
    )


def test_reuses_a_clinic_made_with_the_same_options(cliniko_clinic_dir):
    before = (cliniko_clinic_dir / DB_NAME).stat().st_mtime_ns
    generate_clinic(cliniko_clinic_dir, SMALL)
    assert (cliniko_clinic_dir / DB_NAME).stat().st_mtime_ns == before


def test_files_are_private(cliniko_clinic_dir):
    for name in (DB_NAME, "counts.json"):
        assert stat.S_IMODE((cliniko_clinic_dir / name).stat().st_mode) == 0o600


def test_generated_folder_is_owner_only(tmp_path):
    folder = tmp_path / "fresh"
    generate_clinic(folder, GenerateOptions(patients=3, seed=1, as_of=AS_OF))
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700


def test_counts_are_exact_and_every_stream_has_rows(medium):
    store, counts = medium
    assert set(counts) == set(ALL_STREAMS) and len(ALL_STREAMS) == 38
    for name in STREAMS:
        rows = _rows(store, name)
        assert counts[name]["total"] == len(rows) >= 2, name
        hidden = [r for r in rows if any(r.get(f) for f in STREAMS[name].hidden)]
        if name == "practitioners":
            hidden = [r for r in rows if not r["active"]]
        assert counts[name]["hidden"] == len(hidden), name
        assert counts[name]["visible"] == len(rows) - len(hidden), name


def test_ratios_per_patient(medium):
    _, counts = medium
    patients = counts["patients"]["total"]
    group_attendees = counts["attendees"]["total"] - counts["individual_appointments"]["total"]
    appointments = counts["individual_appointments"]["total"] + group_attendees
    assert 8 <= appointments / patients <= 12
    assert 4 <= counts["treatment_notes"]["total"] / patients <= 6
    assert 5 <= counts["invoices"]["total"] / patients <= 7
    assert counts["businesses"]["visible"] >= 3


def _share(items: list[Any], test: Any) -> float:
    return sum(1 for i in items if test(i)) / len(items)


def test_mess_in_patients_at_the_stated_rates(medium):
    store, _ = medium
    patients = _rows(store, "patients")
    assert 0.08 <= _share(patients, lambda p: not p["email"]) <= 0.18
    assert 0.05 <= _share(patients, lambda p: not p["first_name"].isascii()) <= 0.16
    assert 0.015 <= _share(patients, lambda p: RTL.search(p["first_name"] + p["last_name"])) <= 0.05
    assert _share(patients, lambda p: "<" in (p.get("notes") or "")) >= 0.02
    assert (
        _share(patients, lambda p: not p["patient_phone_numbers"][0]["normalized_number"]) >= 0.02
    )
    assert any(not (p.get("preferred_first_name") or "a").isascii() for p in patients)
    twins = Counter(
        (p["first_name"], p["last_name"], p["date_of_birth"])
        for p in patients
        if p["date_of_birth"]
    )
    assert sum(n - 1 for n in twins.values() if n > 1) >= 0.01 * len(patients)
    merged = [p for p in patients if p.get("merged_at")]
    assert merged and all(p["archived_at"] and p.get("merged_with_patient") for p in merged)
    custom = [p for p in patients if p["custom_fields"]]
    names = {f["name"] for p in custom for s in p["custom_fields"]["sections"] for f in s["fields"]}
    assert {"Insurance carrier", "Policy number", "Health fund", "Medicare number"} <= names


def test_patients_without_appointments(medium):
    store, _ = medium
    booked = {
        a["patient"]["links"]["self"].rsplit("/", 1)[1]
        for a in _rows(store, "individual_appointments")
    }
    patients = _rows(store, "patients")
    assert 0.10 <= _share(patients, lambda p: p["id"] not in booked) <= 0.22


def test_appointment_outcomes(medium):
    store, _ = medium
    appointments = _rows(store, "individual_appointments")
    assert 0.07 <= _share(appointments, lambda a: a["cancelled_at"]) <= 0.13
    assert 0.02 <= _share(appointments, lambda a: a["did_not_arrive"]) <= 0.06
    assert _share(appointments, lambda a: a["starts_at"] > "2026-01-01") >= 0.08
    assert all(a["cancellation_reason_description"] for a in appointments if a["cancelled_at"])
    groups = _rows(store, "group_appointments")
    assert groups and all(len(g["patient_ids"]) >= 2 for g in groups)


def test_long_notes_invoices_and_files(medium):
    store, _ = medium
    notes = _rows(store, "treatment_notes")
    longest = max(len(json.dumps(n["content"])) for n in notes)
    assert longest > LONG_NOTE_MIN_CHARS
    assert all(len(n["content"]["sections"]) == 4 for n in notes)
    statuses = Counter(i["status"] for i in _rows(store, "invoices"))
    assert {10, 20, 30, 40} <= set(statuses)
    credits = [i for i in _rows(store, "invoices") if i["status"] == 40]
    assert all(i.get("original_invoice") for i in credits)
    files = _rows(store, "patient_attachments")
    assert any(f["size"] > 25 * 1024 * 1024 for f in files)
    small = [f for f in files if f["size"] <= 25 * 1024 * 1024]
    assert all(len(store.blob(int(f["id"])) or b"") == f["size"] for f in small)


def test_crm_user_emails_leave_some_practitioners_unmatched(medium):
    store, _ = medium
    emails = crm_user_emails(store.path.parent)
    practitioner_users = {
        store.get("users", int(p["user"]["links"]["self"].rsplit("/", 1)[1]))["email"]
        for p in store.records("practitioners")
    }
    matched = practitioner_users & set(emails)
    assert len(practitioner_users) * 0.6 <= len(matched) < len(practitioner_users)
    assert emails[0] == "admin@northside-physio.example"
