"""Assemble the simulator: Starlette routes behind the Cliniko request pipeline."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.routing import Route

from clinic_sandbox.cliniko import admin, routes, storage
from clinic_sandbox.cliniko.behaviour import Behaviour
from clinic_sandbox.cliniko.middleware import ClinikoPipeline
from clinic_sandbox.cliniko.state import SandboxState
from clinic_sandbox.store import DB_NAME, ClinicStore


def build_app(data_dir: Path, behaviour: Behaviour, storage_port: int | None = None) -> Any:
    """The ASGI app over the clinic generated in data_dir."""
    behaviour.validate()
    store = ClinicStore(Path(data_dir) / DB_NAME)
    state = SandboxState(store=store, behaviour=behaviour, storage_port=storage_port)
    app = Starlette(
        routes=[
            Route("/v1/settings", routes.settings),
            Route("/v1/user", routes.current_user),
            Route("/v1/practitioners/inactive", routes.list_inactive_practitioners),
            Route("/v1/patient_attachments/{record_id:int}/content", storage.attachment_content),
            Route("/v1/{stream}", routes.list_stream),
            Route("/v1/{stream}/{record_id}", routes.get_record),
            Route("/storage/attachments/{record_id:int}", storage.storage_download),
            Route("/_admin/stats", admin.stats),
            Route("/_admin/stats/reset", admin.reset_stats, methods=["POST"]),
            Route("/_admin/counts", admin.counts),
            Route("/_admin/config", admin.config, methods=["GET", "POST"]),
            Route("/_admin/mutate", admin.mutate_route, methods=["POST"]),
            Route("/_admin/crm_user_emails", admin.crm_users),
        ],
    )
    app.state.sandbox = state
    return ClinikoPipeline(app, state)
