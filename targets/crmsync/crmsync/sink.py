"""The Singer sink every CRM target uses: buffers a batch, then hands it to the session."""

from __future__ import annotations

import typing as t
from decimal import Decimal
from typing import Any

from singer_sdk.sinks import BatchSink

from crmsync.validation import RecordValidator

if t.TYPE_CHECKING:
    from crmsync.target import CrmTarget


class CrmSink(BatchSink):
    """One per stream (= CRM object); batch size is the object's per-call limit."""

    def __init__(
        self, target: CrmTarget, stream_name: str, schema: dict, key_properties: Any
    ) -> None:
        """Bind the object's spec (the target routes unknown streams to UnknownStreamSink)."""
        self.spec = target.spec_for(stream_name)
        self._crm_target = target
        super().__init__(target, stream_name, schema, key_properties)
        # The SDK's `validate_records: false` turns the engine's check off too.
        checking = self.config.get("validate_records", True) is not False
        self.record_validator = RecordValidator(self.original_schema) if checking else None

    @property
    def max_size(self) -> int:
        """`batch_size_rows` if set, else the object's batch size."""
        return int(self.config.get("batch_size_rows") or self.spec.batch_size)

    def _after_process_record(self, context: dict) -> None:
        """Log nothing: the SDK's DEBUG line here prints the batch context, records included."""

    def setup(self) -> None:
        """Start the run (lock, preflight) when the first stream arrives."""
        self._crm_target.session()

    def get_validator(self) -> None:
        """Off: the engine validates itself so a bad record is rejected, not fatal, and unlogged."""
        return

    def _validate_and_parse(self, record: dict) -> dict:
        # Keep values exactly as sent: the SDK would parse dates into datetimes (changing hashes
        # and payloads) and raise on a bad date, aborting the run for one record.
        return record

    def _singer_validate_message(self, record: dict) -> None:
        # A record without `_source_id` is rejected by the engine with a reason, not fatal.
        return

    def preprocess_record(self, record: dict, context: dict) -> dict:
        """JSON numbers arrive as Decimal (the SDK reader keeps their precision); CRM APIs take
        JSON numbers, so they go back to int or float before hashing and sending."""
        return {key: _plain_number(value) for key, value in record.items()}

    def process_batch(self, context: dict) -> None:
        """Write parents' pending batches first, then this batch."""
        self._crm_target.drain_parents_of(self.spec)
        records = context.get("records", [])
        self._crm_target.session().process(self.spec, records, self.record_validator)
        context["records"] = []


class UnknownStreamSink(BatchSink):
    """A stream that is no object of this CRM: its records are counted, never sent."""

    def get_validator(self) -> None:
        """Nothing is validated: nothing is written."""
        return

    def _validate_and_parse(self, record: dict) -> dict:
        return record

    def _singer_validate_message(self, record: dict) -> None:
        return

    def process_record(self, record: dict, context: dict) -> None:
        """Count the record only (no body is kept)."""
        return

    def process_batch(self, context: dict) -> None:
        """Nothing to write."""
        return


def _plain_number(value: object) -> object:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {key: _plain_number(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain_number(item) for item in value]
    return value
