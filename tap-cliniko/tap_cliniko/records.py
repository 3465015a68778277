"""Shape Cliniko records for the contract: flat link ids, string ids and decimals, null dates.

This runs once per record on the main thread, which also writes every message, so it is the
tap's hot path: plain loops over the record's keys, type checks by ``type(...) is``, and no URL
parsing (a link's id is read from the URL string).
"""

from __future__ import annotations

import decimal
import logging
from collections.abc import Iterable
from typing import Any

from tap_cliniko.drift import DECIMAL_FORMAT, OnDeclare, SchemaGuard

DATE_FORMATS = frozenset({"date", "date-time"})
_NUMBERS = (int, float, decimal.Decimal)  # not bool: type(...) is compared exactly

__all__ = ["DECIMAL_FORMAT", "RecordShaper", "link_url", "to_one_id"]


def link_url(value: Any) -> str | None:
    """The ``links.self`` URL of a link object ``{"links": {"self": url}}``, else None."""
    if type(value) is not dict or len(value) != 1:
        return None
    links = value.get("links")
    if type(links) is not dict:
        return None
    url = links.get("self")
    return url if type(url) is str else None


def to_one_id(url: str) -> str | None:
    """The id a to-one link points at (None for a collection link or one with a query).

    A to-one link's URL path ends in the related record's numeric id (``.../<digits>``, or with
    one trailing slash); a collection's does not. Read with string methods, not a regular
    expression: this runs for every link of every record.
    """
    if "?" in url or "#" in url:
        return None
    path = url[:-1] if url.endswith("/") else url
    _, slash, tail = path.rpartition("/")
    return tail if slash and tail.isdecimal() else None


class RecordShaper:
    """Apply the record contract to raw records of one stream, given its JSON schema."""

    def __init__(
        self,
        stream_name: str,
        schema: dict[str, Any],
        logger: logging.Logger,
        *,
        dropped: Iterable[str] = (),
        on_declare: OnDeclare | None = None,
    ) -> None:
        """``dropped``: raw fields this stream deliberately does not emit.

        ``schema`` is the stream's own copy: fields Cliniko adds or re-types are declared in it
        (see ``drift``), and ``on_declare`` is told so the SCHEMA message can be sent again.
        """
        self.stream_name = stream_name
        self.logger = logger
        self.properties: dict[str, Any] = schema.setdefault("properties", {})
        self.dropped = frozenset(dropped) | {"links"}
        self.date_fields = tuple(
            name for name, prop in self.properties.items() if prop.get("format") in DATE_FORMATS
        )
        self.decimal_fields = tuple(
            name for name, prop in self.properties.items() if prop.get("format") == DECIMAL_FORMAT
        )
        self.link_id_fields = tuple(
            name
            for name, prop in self.properties.items()
            if name.endswith("_id") and prop.get("x-cliniko-link")
        )
        self.guard = SchemaGuard(stream_name, self.properties, logger, on_declare)

    def shape(self, raw: dict[str, Any]) -> dict[str, Any]:
        """Return the contract-shaped copy of one raw record (``flatten``, then ``conform``)."""
        return self.conform(self.flatten(raw))

    def conform(self, record: dict[str, Any]) -> dict[str, Any]:
        """Make a flattened record fit the declared schema, declaring what drifted.

        Runs on the main thread: a declaration sends a SCHEMA message before the record.
        """
        self.guard.check(record)
        return record

    def flatten(self, raw: dict[str, Any]) -> dict[str, Any]:
        """The record with links flattened to ids and values normalised; the schema untouched."""
        record: dict[str, Any] = {}
        dropped = self.dropped
        properties = self.properties
        for key, value in raw.items():
            if key in dropped:
                continue
            kind = type(value)
            if kind is str or kind is int:
                if key[-3:] == "_id":
                    record[key] = str(value)  # a plain id wins over its link object
                elif key not in record:
                    record[key] = value
                continue
            if kind is dict:
                # A link object {"links": {"self": url}} (inlined link_url: the hot path).
                links = value.get("links") if len(value) == 1 else None
                if type(links) is dict:
                    url = links.get("self")
                    if type(url) is str:
                        ident = to_one_id(url)  # None: a collection, the child stream has it
                        if ident is not None and record.get(key + "_id") is None:
                            record[key + "_id"] = ident
                        continue
            elif kind is list:
                urls = [link_url(v) for v in value] if value and link_url(value[0]) else []
                if urls and all(urls):
                    ids = (to_one_id(url) for url in urls if url)
                    record[key.removesuffix("s") + "_ids"] = [ident for ident in ids if ident]
                    continue
                if key.endswith("_ids"):
                    value = [str(v) for v in value]
            elif value is None and key not in properties:
                # A null we have no column for (an empty link, an unknown null field): nothing
                # is lost by leaving it out.
                continue
            if key not in record:
                record[key] = value
        for name in self.link_id_fields:
            if name not in record:
                record[name] = None
        self._normalise_values(record)
        return record

    def _normalise_values(self, record: dict[str, Any]) -> None:
        ident = record.get("id")
        if ident is not None and type(ident) is not str:
            record["id"] = str(ident)
        for name in self.date_fields:
            if record.get(name) == "":
                record[name] = None  # legacy payloads send "" for "no date"
        for name in self.decimal_fields:
            value = record.get(name)
            if type(value) in _NUMBERS:
                record[name] = str(value)
