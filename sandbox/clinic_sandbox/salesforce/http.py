"""Request helpers shared by the route modules: the simulator, the caller's context, JSON bodies."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from starlette.requests import Request

from clinic_sandbox.salesforce.errors import SfError, not_found
from clinic_sandbox.salesforce.ids import normalize
from clinic_sandbox.salesforce.operations import Context
from clinic_sandbox.salesforce.schema import ObjectSpec

if TYPE_CHECKING:
    from clinic_sandbox.salesforce.app import Simulator


def simulator(request: Request) -> Simulator:
    return request.app.state.simulator


def context(request: Request) -> Context:
    """Who is calling (the token's user) and the org settings writes need."""
    sim = simulator(request)
    user = request.scope.get("state", {}).get("user_id") or next(iter(sim.store.records["User"]))
    config = sim.config
    return Context(sim.store, user, config.audit_fields, config.max_file_bytes)


def spec_for(request: Request, name: str | None = None) -> ObjectSpec:
    """The deployed object named in the path (case-insensitive, as Salesforce), else 404."""
    wanted = (name or request.path_params["name"]).lower()
    objects = simulator(request).store.objects
    found = next((spec for key, spec in objects.items() if key.lower() == wanted), None)
    if found is None:
        raise not_found()
    return found


def record_id(raw: str) -> str:
    rid = normalize(raw)
    if rid is None:
        raise not_found()
    return rid


async def json_body(request: Request) -> Any:
    """The JSON body, or Salesforce's parser error."""
    raw = await request.body()
    try:
        return json.loads(raw or b"null")
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise SfError(400, "JSON_PARSER_ERROR", "The request body is not valid JSON") from None


async def object_body(request: Request) -> dict[str, Any]:
    body = await json_body(request)
    if not isinstance(body, dict):
        raise SfError(400, "JSON_PARSER_ERROR", "Expected a JSON object as the request body")
    return body
