"""Optional record validation whose errors name the field and the rule, never the value."""

from __future__ import annotations

import jsonschema
from singer_sdk.exceptions import InvalidRecord
from singer_sdk.sinks.core import BaseJSONSchemaValidator
from singer_sdk.typing import DEFAULT_JSONSCHEMA_VALIDATOR


class PrivateJSONSchemaValidator(BaseJSONSchemaValidator):
    """jsonschema validation; jsonschema's own messages quote the offending value (PHI here)."""

    def __init__(self, schema: dict) -> None:
        """Compile the schema (formats are not checked, as in the SDK's default)."""
        super().__init__(schema)
        self._validator = DEFAULT_JSONSCHEMA_VALIDATOR(
            schema, format_checker=jsonschema.FormatChecker(formats=())
        )

    def validate(self, record: dict) -> None:
        """Raise InvalidRecord naming the field path and the failed keyword.

        Args:
            record: The record.

        Raises:
            InvalidRecord: The record does not match the schema.
        """
        if self._validator.is_valid(record):
            return
        error = jsonschema.exceptions.best_match(self._validator.iter_errors(record))
        if error is not None:
            field = "/".join(str(part) for part in error.absolute_path) or "(record)"
            raise InvalidRecord(f"field '{field}' fails '{error.validator}'", {})
