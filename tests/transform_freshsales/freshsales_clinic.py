"""Records added to the transform tests' clinic for the Freshsales rules (long text, referrers).

Ids start with 92 so they collide neither with tests/transform's clinic (9xx, 9xxx) nor with the
official examples.
"""

from __future__ import annotations

from typing import Any

MEDICAL_HISTORY = "History line. " * 3000  # 42,000 characters: 32,768 in the field, the rest a note
FIRST_LONG_NOTE = "a" * 20_000  # fills cf_treatment_notes
SECOND_LONG_NOTE = "b" * 13_000  # does not fit after the first: a note
HUGE_NOTE = "c" * 70_000  # longer than a note holds: two parts
SHORT_NOTE = "fine"
QUESTION = {"name": "Q", "type": "text"}


def _note(id_: str, created_at: str, answer: str) -> dict[str, Any]:
    return {
        "id": id_,
        "patient_id": "9201",
        "practitioner_id": "931",
        "title": "Review",
        "created_at": created_at,
        "content": {"sections": [{"name": "S", "questions": [QUESTION | {"answer": answer}]}]},
    }


EXTRA_RECORDS: dict[str, list[dict[str, Any]]] = {
    "patients": [
        {
            "id": "9201",
            "first_name": "Lena",
            "last_name": "Long",
            "custom_fields": {
                "sections": [
                    {
                        "name": "Medical",
                        "fields": [
                            {"name": "Medical history", "type": "text", "value": MEDICAL_HISTORY},
                            {"name": "Insurance status", "type": "text", "value": " Lapsed "},
                        ],
                    }
                ]
            },
        },
        {"id": "9202", "first_name": "Paul", "last_name": "Prospect", "email": "paul@example.com"},
    ],
    "individual_appointments": [
        {
            "id": "9281",
            "patient_id": "9201",
            "business_id": "911",
            "practitioner_id": "931",
            "appointment_type_id": "9401",
            "starts_at": "2024-04-01T09:00:00Z",
            "ends_at": "2024-04-01T09:30:00Z",
        }
    ],
    "treatment_notes": [
        _note("9261", "2024-01-01T09:00:00Z", FIRST_LONG_NOTE),
        _note("9262", "2024-02-01T09:00:00Z", SECOND_LONG_NOTE),
        _note("9263", "2024-03-01T09:00:00Z", HUGE_NOTE),
        _note("9264", "2024-04-01T09:00:00Z", SHORT_NOTE),
    ],
    "contacts": [
        {
            "id": "9291",
            "first_name": "Ward",
            "last_name": "Nurse",
            "company_name": "St Mary Hospital",
        }
    ],
    "referral_source_types": [{"id": "9292", "name": "Hospital", "referrer_type": "Contact"}],
    "referral_sources": [
        {
            "id": "9293",
            "patient_id": "9202",
            "referral_source_type_id": "9292",
            "referrer_type": "Contact",
            "referrer_id": "9291",
        }
    ],
}
