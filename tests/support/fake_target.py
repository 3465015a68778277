"""A CRM target on an in-memory fake CRM, offline, whose waits are recorded instead of slept."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, TypeVar

from crmsync.client import CrmClient
from crmsync.retry import PolicyRunner
from crmsync.target import CrmTarget

Target = TypeVar("Target", bound=CrmTarget)


class FakeClock:
    """Time that passes only when slept; every sleep is recorded."""

    def __init__(self, sleeps: list[float]) -> None:
        self.now = 1000.0
        self.sleeps = sleeps

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def fake_backed(
    target: type[Target],
    client: type[CrmClient],
    fake: Any | None,
    sleeps: list[float] | None = None,
) -> type[Target]:
    """`target` whose `client` talks to `fake` (None: the network); waits land in `sleeps`."""
    clock = FakeClock(sleeps if sleeps is not None else [])

    class FakeBackedClient(client):  # type: ignore[misc, valid-type]
        def __init__(self, config: Any, runner: PolicyRunner) -> None:
            runner.sleep = runner.limiter.sleep = clock.sleep
            runner.limiter.clock = clock
            options = {"transport": fake.transport()} if fake else {}
            super().__init__(config, runner, **options)

    class FakeBackedTarget(target):  # type: ignore[misc, valid-type]
        client_class = FakeBackedClient

    return FakeBackedTarget


def last_report(tmp_path: Path, crm: str) -> dict[str, Any]:
    """The newest run report a target wrote under tmp_path/reports."""
    reports = sorted(
        (tmp_path / "reports").glob(f"{crm}-run-*.json"),
        key=lambda p: int(p.stem.rsplit("-", 1)[1]),
    )
    return json.loads(reports[-1].read_text())
