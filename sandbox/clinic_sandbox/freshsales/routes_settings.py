"""Settings and selectors: field metadata, forms, custom fields (create, change), owners."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from clinic_sandbox.freshsales import fields
from clinic_sandbox.freshsales.custom_fields import parse_field, update_field
from clinic_sandbox.freshsales.entities import BY_KEY, EntitySpec
from clinic_sandbox.freshsales.errors import ApiError
from clinic_sandbox.freshsales.http import json_body, simulator

# Fixed lookup lists for `/selector/<name>`; the values are ours, the routes are the vendor's.
SELECTORS = {
    "lifecycle_stages": ["Lead", "Sales Qualified Lead", "Customer"],
    "contact_statuses": ["New", "Contacted", "Interested", "Active patient", "Inactive patient"],
    "deal_stages": ["New", "Invoiced", "Paid", "Won", "Lost"],
    "deal_pipelines": ["Default Pipeline"],
    "lead_sources": ["Web", "Referral", "Phone", "Walk-in"],
    "territories": ["Default"],
    "currencies": ["AUD", "NZD", "GBP", "USD", "CAD", "EUR"],
}


def _entity(request: Request) -> EntitySpec:
    spec = BY_KEY.get(request.path_params["entity"])
    if spec is None or spec.key == "documents":
        raise ApiError(404, f"Unknown entity {request.path_params['entity']}")
    return spec


def _form(spec: EntitySpec) -> dict:
    return {
        "id": spec.form_id,
        "name": f"Default {spec.model} form",
        "entity_type": spec.key,
        "is_default": True,
    }


async def list_fields(request: Request) -> JSONResponse:
    """`GET /settings/<entity>/fields`: standard then custom fields."""
    spec = _entity(request)
    store = simulator(request).store
    with store.lock:
        listed = [
            fields.metadata(field, spec.key, spec.model, position)
            for position, field in enumerate(store.all_fields(spec), start=1)
        ]
    return JSONResponse({"fields": listed})


async def list_forms(request: Request) -> JSONResponse:
    """`GET /settings/<entity>/forms`: the one default form."""
    return JSONResponse({"forms": [_form(_entity(request))]})


async def create_field(request: Request) -> JSONResponse:
    """`POST /settings/<entity>/forms/<form_id>/fields` with `{"field": {...}}`."""
    spec = _entity(request)
    if request.path_params["form_id"] != spec.form_id:
        raise ApiError(404, "Form not found")
    if not spec.custom_fields:
        raise ApiError(404, f"{spec.model} has no custom fields")
    body = await json_body(request)
    raw = body.get("field") if isinstance(body, dict) else None
    store = simulator(request).store
    with store.lock:
        taken = {field.name for field in store.all_fields(spec)}
        field = parse_field(raw, taken)
        store.add_custom_field(spec.key, field)
        position = len(store.all_fields(spec))
    return JSONResponse(
        {"field": fields.metadata(field, spec.key, spec.model, position)}, status_code=201
    )


async def change_field(request: Request) -> JSONResponse:
    """`PUT /settings/<entity>/forms/<form_id>/fields/<field id>` with `{"field": {...}}`.

    Not a documented Freshsales route: the closest to the documented create, for adding
    dropdown choices (docs/freshsales-simulator.md).
    """
    spec = _entity(request)
    if request.path_params["form_id"] != spec.form_id:
        raise ApiError(404, "Form not found")
    body = await json_body(request)
    store = simulator(request).store
    with store.lock:
        listed = store.all_fields(spec)
        found = next(
            (
                (position, field)
                for position, field in enumerate(listed, start=1)
                if fields.field_id(field, spec.key) == request.path_params["field_id"]
            ),
            None,
        )
        if found is None:
            raise ApiError(404, "Field not found")
        position, current = found
        field = update_field(current, body.get("field") if isinstance(body, dict) else None)
        store.replace_custom_field(spec.key, field)
    return JSONResponse({"field": fields.metadata(field, spec.key, spec.model, position)})


async def owners(request: Request) -> JSONResponse:
    """`GET /selector/owners`: the account's users."""
    store = simulator(request).store
    with store.lock:
        return JSONResponse({"users": [dict(user) for user in store.users]})


async def selector(request: Request) -> JSONResponse:
    """`GET /selector/<name>` for the fixed lookup lists."""
    name = request.path_params["name"]
    if name not in SELECTORS:
        raise ApiError(404, f"Unknown selector {name}")
    items = [{"id": index, "name": value} for index, value in enumerate(SELECTORS[name], start=1)]
    return JSONResponse({name: items})


SETTINGS_ROUTES = [
    Route("/settings/{entity}/fields", list_fields, methods=["GET"]),
    Route("/settings/{entity}/forms", list_forms, methods=["GET"]),
    Route("/settings/{entity}/forms/{form_id:int}/fields", create_field, methods=["POST"]),
    Route(
        "/settings/{entity}/forms/{form_id:int}/fields/{field_id}", change_field, methods=["PUT"]
    ),
    Route("/selector/owners", owners, methods=["GET"]),
    Route("/selector/{name}", selector, methods=["GET"]),
]
