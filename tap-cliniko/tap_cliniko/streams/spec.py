"""One stream as data: its route, schema and soft-delete filters, and the class made from it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tap_cliniko.client import ClinikoStream
from tap_cliniko.schema import Properties, datetimes, record_schema


@dataclass(frozen=True)
class StreamSpec:
    """A Cliniko list route read as one stream (stream name = route = envelope key)."""

    name: str
    description: str
    #: Field groups (``schema.strings(...)``, ``schema.links(...)`` ...), besides id and timestamps.
    fields: list[Properties] = field(default_factory=list)
    #: Soft-delete timestamps: filtered with ``*`` to include hidden rows, and declared fields.
    hidden: tuple[str, ...] = ()
    #: Routes read into the stream, when not just ``/<name>``.
    paths: tuple[str, ...] = ()
    #: Raw fields deliberately not emitted.
    dropped: tuple[str, ...] = ()
    downloads_content: bool = False
    primary_keys: tuple[str, ...] = ("id",)
    #: The key field (None: the stream has no id, see ``primary_keys``).
    key: str | None = "id"
    timestamped: bool = True
    base: type[ClinikoStream] = ClinikoStream

    def schema(self) -> dict[str, Any]:
        """The stream's JSON schema: key and timestamps, soft-delete timestamps, the fields."""
        hidden = [datetimes(*self.hidden)] if self.hidden else []
        return record_schema(*hidden, *self.fields, key=self.key, timestamped=self.timestamped)

    def stream_class(self) -> type[ClinikoStream]:
        """The singer-sdk stream class, named ``<Name>Stream`` (``invoice_items``:
        ``InvoiceItemsStream``)."""
        class_name = "".join(part.title() for part in self.name.split("_")) + "Stream"
        attributes: dict[str, Any] = {
            "__doc__": self.description,
            "__module__": __name__,
            "name": self.name,
            "schema": self.schema(),
            "hidden_row_filters": self.hidden,
            "paths": self.paths,
            "dropped_fields": self.dropped,
            "downloads_content": self.downloads_content,
            "primary_keys": self.primary_keys,
        }
        return type(class_name, (self.base,), attributes)
