"""Rate limits (429 with Retry-After at the hourly and minute limits) and injected faults."""

from __future__ import annotations

import time

import httpx
import pytest
from clinic_sandbox.freshsales.config import SimulatorConfig
from clinic_sandbox.freshsales.faults import FaultSettings
from clinic_sandbox.freshsales.testing import running_simulator


def test_the_minute_limit_answers_429_with_retry_after():
    with running_simulator(minute_limit=3) as sim, sim.client(timeout=10) as api:
        answers = [api.get("/selector/owners") for _ in range(4)]
        assert [a.status_code for a in answers] == [200, 200, 200, 429]
        assert [a.headers["X-RateLimit-Remaining"] for a in answers[:3]] == ["2", "1", "0"]
        refused = answers[3]
        assert refused.json()["errors"]["message"] == [
            "You have exceeded the limit of requests per minute"
        ]
        assert 1 <= int(refused.headers["Retry-After"]) <= 60
        assert int(refused.headers["X-RateLimit-Reset"]) >= int(time.time())
        stats = sim.stats()
        assert stats["rate_limited"] == 1
        assert stats["requests_total"] == 4


def test_the_hourly_limit_is_account_wide_and_admin_routes_do_not_count():
    with running_simulator(hourly_limit=2) as sim, sim.client(timeout=10) as api:
        assert api.get("/selector/owners").status_code == 200
        for _ in range(3):
            assert httpx.get(f"{sim.root_url}/_admin/stats").status_code == 200
        assert api.get("/contacts/filters").status_code == 200
        refused = api.get("/selector/owners")
        assert refused.status_code == 429
        assert refused.json()["errors"]["message"] == [
            "You have exceeded the limit of requests per hour"
        ]
        assert int(refused.headers["Retry-After"]) > 60
        # Unauthenticated calls are refused before they spend quota.
        assert httpx.get(f"{sim.base_url}/selector/owners").status_code == 401


def test_a_scaled_window_opens_again_after_retry_after():
    # 60 s x 0.02 = a 1.2 s minute.
    with running_simulator(minute_limit=1, window_scale=0.02) as sim, sim.client(timeout=10) as api:
        assert api.get("/selector/owners").status_code == 200
        refused = api.get("/selector/owners")
        assert refused.status_code == 429
        assert refused.headers["Retry-After"] in ("1", "2")
        time.sleep(1.3)
        assert api.get("/selector/owners").status_code == 200


def test_plan_presets_set_the_hourly_limit():
    assert [SimulatorConfig(plan=p).hourly for p in ("growth", "pro", "enterprise")] == [
        1000,
        2000,
        5000,
    ]
    with pytest.raises(ValueError, match="--plan"):
        SimulatorConfig(plan="platinum")


def test_injected_server_errors_happen_before_anything_is_written():
    with (
        running_simulator(faults=FaultSettings(error_rate=1.0)) as sim,
        sim.client(timeout=10) as api,
    ):
        response = api.post("/sales_accounts", json={"sales_account": {"name": "North"}})
        assert response.status_code in (500, 502, 503)
        assert sim.records("sales_accounts") == []
        assert sim.stats()["faults"]["error"] == 1


def test_a_dropped_connection_still_applied_the_write():
    with (
        running_simulator(faults=FaultSettings(drop_rate=1.0)) as sim,
        sim.client(timeout=10) as api,
    ):
        with pytest.raises(httpx.RemoteProtocolError):
            api.post("/sales_accounts", json={"sales_account": {"name": "North"}})
        assert [r["name"] for r in sim.records("sales_accounts")] == ["North"]


def test_a_timeout_holds_the_answer_after_applying_the_write():
    faults = FaultSettings(timeout_rate=1.0, timeout_seconds=1.0)
    with running_simulator(faults=faults) as sim, sim.client(timeout=0.5) as api:
        with pytest.raises(httpx.ReadTimeout):
            api.post("/sales_accounts", json={"sales_account": {"name": "North"}})
        assert [r["name"] for r in sim.records("sales_accounts")] == ["North"]
        assert sim.stats()["faults"]["timeout"] == 1


def test_fault_rates_outside_0_to_1_are_refused():
    with pytest.raises(ValueError, match="--error-rate"):
        FaultSettings(error_rate=1.5)
