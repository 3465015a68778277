"""Builds the simulator: org state, sessions, allocation, fault dice and the Starlette app."""

from __future__ import annotations

from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Mount, Route

from clinic_sandbox.freshsales.faults import FaultDice
from clinic_sandbox.freshsales.stats import Stats
from clinic_sandbox.salesforce.config import SimulatorConfig
from clinic_sandbox.salesforce.custom_schema import deploy
from clinic_sandbox.salesforce.errors import SfError, not_found
from clinic_sandbox.salesforce.gate import ApiGate
from clinic_sandbox.salesforce.limits import ApiUsage
from clinic_sandbox.salesforce.oauth import OAUTH_ROUTES
from clinic_sandbox.salesforce.routes_admin import ADMIN_ROUTES
from clinic_sandbox.salesforce.routes_bulk import BULK_ROUTES
from clinic_sandbox.salesforce.routes_collections import COLLECTION_ROUTES
from clinic_sandbox.salesforce.routes_query import QUERY_ROUTES
from clinic_sandbox.salesforce.routes_sobjects import SOBJECT_ROUTES
from clinic_sandbox.salesforce.routes_tooling import TOOLING_ROUTES
from clinic_sandbox.salesforce.schema import standard_objects
from clinic_sandbox.salesforce.sessions import Sessions
from clinic_sandbox.salesforce.store import Store
from clinic_sandbox.salesforce.users import user_records


class Simulator:
    """One simulated org."""

    def __init__(self, config: SimulatorConfig) -> None:
        self.config = config
        objects = standard_objects()
        if config.with_custom_objects:
            deploy(objects)
        self.store = Store(objects, user_records(config.users))
        self.sessions = Sessions(config.token_ttl)
        self.usage = ApiUsage(config.daily_limit, config.window_scale)
        self.dice = FaultDice(config.faults)
        self.stats = Stats()

    def reset(self) -> None:
        """Empty records, jobs, counters and the allocation window; tokens stay valid."""
        self.store.reset()
        self.usage.reset()
        self.stats.reset()


async def _sf_error(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, SfError)
    return error.response()


async def _http_error(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, HTTPException)
    if error.status_code == 404:
        return not_found().response()
    code = "METHOD_NOT_ALLOWED" if error.status_code == 405 else "BAD_REQUEST"
    return SfError(error.status_code, code, str(error.detail)).response()


def _versions(version: str) -> Route:
    async def versions(request: Request) -> JSONResponse:
        entry = {"label": "Simulator", "url": f"/services/data/v{version}", "version": version}
        return JSONResponse([entry])

    return Route("/services/data", versions, methods=["GET"])


def build_app(config: SimulatorConfig | None = None) -> Any:
    """The ASGI app of a fresh simulator; `app.state.simulator` is the handle to its state."""
    config = config or SimulatorConfig()
    simulator = Simulator(config)
    api = [*SOBJECT_ROUTES, *COLLECTION_ROUTES, *QUERY_ROUTES, *TOOLING_ROUTES, *BULK_ROUTES]
    app = Starlette(
        routes=[
            _versions(config.api_version),
            Mount(config.data_prefix, routes=api),
            Mount("/services/oauth2", routes=OAUTH_ROUTES),
            Mount("/_admin", routes=ADMIN_ROUTES),
        ],
        exception_handlers={SfError: _sf_error, HTTPException: _http_error},
    )
    app.state.simulator = simulator
    gated = ApiGate(app, simulator)
    gated.state = app.state  # type: ignore[attr-defined]
    return gated
