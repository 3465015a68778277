"""Check a record against its stream's JSON schema before an API call is spent on it."""

from __future__ import annotations

from typing import Any

from jsonschema import Draft7Validator
from jsonschema.exceptions import ValidationError

# Reasons name the field and the rule, never the value: values are clinic data.
_RULES = {
    "maxLength": "is longer than {} characters",
    "minLength": "is shorter than {} characters",
    "enum": "is not one of the allowed values",
    "type": "is not of type {}",
    "maximum": "is above {}",
    "minimum": "is below {}",
    "pattern": "does not match the pattern",
    "format": "is not a valid {}",
}


class RecordValidator:
    """Validates records against one stream schema; reasons never quote record values."""

    def __init__(self, schema: dict[str, Any]) -> None:
        """Compile the stream's schema (formats are not checked, as in singer-sdk)."""
        Draft7Validator.check_schema(schema)
        self._validator = Draft7Validator(schema)

    def first_error(self, record: dict[str, Any]) -> str | None:
        """A reason the record is invalid, or None when it is valid."""
        errors = sorted(self._validator.iter_errors(record), key=lambda e: list(e.path))
        return _describe(errors[0]) if errors else None


def _describe(error: ValidationError) -> str:
    if error.validator == "required":
        missing = [name for name in error.validator_value if name not in (error.instance or {})]
        return f"invalid: required field {', '.join(missing)} is missing"
    where = ".".join(str(p) for p in error.path) or "record"
    template = _RULES.get(str(error.validator), "breaks the schema rule {}")
    detail = error.validator_value if error.validator != "enum" else None
    if error.validator not in _RULES:
        detail = error.validator
    return f"invalid: {where} {template.format(detail)}".rstrip()
