"""ASGI middleware in front of `/services/data/vXX.X`: counting, auth, the allocation, faults."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from clinic_sandbox.fault_gate import FaultGate
from clinic_sandbox.salesforce.ids import normalize

if TYPE_CHECKING:
    from clinic_sandbox.salesforce.app import Simulator

Message = dict[str, Any]
INVALID_SESSION = [{"message": "Session expired or invalid", "errorCode": "INVALID_SESSION_ID"}]
LIMIT_EXCEEDED = [
    {"message": "TotalRequests Limit exceeded.", "errorCode": "REQUEST_LIMIT_EXCEEDED"}
]
UNAVAILABLE = [{"message": "Service Unavailable", "errorCode": "SERVER_UNAVAILABLE"}]
_LOCATOR = re.compile(r"^01g\w+-\d+$")


def route_name(method: str, path: str) -> str:
    """`PATCH /sobjects/{name}/{field}/{value}` for a concrete path, for the stats."""
    parts = path.strip("/").split("/")
    shown: list[str] = []
    base = parts.index("sobjects") if "sobjects" in parts else -9
    for index, part in enumerate(parts):
        if normalize(part) or _LOCATOR.match(part):
            shown.append("{id}")
        elif index == base + 1:
            shown.append("{name}")
        elif index == base + 2 and part != "describe":
            shown.append("{field}")
        elif index == base + 3 and shown[-1] == "{field}":
            shown.append("{value}")
        else:
            shown.append(part)
    return f"{method} /{'/'.join(shown)}"


def _bearer(scope: Message) -> str:
    headers = dict(scope.get("headers") or [])
    raw = headers.get(b"authorization", b"").decode("latin-1").strip()
    return raw[7:].strip() if raw[:7].lower() == "bearer " else ""


class ApiGate(FaultGate):
    """Wraps the Starlette app; only API paths pass through the gate.

    Latency, faults and the held-answer logic are FaultGate's, as for Freshsales; what differs is
    auth, the allocation and the shapes.
    """

    sim: Simulator

    def __init__(self, app: Any, simulator: Simulator) -> None:
        super().__init__(app, simulator)
        self.prefix = simulator.config.data_prefix

    async def __call__(self, scope: Message, receive: Any, send: Any) -> None:
        path = scope.get("path", "")
        api = path == self.prefix or path.startswith(self.prefix + "/")
        if scope["type"] != "http" or not api:
            await self.app(scope, receive, send)
            return
        sim = self.sim
        sim.stats.request(route_name(scope["method"], path.removeprefix(self.prefix)))
        user = sim.sessions.user(_bearer(scope))
        if user is None:
            await self._answer(send, 401, INVALID_SESSION, {})
            return
        scope.setdefault("state", {})["user_id"] = user
        allowed, usage = sim.usage.take()
        headers = {"Sforce-Limit-Info": usage}
        if not allowed:
            await self._answer(send, 403, LIMIT_EXCEEDED, headers)
            return
        if sim.dice.burst():  # the allocation looks spent for a few calls (another integration)
            sim.stats.fault("burst")
            await self._answer(send, 403, LIMIT_EXCEEDED, headers)
            return
        status = sim.dice.before()
        if status is not None:
            sim.stats.fault("error")
            await self._answer(send, status, UNAVAILABLE, headers)
            return
        await self._pass(scope, receive, send, headers)
