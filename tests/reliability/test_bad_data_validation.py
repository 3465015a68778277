"""crmsync's last check before an API call: a record the SQL did not shape is rejected by name.

The publish models cut text to each CRM field's limit, so the corpus run never needs this; the
target still validates every record against its stream's schema, and the reason it writes to
the audit log names the field and the rule, never the value (docs/bad-data.md).
"""

from __future__ import annotations

from crmsync.validation import RecordValidator

CLINIC_TEXT = "Ñúñez <script>alert('x')</script> 0400 ABC DEF"
SCHEMA = {
    "type": "object",
    "properties": {
        "last_name": {"type": "string", "maxLength": 80},
        "email": {"type": ["string", "null"], "format": "email"},
        "amount": {"type": "number", "minimum": 0},
        "status": {"enum": ["active", "archived"]},
    },
    "required": ["last_name"],
}


def test_too_long_text_is_rejected_with_the_field_and_limit() -> None:
    reason = RecordValidator(SCHEMA).first_error({"last_name": CLINIC_TEXT * 5})
    assert reason == "invalid: last_name is longer than 80 characters"


def test_missing_required_name_is_rejected_by_name() -> None:
    reason = RecordValidator(SCHEMA).first_error({"email": None})
    assert reason == "invalid: required field last_name is missing"


def test_reasons_never_quote_the_value() -> None:
    validator = RecordValidator(SCHEMA)
    for record in (
        {"last_name": CLINIC_TEXT, "status": CLINIC_TEXT},
        {"last_name": CLINIC_TEXT, "amount": -5},
        {"last_name": 12345},
    ):
        reason = validator.first_error(record)
        assert reason is not None and reason.startswith("invalid: ")
        assert CLINIC_TEXT not in reason and "12345" not in reason and "-5" not in reason


def test_a_shaped_record_passes() -> None:
    record = {"last_name": "Ñúñez-Łukasz", "email": None, "amount": 0, "status": "active"}
    assert RecordValidator(SCHEMA).first_error(record) is None
