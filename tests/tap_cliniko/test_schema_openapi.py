"""Every stream's schema and filters, held against Cliniko's official OpenAPI description."""

from __future__ import annotations

import re
from functools import cache
from typing import Any

import pytest
import yaml
from tap_cliniko.records import to_one_id
from tap_cliniko.tap import TapCliniko
from tap_helpers import OPENAPI, make_config

HIDDEN_FIELDS = {"archived_at", "cancelled_at", "deleted_at"}
# Fields the tap adds or removes on purpose (documented in the README).
ADDED = {
    "patient_attachments": {"content_path", "content_size", "content_sha256"},
    "patient_forms": {"signature_ids"},  # the legacy array form of the signatures link
}
FILTER_ROW = re.compile(r"^\|\s*([a-z_]+)\s*\|", re.MULTILINE)

STREAMS = {name: stream for name, stream in TapCliniko(config=make_config()).streams.items()}


@cache
def spec() -> dict[str, Any]:
    if not OPENAPI.exists():
        pytest.skip(f"Cliniko's OpenAPI description is not beside the repo ({OPENAPI.parent})")
    return yaml.safe_load(OPENAPI.read_text())


def resolve(node: dict[str, Any]) -> dict[str, Any]:
    """Properties of a schema node, merging anyOf variants and following $ref."""
    if "$ref" in node:
        node = spec()["components"]["schemas"][node["$ref"].rsplit("/", 1)[1]]
    if "anyOf" in node:
        merged: dict[str, Any] = {}
        for variant in node["anyOf"]:
            merged.update(resolve(variant))
        return merged
    return node.get("properties", {})


def list_item_properties(path: str, key: str) -> dict[str, Any]:
    response = spec()["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]
    return resolve(response["schema"]["properties"][key]["items"])


def link_target(node: dict[str, Any]) -> str | None:
    links = node.get("properties", {}).get("links", {}).get("properties", {})
    return links.get("self", {}).get("example") if node.get("type") == "object" else None


def expected_type(node: dict[str, Any]) -> tuple[str, str | None]:
    """(JSON type, format) our schema must use for an OpenAPI property."""
    kind, fmt = node.get("type"), node.get("format")
    if fmt == "decimal" or kind == "number":
        return "string", "x-singer.decimal"
    if kind == "string" and fmt in {"date-time", "date"}:
        return "string", fmt
    return kind or "object", None


def our_type(prop: dict[str, Any]) -> tuple[str, str | None]:
    kinds = [k for k in prop.get("type", []) if k != "null"]
    fmt = prop.get("format")
    return kinds[0], fmt if fmt in {"date-time", "date", "x-singer.decimal"} else None


def expected_fields(stream_name: str, properties: dict[str, Any]) -> dict[str, Any]:
    dropped = set(STREAMS[stream_name].dropped_fields) | {"links"}
    fields: dict[str, Any] = {}
    for name, node in properties.items():
        if name in dropped:
            continue
        url = link_target(node)
        items_url = link_target(node.get("items", {})) if node.get("type") == "array" else None
        if url is not None:
            if to_one_id(url) is not None:
                target = re.search(r"/([a-z_]+)/\d+/?$", url)
                fields[f"{name}_id"] = ("link", target.group(1) if target else None)
        elif items_url is not None:
            fields[f"{name.removesuffix('s')}_ids"] = ("array", None)
        else:
            fields[name] = expected_type(node)
    return fields


@pytest.mark.parametrize("name", [n for n in STREAMS if n != "settings"])
def test_stream_schema_matches_the_openapi_description(name: str) -> None:
    stream = STREAMS[name]
    ours = stream.schema["properties"]
    expected = expected_fields(name, list_item_properties(stream.route_paths[0], name))
    extra = ADDED.get(name, set())

    assert set(ours) - extra == set(expected), "fields differ from the OpenAPI description"
    for field, (kind, detail) in expected.items():
        if kind == "link":
            assert our_type(ours[field])[0] == "string", field
            assert ours[field].get("x-cliniko-link") == detail, field
        elif kind == "array":
            assert our_type(ours[field])[0] == "array", field
        else:
            assert our_type(ours[field]) == (kind, detail), field
    assert stream.schema.get("additionalProperties") is True


def test_settings_schema_has_one_column_per_section() -> None:
    sections = resolve(
        spec()["paths"]["/settings"]["get"]["responses"]["200"]["content"]["application/json"][
            "schema"
        ]
    )
    ours = STREAMS["settings"].schema["properties"]
    assert set(ours) == {"id", *sections}
    assert all(our_type(ours[name])[0] == "object" for name in sections)


def route_filters(path: str) -> set[str]:
    parameters = spec()["paths"][path]["get"].get("parameters", [])
    text = "".join(p.get("description", "") for p in parameters if p.get("name") == "q[]")
    return set(FILTER_ROW.findall(text)) - {"Value"}


@pytest.mark.parametrize("name", [n for n in STREAMS if n != "settings"])
def test_filters_the_tap_sends_exist_on_the_route(name: str) -> None:
    stream = STREAMS[name]
    for path in stream.route_paths:
        filters = route_filters(path)
        assert set(stream.hidden_row_filters) == filters & HIDDEN_FIELDS, path
        if stream.replication_key:
            assert "updated_at" in filters, path
        else:
            assert "updated_at" not in filters, path
