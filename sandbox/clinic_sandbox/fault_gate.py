"""The part of a CRM simulator's API gate that every CRM shares: latency, held answers, faults.

A CRM's gate subclasses FaultGate and decides auth, limits and error shapes in `__call__`; the
simulator it wraps has `dice` (FaultDice), `stats` (Stats) and `config.faults` (FaultSettings).
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

Message = dict[str, Any]


def _drop_connection(send: Any) -> None:
    # uvicorn's send is a bound method of the request cycle, which holds the socket transport;
    # marking the cycle disconnected stops uvicorn answering 500 for the missing response.
    cycle = getattr(send, "__self__", None)
    transport = getattr(cycle, "transport", None)
    if cycle is None or transport is None:
        raise ConnectionAbortedError("simulated dropped connection")
    cycle.disconnected = True
    transport.close()


def _raw(headers: dict[str, str]) -> list[tuple[bytes, bytes]]:
    return [(name.lower().encode(), value.encode()) for name, value in headers.items()]


class FaultGate:
    """Wraps the Starlette app; subclasses gate API paths and call `_pass` or `_answer`."""

    def __init__(self, app: Any, simulator: Any) -> None:
        self.app = app
        self.sim = simulator

    async def _pass(self, scope: Message, receive: Any, send: Any, extra: dict[str, str]) -> None:
        """Let the app answer after the latency, then apply a timeout or drop fault; add `extra`."""
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
        """Answer in the gate's place with a JSON body (auth, limits, injected errors)."""
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
