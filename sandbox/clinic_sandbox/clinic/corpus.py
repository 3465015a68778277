"""The bad-data corpus: named classes of awkward Cliniko records added to a generated clinic.

Each class is a handful of records whose ids come from a fixed range, so a test finds a class's
records by id (`corpus_ids`) and nothing ever needs to print or log a value to say which record
is which. The records copy a generated patient, booking, invoice, note or file and change only
what makes them awkward, so everything else about them is ordinary clinic data.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from clinic_sandbox.catalog import make_id
from clinic_sandbox.clinic.context import DAY, date, ts
from clinic_sandbox.clinic.files import LARGE_FILE_MIN
from clinic_sandbox.store import ClinicStore, link

# Corpus ids sit far above any generated record's counter.
_FIRST_N = 900_000
# A patient id nobody ever has: the orphan booking points at it.
GONE_PATIENT_ID = make_id("patients", _FIRST_N - 1)
LONG_TEXT = 40_000  # over every destination's longest text field (Freshsales text areas: 32,768)
LONG_NAME = 300  # over every destination's name fields (255 at most; Salesforce FirstName 40)

Record = dict[str, Any]


@dataclass(frozen=True)
class CorpusClass:
    """One named class: the stream its records belong to and how each record differs."""

    name: str
    stream: str
    changes: tuple[Callable[[Record, int], None], ...]


def _patient(**fields: Any) -> Callable[[Record, int], None]:
    def change(record: Record, as_of: int) -> None:
        record.update(fields)
        record["label"] = f"{record.get('first_name') or ''} {record.get('last_name') or ''}"

    return change


def _born_next_year(record: Record, as_of: int) -> None:
    _patient(first_name="Futura", last_name="Unborn")(record, as_of)
    record["date_of_birth"] = date(as_of + 365 * DAY)


def _long_text(record: Record, as_of: int) -> None:
    record.update(
        first_name="Maximilian" * (LONG_NAME // 10),
        last_name="Longfellow" * (LONG_NAME // 10),
        address_1="Long Street " * (LONG_NAME // 12 + 1),
        occupation="Occupational therapist " * 15,
        notes="Long history of lower back pain. " * (LONG_TEXT // 33 + 1),
    )
    record["label"] = f"{record['first_name']} {record['last_name']}"


def _amount(total: str) -> Callable[[Record, int], None]:
    def change(record: Record, as_of: int) -> None:
        record.update(total_amount=total, net_amount=total, tax_amount="0.00")

    return change


def _orphan(record: Record, as_of: int) -> None:
    record["patient"] = link("patients", GONE_PATIENT_ID)
    record.pop("patient_case", None)


def _oversized(record: Record, as_of: int) -> None:
    record.update(filename="scan-over-limit.dcm", content_type="application/dicom")
    record["size"] = LARGE_FILE_MIN + 1024


def _script_in_note(record: Record, as_of: int) -> None:
    record["content"] = {
        "sections": [
            {
                "name": "Subjective",
                "questions": [
                    {
                        "name": "Presenting complaint",
                        "type": "paragraph",
                        "answer": "<p>Knee pain <script>alert('corpus-note')</script>"
                        '<img src=x onerror="alert(1)"> after running</p>',
                    }
                ],
            }
        ]
    }


CLASSES: tuple[CorpusClass, ...] = (
    CorpusClass(
        "invalid_email",
        "patients",
        (
            _patient(first_name="Ivy", last_name="Noemail", email="ivy.noemail-at-example.com"),
            _patient(first_name="Ian", last_name="Doubleat", email="ian@@example..com"),
        ),
    ),
    CorpusClass(
        "duplicate_email",
        "patients",
        (
            _patient(first_name="Dana", last_name="Twin", email="shared.inbox@example.net"),
            _patient(first_name="Dylan", last_name="Twin", email="Shared.Inbox@example.net "),
        ),
    ),
    CorpusClass(
        "malformed_phone",
        "patients",
        (
            _patient(first_name="Phil", last_name="Nophone"),
            _patient(first_name="Pam", last_name="Letters"),
        ),
    ),
    CorpusClass(
        "missing_name",
        "patients",
        (
            _patient(first_name="Nolast", last_name=""),
            _patient(first_name=None, last_name=None, email="nameless.patient@example.org"),
        ),
    ),
    CorpusClass(
        "impossible_date", "patients", (_patient(first_name="Febe", last_name="Thirtieth"),)
    ),
    CorpusClass("future_birth_date", "patients", (_born_next_year,)),
    CorpusClass(
        "unicode_text",
        "patients",
        (
            _patient(first_name="Zoë", last_name="Ñúñez-Łukasz"),
            _patient(first_name="Sunny", last_name="Ray", preferred_first_name="Sunny 🌞🏃‍♀️"),
            _patient(first_name="مريم", last_name="العلي", notes="ملاحظة: ألم في الركبة"),
        ),
    ),
    CorpusClass(
        "html_in_notes",
        "patients",
        (
            _patient(
                first_name="Hattie",
                last_name="Markup",
                notes="<script>alert('corpus')</script><b>Allergic</b> to <i>latex</i>",
            ),
        ),
    ),
    CorpusClass("html_in_treatment_notes", "treatment_notes", (_script_in_note,)),
    CorpusClass("text_over_limits", "patients", (_long_text,)),
    CorpusClass(
        "empty_date",
        "patients",
        (_patient(first_name="Emmy", last_name="Blankdate", date_of_birth="", archived_at=""),),
    ),
    CorpusClass("zero_and_negative_amounts", "invoices", (_amount("0.00"), _amount("-50.00"))),
    CorpusClass("orphan_reference", "individual_appointments", (_orphan,)),
    CorpusClass("oversized_attachment", "patient_attachments", (_oversized,)),
    CorpusClass(
        "merged_patient",
        "patients",
        (
            _patient(first_name="Morgan", last_name="Survivor"),
            _patient(first_name="Morgan", last_name="Mergedaway"),
        ),
    ),
)

# Values a change cannot express in _patient(): set after the copy (see _fix_ups).
_PHONES = {("malformed_phone", 0): "call mum", ("malformed_phone", 1): "0400 ABC DEF"}
_BIRTH_DATES = {"impossible_date": "1985-02-30"}


def corpus_ids() -> dict[str, dict[str, list[str]]]:
    """Class name → stream → the ids of its records (the same for every clinic)."""
    found: dict[str, dict[str, list[str]]] = {}
    n = _FIRST_N
    for corpus_class in CLASSES:
        ids = found.setdefault(corpus_class.name, {}).setdefault(corpus_class.stream, [])
        for _ in corpus_class.changes:
            n += 1
            ids.append(str(make_id(corpus_class.stream, n)))
    return found


def add_corpus(store: ClinicStore, as_of: int) -> dict[str, dict[str, list[str]]]:
    """Append every class's records to a clinic being generated; returns `corpus_ids()`."""
    ids = corpus_ids()
    templates = {stream: _template(store, stream) for stream in _streams()}
    for corpus_class in CLASSES:
        stream = corpus_class.stream
        for index, (record_id, change) in enumerate(
            zip(ids[corpus_class.name][stream], corpus_class.changes, strict=True)
        ):
            record = _copy_as(templates[stream], stream, record_id, as_of)
            change(record, as_of)
            _fix_ups(corpus_class.name, index, record, ids, as_of)
            store.insert_many(stream, [record])
    store.set_meta("corpus", ids)
    return ids


def _streams() -> list[str]:
    return sorted({c.stream for c in CLASSES})


def _template(store: ClinicStore, stream: str) -> Record:
    """The first ordinary record of a stream (not archived, merged or deleted)."""
    for record in store.records(stream):
        if not any(record.get(k) for k in ("archived_at", "merged_at", "deleted_at")):
            return record
    raise ValueError(f"the clinic has no {stream} record to copy for the corpus")


def _copy_as(template: Record, stream: str, record_id: str, as_of: int) -> Record:
    """A copy of the template under a new id, its links and collections following the id."""
    text = json.dumps(template).replace(template["id"], record_id)
    record = copy.deepcopy(json.loads(text))
    stamp = ts(as_of - DAY)
    record["created_at"] = record["updated_at"] = stamp
    serial = int(record_id) % 1_000_000
    if stream == "patients":
        # Contact details of its own, so only the classes that share one share it.
        record["email"] = f"corpus.{serial}@example.com"
        record["patient_phone_numbers"] = [
            {"phone_type": "Mobile", "number": f"0499{serial:06d}", "normalized_number": ""}
        ]
        record["notes"] = None
    if stream == "invoices":
        record["number"] = serial
    return record


def _fix_ups(name: str, index: int, record: Record, ids: dict[str, Any], as_of: int) -> None:
    if (name, index) in _PHONES:
        record["patient_phone_numbers"] = [
            {"phone_type": "Mobile", "number": _PHONES[name, index], "normalized_number": ""}
        ]
    if name in _BIRTH_DATES:
        record["date_of_birth"] = _BIRTH_DATES[name]
    if name == "merged_patient" and index == 1:
        survivor = ids["merged_patient"]["patients"][0]
        merged_at = ts(as_of - 2 * DAY)
        record.update(merged_at=merged_at, archived_at=merged_at)
        record["merged_with_patient"] = link("patients", survivor)
        record["created_at"] = ts(as_of - 3 * DAY)
