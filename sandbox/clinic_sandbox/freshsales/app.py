"""Builds the simulator: state, limiter, fault dice and the Starlette app with every route."""

from __future__ import annotations

from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Mount, Route

from clinic_sandbox.freshsales.config import API_PREFIX, SimulatorConfig
from clinic_sandbox.freshsales.custom_fields import build_custom_fields
from clinic_sandbox.freshsales.entities import ENTITIES
from clinic_sandbox.freshsales.errors import ApiError
from clinic_sandbox.freshsales.faults import FaultDice
from clinic_sandbox.freshsales.gate import ApiGate
from clinic_sandbox.freshsales.ratelimit import RateLimiter
from clinic_sandbox.freshsales.routes_admin import ADMIN_ROUTES
from clinic_sandbox.freshsales.routes_bulk import JOB_ROUTE, bulk_routes
from clinic_sandbox.freshsales.routes_documents import DOCUMENT_ROUTES
from clinic_sandbox.freshsales.routes_lists import filtered_list_route, view_routes
from clinic_sandbox.freshsales.routes_records import record_routes, upsert_route
from clinic_sandbox.freshsales.routes_settings import SETTINGS_ROUTES
from clinic_sandbox.freshsales.stats import Stats
from clinic_sandbox.freshsales.store import Store
from clinic_sandbox.freshsales.users import build_users


class Simulator:
    """One simulated Freshsales account."""

    def __init__(self, config: SimulatorConfig) -> None:
        self.config = config
        self.store = Store(
            users=build_users(config.users),
            custom_fields=build_custom_fields(config.custom_fields),
            strict_attributes=config.strict_attributes,
        )
        self.limiter = RateLimiter(config.hourly, config.minute_limit, config.window_scale)
        self.dice = FaultDice(config.faults)
        self.stats = Stats()

    def reset(self) -> None:
        """Empty records, jobs, counters and rate windows."""
        self.store.reset()
        self.limiter.reset()
        self.stats.reset()


def api_routes() -> list[Route]:
    """Every route under the API prefix, entity routes generated from the entity specs."""
    routes: list[Route] = []
    for spec in ENTITIES:
        if spec.upsert:
            routes += [upsert_route(spec), *bulk_routes(spec), *view_routes(spec)]
        if spec.list_filter:
            routes.append(filtered_list_route(spec))
        routes += record_routes(spec)
    return [*routes, *DOCUMENT_ROUTES, JOB_ROUTE, *SETTINGS_ROUTES]


async def _api_error(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, ApiError)
    return error.response()


async def _http_error(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, HTTPException)
    return ApiError(error.status_code, str(error.detail)).response()


def build_app(config: SimulatorConfig | None = None) -> Any:
    """The ASGI app of a fresh simulator; `app.state.simulator` is the handle to its state."""
    simulator = Simulator(config or SimulatorConfig())
    app = Starlette(
        routes=[Mount(API_PREFIX, routes=api_routes()), Mount("/_admin", routes=ADMIN_ROUTES)],
        exception_handlers={ApiError: _api_error, HTTPException: _http_error},
    )
    app.state.simulator = simulator
    gated = ApiGate(app, simulator)
    gated.state = app.state  # type: ignore[attr-defined]
    return gated
