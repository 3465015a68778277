"""A pytest helper: run the simulator on a free loopback port in a thread during a test."""

from __future__ import annotations

import functools
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import Any

import httpx

from clinic_sandbox.salesforce import rsa
from clinic_sandbox.salesforce.app import Simulator, build_app
from clinic_sandbox.salesforce.config import SimulatorConfig
from clinic_sandbox.salesforce.operations import render
from clinic_sandbox.serving import serving_on_loopback


@functools.lru_cache(maxsize=1)
def signing_key() -> rsa.PrivateKey:
    """One RSA key per process: generating 2048-bit keys in pure Python takes about a second."""
    return rsa.generate_private_key()


@dataclass(frozen=True)
class Credentials:
    """What a target needs to authenticate: the connected app and the JWT signing key."""

    client_id: str
    client_secret: str
    refresh_token: str
    username: str
    private_key_pem: str  # PKCS#1 "RSA PRIVATE KEY"
    public_key_pem: str
    audience: str = "https://login.salesforce.com"

    def jwt_assertion(self, lifetime: int = 180, **claims: Any) -> str:
        """A signed RS256 assertion for the JWT bearer grant (claims may be overridden)."""
        body = {
            "iss": self.client_id,
            "sub": self.username,
            "aud": self.audience,
            "exp": int(time.time()) + lifetime,
            **claims,
        }
        return rsa.sign_rs256(body, signing_key())


@dataclass(frozen=True)
class RunningSimulator:
    """Where the simulator is, how to authenticate, and direct access to its state."""

    base_url: str  # the instance URL, as the token endpoint answers it
    credentials: Credentials
    simulator: Simulator

    @property
    def api_url(self) -> str:
        return self.base_url + self.simulator.config.data_prefix

    @property
    def token_url(self) -> str:
        return self.base_url + "/services/oauth2/token"

    @property
    def store(self) -> Any:
        return self.simulator.store

    def access_token(self) -> str:
        """A fresh access token through the refresh-token grant."""
        creds = self.credentials
        form = {
            "grant_type": "refresh_token",
            "client_id": creds.client_id,
            "client_secret": creds.client_secret,
            "refresh_token": creds.refresh_token,
        }
        answer = httpx.post(self.token_url, data=form, timeout=10)
        answer.raise_for_status()
        return answer.json()["access_token"]

    def client(self, **kwargs: Any) -> httpx.Client:
        """An httpx client on the API root with a Bearer token."""
        headers = {"Authorization": f"Bearer {self.access_token()}"}
        return httpx.Client(base_url=self.api_url, headers=headers, **kwargs)

    def records(self, obj: str, include_deleted: bool = False) -> list[dict[str, Any]]:
        """Every record of an object, in the API shape, creation order."""
        store = self.simulator.store
        with store.lock:
            spec = store.objects[obj]
            held = list(store.records[obj].values())
            if include_deleted:
                held += list(store.deleted[obj].values())
            version = self.simulator.config.api_version
            shown = [render(spec, record, version) for record in held]
        return sorted(shown, key=lambda record: record["Id"])

    def stats(self) -> dict[str, Any]:
        """`/_admin/stats`, read over HTTP like any other client."""
        return httpx.get(f"{self.base_url}/_admin/stats", timeout=10).json()

    def reset(self) -> None:
        self.simulator.reset()


@contextmanager
def running_simulator(
    config: SimulatorConfig | None = None,
    *,
    users: list[Any] | None = None,
    with_custom_objects: bool = False,
    **overrides: Any,
) -> Iterator[RunningSimulator]:
    """Start a simulator in a thread; yields a `RunningSimulator`, stops it on exit.

    Other keyword arguments override `SimulatorConfig` fields (`daily_limit=5`, `job_delay=0` …).
    The JWT public key is the process's test key unless `jwt_public_key_pem` is given.
    """
    key = signing_key()
    overrides.setdefault("jwt_public_key_pem", rsa.public_key_pem(key.public))
    if users is not None:
        overrides["users"] = users
    config = replace(
        config or SimulatorConfig(), with_custom_objects=with_custom_objects, **overrides
    )
    app = build_app(config)
    simulator = app.state.simulator
    with simulator.store.lock:
        username = next(iter(simulator.store.records["User"].values()))["Username"]
    credentials = Credentials(
        client_id=config.client_id,
        client_secret=config.client_secret,
        refresh_token=config.refresh_token,
        username=username,
        private_key_pem=rsa.private_key_pem(key),
        public_key_pem=rsa.public_key_pem(key.public),
    )
    with serving_on_loopback(app, "Salesforce simulator") as root:
        yield RunningSimulator(root, credentials, simulator)
