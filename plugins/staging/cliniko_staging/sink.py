"""The sink: collects a stream's records into batches and hands each to the table loader."""

from __future__ import annotations

import datetime
import sys
import typing as t

from singer_sdk.exceptions import MissingKeyPropertiesError
from singer_sdk.sinks import BatchSink

from cliniko_staging.arrow_batch import EXTRACTED_AT, SEQUENCE, build_arrow_batch
from cliniko_staging.column_types import JSON, column_type
from cliniko_staging.loader import TableLoader
from cliniko_staging.sql_text import METADATA_COLUMNS
from cliniko_staging.validation import PrivateJSONSchemaValidator

if sys.version_info >= (3, 12):
    from typing import override
else:
    from typing_extensions import override

if t.TYPE_CHECKING:
    from singer_sdk.sinks.core import BaseJSONSchemaValidator

    from cliniko_staging.target import TargetStaging


class StagingSink(BatchSink):
    """Writes one stream to ``<schema>.<stream>``, merged on the stream's primary key.

    The ``_sdc_`` columns are the ones docs/contracts.md lists, filled here rather than by the
    SDK's ``add_record_metadata`` (which adds a different set and costs a timestamp per record).
    """

    def __init__(
        self,
        target: TargetStaging,
        stream_name: str,
        schema: dict,
        key_properties: t.Sequence[str] | None,
    ) -> None:
        """Prepare the loader and the declared column types."""
        self._staging_target = target
        super().__init__(target, stream_name, schema, key_properties)
        self._column_types = {
            name: column_type(prop)
            for name, prop in self.schema.get("properties", {}).items()
            if name not in METADATA_COLUMNS
        }
        self._declared = frozenset(self._column_types) | {EXTRACTED_AT, SEQUENCE}
        self._table_loader: TableLoader | None = None

    @override
    def setup(self) -> None:
        """Open the file (a locked file stops the run before any record) and create the table.

        The table exists from the SCHEMA message on, so a stream with no records yet still gives
        dbt an empty table with the right columns.
        """
        super().setup()
        self._loader().ensure_table(self._column_types)

    @property
    def include_sdc_metadata_properties(self) -> bool:
        """Always: the contract's metadata columns are not optional."""
        return True

    @override
    def _add_sdc_metadata_to_schema(self) -> None:
        """Add nothing to the schema: the loader owns the metadata columns."""

    @override
    def _add_sdc_metadata_to_record(self, record: dict, message: dict, context: dict) -> None:
        """Keep what only the message knows; the rest is derived in SQL per batch."""
        record[EXTRACTED_AT] = message.get("time_extracted")
        record[SEQUENCE] = self._staging_target.next_sequence()

    @property
    def validate_schema(self) -> bool:
        """Validate records only when asked (default off: the tap already typed them)."""
        return bool(self.config.get("validate_records", False))

    @override
    def get_validator(self) -> BaseJSONSchemaValidator | None:
        """A validator whose errors name the field, never its value."""
        if not self.validate_schema:
            return None
        return PrivateJSONSchemaValidator(self.schema)

    @override
    def _validate_and_parse(self, record: dict) -> dict:
        # The SDK also parses every date-time into a Python datetime here; DuckDB parses the
        # whole batch at once instead, which is most of this target's speed.
        if self._validator is not None:
            declared = {k: v for k, v in record.items() if k not in (EXTRACTED_AT, SEQUENCE)}
            self._validator.validate(declared)
        return record

    @override
    def process_record(self, record: dict, context: dict) -> None:
        """Reject a null key; note fields the schema does not declare; buffer the record."""
        for key in self.key_properties:
            if record.get(key) is None:
                msg = f"Stream '{self.stream_name}': a record has no value for key '{key}'"
                raise MissingKeyPropertiesError(msg)
        if not record.keys() <= self._declared:
            self._note_extra_fields(record)
        context.setdefault("records", []).append(record)

    def _note_extra_fields(self, record: dict) -> None:
        for name in record.keys() - self._declared:
            if name in METADATA_COLUMNS:
                record.pop(name)
                continue
            self.logger.warning(
                "Stream '%s': field '%s' is not in the schema; storing it as JSON",
                self.stream_name,
                name,
            )
            self._column_types[name] = JSON
        self._declared = frozenset(self._column_types) | {EXTRACTED_AT, SEQUENCE}

    @override
    def _after_process_record(self, context: dict) -> None:
        """Log nothing: the SDK's DEBUG line here prints the batch context, records included."""

    @override
    def process_batch(self, context: dict) -> None:
        """Commit the batch to the staging file before the SDK may emit the state covering it."""
        records = context.get("records", [])
        if not records:
            return
        batch = build_arrow_batch(records, self._column_types)
        started = context.get("batch_start_time") or datetime.datetime.now(datetime.timezone.utc)
        self._loader().load(batch, started.isoformat())
        context["records"] = []

    def _loader(self) -> TableLoader:
        """The stream's loader, kept across batches so it can remember the table's columns."""
        connection = self._staging_target.staging.connection
        if self._table_loader is None or self._table_loader.connection is not connection:
            self._table_loader = TableLoader(
                connection,
                self.config.get("schema", "raw_cliniko"),
                self.stream_name,
                self.key_properties,
            )
        return self._table_loader
