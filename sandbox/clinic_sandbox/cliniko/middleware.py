"""The request pipeline in front of the API routes: latency, user agent, auth, limit, faults."""

from __future__ import annotations

import asyncio
import json
import math
import time
from typing import Any

from clinic_sandbox.cliniko.behaviour import authorized, user_agent_ok
from clinic_sandbox.cliniko.state import SandboxState

Scope = dict[str, Any]
UA_MESSAGE = (
    "Requests need a User-Agent naming the application and a contact email, "
    "e.g. 'Acme migration (it@acme.example)'."
)


async def _respond(send: Any, status: int, body: bytes, headers: list[tuple[bytes, bytes]]) -> None:
    headers = [*headers, (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def _json(message: str) -> bytes:
    return json.dumps({"message": message}).encode()


_JSON = (b"content-type", b"application/json; charset=utf-8")


async def _drop(send: Any) -> None:
    """Start a 200 answer, send a few bytes, then return: the server closes the connection."""
    await send(
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [_JSON, (b"content-length", b"4096")],
        }
    )
    await send({"type": "http.response.body", "body": b'{"', "more_body": True})


class ClinikoPipeline:
    """ASGI wrapper: API requests pass every check Cliniko makes before reaching a route."""

    def __init__(self, app: Any, state: SandboxState) -> None:
        self.app = app
        self.state = state
        self._burst_left = 0  # requests still to refuse in the current 429 burst
        self._seeded: int | None = None  # the fault_seed the dice were last restarted from

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope["path"].startswith("/_admin"):
            await self.app(scope, receive, send)
            return
        if self.state.is_storage(scope):
            # The storage port serves presigned file URLs and nothing else.
            self.state.stats.storage_requests += 1
            if not scope["path"].startswith("/storage/"):
                await _respond(send, 404, b"", [])
                return
            await self.app(scope, receive, send)
            return
        stats = self.state.stats
        stats.requests += 1
        stats.in_flight += 1
        stats.max_in_flight = max(stats.max_in_flight, stats.in_flight)
        parts = scope["path"].split("/")
        stats.by_route[parts[2] if len(parts) > 2 and parts[1] == "v1" else scope["path"]] += 1

        async def counting_send(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                stats.by_status[message["status"]] += 1
            await send(message)

        try:
            await self._api(scope, receive, counting_send)
        finally:
            stats.in_flight -= 1

    async def _api(self, scope: Scope, receive: Any, send: Any) -> None:
        b = self.state.behaviour
        if b.fault_seed != self._seeded:
            # A new seed restarts the dice: a test gets the same faults whatever ran before it.
            self._seeded = b.fault_seed
            if b.fault_seed is not None:
                self.state.fault_rng.seed(b.fault_seed)
                self._burst_left = 0
        delay_ms = b.latency_ms
        if b.jitter_ms:
            delay_ms += self.state.fault_rng.uniform(-b.jitter_ms, b.jitter_ms)
        if delay_ms > 0:
            # An async sleep: concurrent requests wait side by side, never in a queue.
            await asyncio.sleep(delay_ms / 1000)
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        if not user_agent_ok(headers.get("user-agent")):
            await _respond(send, 403, _json(UA_MESSAGE), [_JSON])
            return
        if authorized(headers.get("authorization"), b.api_key) is None:
            await _respond(
                send,
                401,
                b"HTTP Basic: Access denied.\n",
                [
                    (b"content-type", b"text/html; charset=utf-8"),
                    (b"www-authenticate", b'Basic realm="Application"'),
                ],
            )
            return
        # One budget per user: the key with and without its shard suffix count together.
        reset = self.state.limiter.hit(b.api_key, time.time(), b.rate_limit, b.rate_window_s)
        if reset is not None:
            await _respond(
                send,
                429,
                _json("Too many requests. Try again after X-RateLimit-Reset."),
                [_JSON, (b"x-ratelimit-reset", str(reset).encode())],
            )
            return
        if await self._burst(send) or await self._fault(send):
            return
        await self.app(scope, receive, send)

    async def _burst(self, send: Any) -> bool:
        """Maybe answer 429 as part of a burst: `burst_length` requests in a row, reset in 1 s.

        A burst is what a client sees when another integration on the same account spends the
        quota; the dice are only rolled when bursts are on, so other seeded runs keep their faults.
        """
        b = self.state.behaviour
        rate = b.fault_429_burst_rate
        if not self._burst_left and rate and self.state.fault_rng.random() < rate:
            self._burst_left = b.burst_length
        if not self._burst_left:
            return False
        self._burst_left -= 1
        self.state.stats.faults["burst_429"] += 1
        reset = math.ceil(time.time() + 1)
        await _respond(
            send,
            429,
            _json("Too many requests. Try again after X-RateLimit-Reset."),
            [_JSON, (b"x-ratelimit-reset", str(reset).encode())],
        )
        return True

    async def _fault(self, send: Any) -> bool:
        """Maybe inject a fault; True when the request was answered (or abandoned) by it."""
        b = self.state.behaviour
        roll = self.state.fault_rng.random()
        faults = self.state.stats.faults
        if roll < b.fault_5xx_rate:
            status = self.state.fault_rng.choice([500, 502, 503])
            faults[f"http_{status}"] += 1
            await _respond(send, status, _json("Something went wrong (injected fault)."), [_JSON])
            return True
        roll -= b.fault_5xx_rate
        if roll < b.fault_timeout_rate:
            faults["timeout"] += 1
            await asyncio.sleep(b.hang_s)
            await _drop(send)
            return True
        roll -= b.fault_timeout_rate
        if roll < b.fault_drop_rate:
            faults["dropped"] += 1
            await _drop(send)
            return True
        return False
