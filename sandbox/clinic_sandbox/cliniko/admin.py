"""The admin API (loopback, no auth): stats, live counts, run-time settings and mutations."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from clinic_sandbox.catalog import STREAMS
from clinic_sandbox.cliniko.mutate import MutationError, mutate
from clinic_sandbox.cliniko.state import SandboxState


def _state(request: Request) -> SandboxState:
    return request.app.state.sandbox


async def _body(request: Request) -> dict[str, Any]:
    try:
        body = await request.json()
    except ValueError:
        body = None
    if not isinstance(body, dict):
        raise MutationError("the body must be a JSON object")
    return body


async def stats(request: Request) -> Response:
    return JSONResponse(_state(request).stats.as_dict())


async def reset_stats(request: Request) -> Response:
    """Zero the counters and the rate-limit windows (between benchmark phases)."""
    state = _state(request)
    state.stats.reset()
    state.limiter.reset()
    return JSONResponse(state.stats.as_dict())


async def counts(request: Request) -> Response:
    """Exact per-stream counts as the clinic is now (after any mutations)."""
    store = _state(request).store
    live = {name: store.count_rows(name) for name in STREAMS}
    live["settings"] = {"total": 1, "visible": 1, "hidden": 0}
    return JSONResponse(live)


async def config(request: Request) -> Response:
    state = _state(request)
    if request.method == "POST":
        try:
            state.behaviour.update(await _body(request))
        except (ValueError, MutationError) as exc:
            return JSONResponse({"message": str(exc)}, 400)
    return JSONResponse(state.behaviour.as_dict())


async def mutate_route(request: Request) -> Response:
    """`POST /_admin/mutate {"stream": "patients", "action": "edit", "count": 10}`."""
    try:
        body = await _body(request)
        result = mutate(
            _state(request),
            stream=str(body.get("stream", "")),
            action=str(body.get("action", "")),
            count=int(body.get("count", 1)),
            ids=body.get("ids"),
            touch_updated_at=body.get("touch_updated_at"),
        )
    except (MutationError, ValueError, TypeError) as exc:
        return JSONResponse({"message": str(exc)}, 400)
    return JSONResponse(result)


async def crm_users(request: Request) -> Response:
    """Emails a CRM simulator should seed as its users (most, not all, practitioners)."""
    return JSONResponse(_state(request).store.meta("crm_user_emails") or [])
