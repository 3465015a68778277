"""One Singer stream per publish table, read read-only and all at once so the file is freed fast."""

from __future__ import annotations

import json
import sys
import typing as t

import pyarrow as pa
from singer_sdk.streams import Stream

from cliniko_staging.database import StagingDatabase
from cliniko_staging.dbt_types import is_json, property_schema
from cliniko_staging.manifest import SAMPLE_COLUMN, SOURCE_ID, PublishModel
from cliniko_staging.sql_text import quote

if sys.version_info >= (3, 12):
    from typing import override
else:
    from typing_extensions import override

if t.TYPE_CHECKING:
    from singer_sdk.helpers.types import Context
    from singer_sdk.tap_base import Tap

_ROWS_PER_CHUNK = 1000


class StagingError(RuntimeError):
    """A publish table cannot be read as its contract says."""


class PublishStream(Stream):
    """Emits the rows of ``publish_<crm>.<crm>__<stream>`` ordered by ``_source_id``."""

    primary_keys: t.ClassVar[list[str]] = [SOURCE_ID]
    replication_key = None

    def __init__(self, tap: Tap, model: PublishModel) -> None:
        """Build the stream's schema from the model's columns."""
        if SOURCE_ID not in {column.name for column in model.columns}:
            msg = f"Publish model {model.table} has no {SOURCE_ID} column (the stream's key)"
            raise StagingError(msg)
        self.model = model
        schema = {
            "type": "object",
            "properties": {
                column.name: property_schema(
                    column.data_type,
                    nullable=column.nullable and column.name != SOURCE_ID,
                    max_length=column.max_length,
                    enum=column.enum,
                )
                for column in model.columns
            },
        }
        super().__init__(tap, schema=schema, name=model.stream)
        self._json_columns = [c.name for c in model.columns if is_json(c.data_type)]

    @override
    def get_records(self, context: Context | None) -> t.Iterable[dict]:
        """Read the whole table into Arrow, release the file, then yield the rows."""
        table = self._read_table()
        for chunk in table.to_batches(max_chunksize=_ROWS_PER_CHUNK):
            for row in chunk.to_pylist():
                for name in self._json_columns:
                    if row[name] is not None:
                        row[name] = json.loads(row[name])
                yield row

    def _read_table(self) -> pa.Table:
        columns = ", ".join(quote(column.name) for column in self.model.columns)
        schema = "publish_" + self.config["crm"]
        relation = f"{quote(schema)}.{quote(self.model.table)}"
        where = f" WHERE {quote(SAMPLE_COLUMN)}" if self.config.get("sample") else ""
        query = f"SELECT {columns} FROM {relation}{where} ORDER BY {quote(SOURCE_ID)}"  # noqa: S608
        database = StagingDatabase(
            self.config.get("path", "output/staging.duckdb"),
            encryption_key=self.config.get("encryption_key") or None,
            read_only=True,
        )
        try:
            return database.connection.execute(query).to_arrow_table()
        except Exception as exc:
            msg = (
                f"Cannot read {relation} as the dbt contract describes it ({exc}); run "
                "`dbt build` so the table matches the manifest"
            )
            if self.config.get("sample"):
                msg += f", and check the model has the boolean column {SAMPLE_COLUMN}"
            raise StagingError(msg) from None
        finally:
            database.close()
