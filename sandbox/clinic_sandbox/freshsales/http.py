"""Request helpers shared by the route modules: the simulator handle and JSON bodies."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import JSONResponse

from clinic_sandbox.freshsales.entities import EntitySpec
from clinic_sandbox.freshsales.errors import ApiError

if TYPE_CHECKING:
    from clinic_sandbox.freshsales.app import Simulator


def simulator(request: Request) -> Simulator:
    """The simulator instance behind the app."""
    return request.app.state.simulator


async def json_body(request: Request) -> Any:
    """The request's JSON body, or a 400 that says it is not JSON."""
    raw = await request.body()
    try:
        return json.loads(raw or b"null")
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise ApiError(400, "Request body is not valid JSON") from None


async def wrapped_body(request: Request, spec: EntitySpec) -> Any:
    """The record inside `{"<singular>": {...}}`, or a 400 naming the wrapper."""
    body = await json_body(request)
    if not isinstance(body, dict) or not isinstance(body.get(spec.singular), dict):
        raise ApiError(400, f'Request body must be wrapped as {{"{spec.singular}": {{...}}}}')
    return body[spec.singular]


def wrap(spec: EntitySpec, record: dict[str, Any], status: int = 200) -> JSONResponse:
    """A record answered inside its singular wrapper."""
    return JSONResponse({spec.singular: record}, status_code=status)


def deleted() -> JSONResponse:
    """The answer to a successful delete: `true` [inferred from the vendor docs' examples]."""
    return JSONResponse(True)
