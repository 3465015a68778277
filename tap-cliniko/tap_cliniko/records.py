"""Shape Cliniko records for the contract: flat link ids, string ids and decimals, null dates."""

from __future__ import annotations

import decimal
import logging
import re
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlparse

DATE_FORMATS = frozenset({"date", "date-time"})
DECIMAL_FORMAT = "x-singer.decimal"
# A to-one link's URL path ends in the related record's numeric id; collections do not.
TO_ONE_PATH = re.compile(r"/(\d+)/?$")


def link_url(value: Any) -> str | None:
    """The ``links.self`` URL of a link object ``{"links": {"self": url}}``, else None."""
    if not isinstance(value, dict) or set(value) != {"links"}:
        return None
    links = value["links"]
    url = links.get("self") if isinstance(links, dict) else None
    return url if isinstance(url, str) else None


def to_one_id(url: str) -> str | None:
    """The id a to-one link points at (None for a collection link or one with a query)."""
    parsed = urlparse(url)
    if parsed.query:
        return None
    match = TO_ONE_PATH.search(parsed.path)
    return match.group(1) if match else None


class RecordShaper:
    """Apply the record contract to raw records of one stream, given its JSON schema."""

    def __init__(
        self,
        stream_name: str,
        schema: dict[str, Any],
        logger: logging.Logger,
        *,
        dropped: Iterable[str] = (),
    ) -> None:
        """``dropped``: raw fields this stream deliberately does not emit."""
        self.stream_name = stream_name
        self.logger = logger
        self.properties: dict[str, Any] = schema.get("properties", {})
        self.dropped = frozenset(dropped) | {"links"}
        self.date_fields = frozenset(
            name for name, prop in self.properties.items() if prop.get("format") in DATE_FORMATS
        )
        self.decimal_fields = frozenset(
            name for name, prop in self.properties.items() if prop.get("format") == DECIMAL_FORMAT
        )
        self.link_id_fields = frozenset(
            name
            for name, prop in self.properties.items()
            if name.endswith("_id") and prop.get("x-cliniko-link")
        )
        self._warned: set[str] = set()

    def shape(self, raw: dict[str, Any]) -> dict[str, Any]:
        """Return the contract-shaped copy of one raw record."""
        record: dict[str, Any] = {}
        for key, value in raw.items():
            if key in self.dropped:
                continue
            url = link_url(value)
            if url is not None:
                self._put_link(record, key, url)
            elif _is_link_list(value):
                record[f"{key.removesuffix('s')}_ids"] = [
                    ident for ident in (to_one_id(link_url(v) or "") for v in value) if ident
                ]
            elif value is None and key not in self.properties:
                # A null we have no column for (an empty link, an unknown null field): nothing
                # is lost by leaving it out.
                continue
            else:
                record.setdefault(key, value)
                if key.endswith("_id") and value is not None:
                    record[key] = str(value)
        for name in self.link_id_fields:
            record.setdefault(name, None)
        self._normalise_values(record)
        self._warn_unknown(record)
        return record

    def _put_link(self, record: dict[str, Any], key: str, url: str) -> None:
        ident = to_one_id(url)
        if ident is None:
            return  # a related-collection link: the child stream carries the relation
        if record.get(f"{key}_id") is None:
            record[f"{key}_id"] = ident

    def _normalise_values(self, record: dict[str, Any]) -> None:
        if record.get("id") is not None:
            record["id"] = str(record["id"])
        for name in self.date_fields & record.keys():
            if record[name] == "":
                record[name] = None  # legacy payloads send "" for "no date"
        for name in self.decimal_fields & record.keys():
            value = record[name]
            if isinstance(value, (int, float, decimal.Decimal)) and not isinstance(value, bool):
                record[name] = str(value)
        for name, value in record.items():
            if name.endswith("_ids") and isinstance(value, list):
                record[name] = [str(v) for v in value]

    def _warn_unknown(self, record: dict[str, Any]) -> None:
        unknown = record.keys() - self.properties.keys() - self._warned
        for name in sorted(unknown):
            self._warned.add(name)
            self.logger.warning(
                "Stream '%s': Cliniko sent field '%s', which the tap's schema does not know; "
                "passing it through (please report it so the schema can declare it)",
                self.stream_name,
                name,
            )


def _is_link_list(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(link_url(v) for v in value)
