"""ASGI middleware in front of the API: request counting, auth, rate limits, latency and faults."""

from __future__ import annotations

import asyncio
import hmac
import json
from typing import TYPE_CHECKING, Any

from clinic_sandbox.freshsales.config import API_PREFIX
from clinic_sandbox.freshsales.errors import ApiError
from clinic_sandbox.freshsales.stats import route_name

if TYPE_CHECKING:
    from clinic_sandbox.freshsales.app import Simulator

Message = dict[str, Any]
UNAUTHORIZED = {"login": "failed", "message": "Incorrect or expired API key"}


def _authorized(scope: Message, api_key: str) -> bool:
    headers = dict(scope.get("headers") or [])
    raw = headers.get(b"authorization", b"").decode("latin-1").strip()
    expected = f"Token token={api_key}"
    return hmac.compare_digest(raw.encode(), expected.encode())


def _drop_connection(send: Any) -> None:
    # uvicorn's send is a bound method of the request cycle, which holds the socket transport;
    # marking the cycle disconnected stops uvicorn answering 500 for the missing response.
    cycle = getattr(send, "__self__", None)
    transport = getattr(cycle, "transport", None)
    if cycle is None or transport is None:
        raise ConnectionAbortedError("simulated dropped connection")
    cycle.disconnected = True
    transport.close()


class ApiGate:
    """Wraps the Starlette app; only paths under the API prefix pass through the gate."""

    def __init__(self, app: Any, simulator: Simulator) -> None:
        self.app = app
        self.sim = simulator

    async def __call__(self, scope: Message, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or not scope["path"].startswith(API_PREFIX):
            await self.app(scope, receive, send)
            return
        sim = self.sim
        sim.stats.request(route_name(scope["method"], scope["path"], API_PREFIX))
        if not _authorized(scope, sim.config.api_key):
            await self._answer(send, 401, UNAUTHORIZED, {})
            return
        verdict = sim.limiter.take()
        limit_headers = {
            "X-RateLimit-Limit": str(verdict.limit),
            "X-RateLimit-Remaining": str(verdict.remaining),
            "X-RateLimit-Reset": str(verdict.reset_epoch),
        }
        if not verdict.allowed:
            error = ApiError(429, f"You have exceeded the limit of requests per {verdict.window}")
            headers = {**limit_headers, "Retry-After": str(verdict.retry_after)}
            await self._answer(send, 429, error.body(), headers)
            return
        if sim.dice.burst():  # another integration spent the minute's quota: Retry-After 1 s
            sim.stats.fault("burst")
            error = ApiError(429, "You have exceeded the limit of requests per minute")
            await self._answer(send, 429, error.body(), {**limit_headers, "Retry-After": "1"})
            return
        status = sim.dice.before()
        if status is not None:
            sim.stats.fault("error")
            error = ApiError(status, "Service temporarily unavailable")
            await self._answer(send, status, error.body(), limit_headers)
            return
        await self._pass(scope, receive, send, limit_headers)

    async def _pass(self, scope: Message, receive: Any, send: Any, extra: dict[str, str]) -> None:
        sim = self.sim
        delay = sim.dice.delay()
        if delay:
            await asyncio.sleep(delay)
        held: list[Message] = []

        async def hold(message: Message) -> None:
            held.append(message)

        await self.app(scope, receive, hold)
        fault = sim.dice.after()
        if fault:
            sim.stats.fault(fault)
        if fault == "drop":
            _drop_connection(send)
            return
        if fault == "timeout":
            await asyncio.sleep(sim.config.faults.timeout_seconds)
        for message in held:
            if message["type"] == "http.response.start":
                sim.stats.answered(message["status"])
                message = {**message, "headers": [*message.get("headers", []), *_raw(extra)]}
            await send(message)

    async def _answer(self, send: Any, status: int, body: Any, headers: dict[str, str]) -> None:
        self.sim.stats.answered(status)
        payload = json.dumps(body).encode()
        raw = [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(payload)).encode()),
        ]
        await send(
            {"type": "http.response.start", "status": status, "headers": raw + _raw(headers)}
        )
        await send({"type": "http.response.body", "body": payload})


def _raw(headers: dict[str, str]) -> list[tuple[bytes, bytes]]:
    return [(name.lower().encode(), value.encode()) for name, value in headers.items()]
