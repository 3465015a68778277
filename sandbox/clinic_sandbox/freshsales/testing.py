"""A pytest helper: run the simulator on a free loopback port in a thread during a test."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import Any

import httpx

from clinic_sandbox.freshsales.app import Simulator, build_app
from clinic_sandbox.freshsales.config import API_PREFIX, SimulatorConfig, project_custom_fields
from clinic_sandbox.freshsales.entities import BY_KEY
from clinic_sandbox.serving import serving_on_loopback


@dataclass(frozen=True)
class RunningSimulator:
    """What a test needs: where the API is, the key, and direct access to the state."""

    base_url: str  # ends in /crm/sales/api
    root_url: str
    api_key: str
    simulator: Simulator

    @property
    def store(self) -> Any:
        """The in-process state (lock it with `store.lock` while reading)."""
        return self.simulator.store

    @property
    def headers(self) -> dict[str, str]:
        """The auth header Freshsales wants."""
        return {"Authorization": f"Token token={self.api_key}"}

    def records(self, entity: str, include_deleted: bool = False) -> list[dict[str, Any]]:
        """Every record held for an entity key (`contacts`, `products` ...), in the API shape."""
        spec = BY_KEY[entity]
        store = self.simulator.store
        with store.lock:
            held = list(store.records[entity].values())
            if include_deleted:
                held += list(store.deleted[entity].values())
            return sorted((store.render(spec, record) for record in held), key=lambda r: r["id"])

    def stats(self) -> dict[str, Any]:
        """`/_admin/stats`, read over HTTP like any other client."""
        return httpx.get(f"{self.root_url}/_admin/stats", timeout=10).json()

    def reset(self) -> None:
        """Empty the simulator between tests."""
        self.simulator.reset()

    def client(self, **kwargs: Any) -> httpx.Client:
        """An httpx client pointed at the API with the auth header set."""
        return httpx.Client(base_url=self.base_url, headers=self.headers, **kwargs)


@contextmanager
def running_simulator(
    config: SimulatorConfig | None = None,
    *,
    users: list[Any] | None = None,
    with_custom_fields: bool = False,
    **overrides: Any,
) -> Iterator[RunningSimulator]:
    """Start a simulator in a thread; yields a `RunningSimulator`, stops it on exit.

    `users` and `with_custom_fields` are shortcuts; other keyword arguments override fields of
    `SimulatorConfig` (e.g. `hourly_limit=5, job_delay=0`).
    """
    config = config or SimulatorConfig()
    if users is not None:
        overrides["users"] = users
    if with_custom_fields:
        overrides["custom_fields"] = project_custom_fields()
    config = replace(config, **overrides)
    app = build_app(config)
    with serving_on_loopback(app, "Freshsales simulator") as root:
        yield RunningSimulator(
            base_url=root + API_PREFIX,
            root_url=root,
            api_key=config.api_key,
            simulator=app.state.simulator,
        )
