"""Every response the simulator gives validates against Cliniko's official OpenAPI description."""

from __future__ import annotations

import ipaddress
import re
import uuid
from datetime import date, datetime
from typing import Any
from urllib.parse import urlparse

import pytest
from clinic_sandbox.catalog import NO_GET_ROUTE, STREAMS
from conftest import SHARED

yaml = pytest.importorskip("yaml")
jsonschema = pytest.importorskip("jsonschema")

SPEC_PATH = SHARED / "cliniko-api" / "openapi" / "cliniko-openapi-v1.2025-08.yaml"
pytestmark = pytest.mark.skipif(
    not SPEC_PATH.exists(), reason="../shared/cliniko-api is absent (a user's own clone)"
)


def _nullable(schema: Any) -> Any:
    """OpenAPI 3.0 `nullable: true` to JSON Schema (null allowed), recursively."""
    if isinstance(schema, list):
        return [_nullable(s) for s in schema]
    if not isinstance(schema, dict):
        return schema
    out = {k: _nullable(v) for k, v in schema.items() if k != "nullable"}
    if isinstance(out.get("pattern"), str):
        # The patterns are Ruby regexps: the email one is upper-case only, written for a
        # case-insensitive matcher, and colours use Ruby's \h (a hex digit).
        out["pattern"] = "(?i)" + out["pattern"].replace("\\h", "[0-9a-f]")
    if schema.get("nullable"):
        if "type" in out:
            out["type"] = [out["type"], "null"]
            if "enum" in out:
                out["enum"] = [*out["enum"], None]
        else:
            out = {"anyOf": [out, {"type": "null"}]}
    return out


def _format_checker() -> Any:
    checker = jsonschema.FormatChecker(formats=())

    @checker.checks("date-time", raises=ValueError)
    def _date_time(value: object) -> bool:
        if not isinstance(value, str):
            return True
        if not re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", value):
            raise ValueError(f"not a Cliniko UTC instant: {value!r}")
        datetime.fromisoformat(value.replace("Z", "+00:00"))
        return True

    @checker.checks("date", raises=ValueError)
    def _date(value: object) -> bool:
        return not isinstance(value, str) or bool(date.fromisoformat(value))

    @checker.checks("uri", raises=ValueError)
    def _uri(value: object) -> bool:
        parsed = urlparse(value) if isinstance(value, str) else None
        return parsed is None or bool(parsed.scheme and parsed.netloc)

    @checker.checks("uuid", raises=ValueError)
    def _uuid(value: object) -> bool:
        return not isinstance(value, str) or bool(uuid.UUID(value))

    @checker.checks("ipv4", raises=ValueError)
    def _ipv4(value: object) -> bool:
        return not isinstance(value, str) or bool(ipaddress.IPv4Address(value))

    @checker.checks("int64", raises=ValueError)
    def _int64(value: object) -> bool:
        return not isinstance(value, str) or bool(re.fullmatch(r"\d{1,19}", value))

    return checker


@pytest.fixture(scope="module")
def spec() -> dict[str, Any]:
    return yaml.safe_load(SPEC_PATH.read_text())


def _validator(spec: dict[str, Any], path: str) -> Any:
    schema = spec["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]
    root = {**_nullable(schema["schema"]), "components": _nullable(spec["components"])}
    return jsonschema.Draft4Validator(root, format_checker=_format_checker())


def _errors(validator: Any, body: Any) -> list[str]:
    return [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message[:200]}"
        for e in list(validator.iter_errors(body))[:5]
    ]


def _declared(spec: dict[str, Any], path: str) -> set[str]:
    """Property names the description declares for a record of a route (anyOf: the union)."""
    schema = spec["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]
    schema = schema["schema"]
    if "properties" in schema and "links" in schema["properties"] and "$ref" not in schema:
        key = next(k for k in schema["properties"] if k not in ("total_entries", "links"))
        schema = schema["properties"][key]["items"]
    pending, names = [schema], set()
    while pending:
        item = pending.pop()
        if "$ref" in item:
            item = spec["components"]["schemas"][item["$ref"].rsplit("/", 1)[1]]
        pending += item.get("anyOf", []) + item.get("oneOf", [])
        names |= set(item.get("properties", {}))
    return names


def _all_pages(client: Any, path: str, hidden: tuple[str, ...]) -> list[dict[str, Any]]:
    params = [("per_page", "100"), *(("q[]", f"{f}:*") for f in hidden)]
    pages = [client.get(path, params=params)]
    while "next" in pages[-1].json()["links"]:
        pages.append(client.get(pages[-1].json()["links"]["next"]))
    assert all(p.status_code == 200 for p in pages)
    return [p.json() for p in pages]


@pytest.mark.parametrize("stream", sorted(STREAMS))
def test_every_list_page_and_record_validates(spec, cliniko_sb, stream):
    """All rows of every stream, hidden ones included, and a single-record GET."""
    spec_obj = STREAMS[stream]
    list_validator = _validator(spec, f"/{stream}")
    with cliniko_sb.client() as client:
        pages = _all_pages(client, f"/{stream}", spec_obj.hidden)
        if stream == "practitioners":
            pages += _all_pages(client, "/practitioners/inactive", ())
        declared = _declared(spec, f"/{stream}")
        rows = 0
        for body in pages:
            assert set(body) == {stream, "total_entries", "links"}
            assert _errors(list_validator, body) == []
            rows += len(body[stream])
            for record in body[stream]:
                assert set(record) <= declared, f"undeclared: {set(record) - declared}"
        assert rows == cliniko_sb.counts[stream]["total"]
        if stream in NO_GET_ROUTE:
            return
        first = pages[0][stream][0]
        record = client.get(
            first["links"]["self"], params=[("q[]", f"{f}:*") for f in spec_obj.hidden]
        )
        assert record.status_code == 200
        assert record.json() == first
        assert _errors(_validator(spec, f"/{stream}/{{id}}"), record.json()) == []


@pytest.mark.parametrize("path", ["/settings", "/user", "/practitioners/inactive"])
def test_single_objects_validate(spec, cliniko_sb, path):
    with cliniko_sb.client() as client:
        response = client.get(path)
    assert response.status_code == 200
    assert _errors(_validator(spec, path), response.json()) == []


def test_settings_define_the_patient_custom_fields(cliniko_sb):
    with cliniko_sb.client() as client:
        settings = client.get("/settings").json()
    fields = {
        f["name"]
        for section in settings["patient_custom_fields_definition"]["sections"]
        for f in section["fields"]
    }
    assert {"Insurance carrier", "Policy number", "Health fund", "Medicare number"} <= fields
