"""ASGI middleware in front of the API: request counting, auth, rate limits, latency and faults."""

from __future__ import annotations

import hmac
from typing import TYPE_CHECKING, Any

from clinic_sandbox.fault_gate import FaultGate
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


class ApiGate(FaultGate):
    """Wraps the Starlette app; only paths under the API prefix pass through the gate."""

    sim: Simulator

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
