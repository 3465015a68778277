"""The API allocation (Sforce-Limit-Info, 403 REQUEST_LIMIT_EXCEEDED), faults and the stats."""

from __future__ import annotations

import time

import httpx
import pytest
from clinic_sandbox.freshsales.faults import FaultSettings
from clinic_sandbox.salesforce.testing import RunningSimulator, running_simulator


def test_every_answer_carries_the_usage(api: httpx.Client) -> None:
    first = api.get("/sobjects")
    second = api.post("/sobjects/Contact", json={})  # a refused record still counts
    assert first.headers["Sforce-Limit-Info"] == "api-usage=1/100000"
    assert second.headers["Sforce-Limit-Info"] == "api-usage=2/100000"
    assert api.get("/limits").json() == {"DailyApiRequests": {"Max": 100000, "Remaining": 99997}}


def test_past_the_allocation_calls_are_refused_until_the_window_ends() -> None:
    # 24 h x 0.00002 ≈ 1.7 s: long enough for three calls, short enough to wait out.
    with (
        running_simulator(daily_limit=2, window_scale=0.00002) as sim,
        sim.client(timeout=10) as api,
    ):
        assert [api.get("/sobjects").status_code for _ in range(2)] == [200, 200]
        refused = api.get("/sobjects")
        assert refused.status_code == 403
        assert refused.json() == [
            {"message": "TotalRequests Limit exceeded.", "errorCode": "REQUEST_LIMIT_EXCEEDED"}
        ]
        assert refused.headers["Sforce-Limit-Info"] == "api-usage=2/2"
        assert "Retry-After" not in refused.headers
        assert sim.stats()["limit_exceeded"] == 1
        deadline = time.monotonic() + 10
        while api.get("/sobjects").status_code == 403 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert api.get("/sobjects").headers["Sforce-Limit-Info"].startswith("api-usage=")


def test_token_requests_and_401s_do_not_count(sim: RunningSimulator, api: httpx.Client) -> None:
    sim.access_token()
    httpx.get(f"{sim.api_url}/sobjects", timeout=10)
    assert api.get("/sobjects").headers["Sforce-Limit-Info"] == "api-usage=1/100000"


def test_server_errors_are_injected_before_anything_is_done() -> None:
    with (
        running_simulator(faults=FaultSettings(error_rate=1.0)) as sim,
        sim.client(timeout=10) as api,
    ):
        answer = api.post("/sobjects/Account", json={"Name": "A"})
        assert answer.status_code in (500, 502, 503)
        assert answer.json()[0]["errorCode"] == "SERVER_UNAVAILABLE"
        assert sim.records("Account") == []
        assert sim.stats()["faults"]["error"] == 1


def test_dropped_connections_happen_after_the_write_landed() -> None:
    with (
        running_simulator(faults=FaultSettings(drop_rate=1.0)) as sim,
        sim.client(timeout=10) as api,
    ):
        with pytest.raises(httpx.TransportError):
            api.patch("/sobjects/Account/Name/x", json={})  # 404 answer, dropped
        with pytest.raises(httpx.TransportError):
            api.post("/sobjects/Account", json={"Name": "Landed"})
        assert [a["Name"] for a in sim.records("Account")] == ["Landed"]


def test_stats_count_routes_and_statuses(sim: RunningSimulator, api: httpx.Client) -> None:
    api.patch("/sobjects/Contact/Cliniko_Id__c/p:1", json={"LastName": "Ng"})
    api.get("/sobjects/Contact/describe")
    stats = sim.stats()
    assert stats["by_route"] == {
        "PATCH /sobjects/{name}/{field}/{value}": 1,
        "GET /sobjects/{name}/describe": 1,
    }
    assert stats["by_status"] == {"201": 1, "200": 1}
    assert stats["records"]["Contact"] == 1 and stats["api_usage"] == 2


def test_admin_records_and_reset(sim: RunningSimulator, api: httpx.Client) -> None:
    rid = api.post("/sobjects/Contact", json={"LastName": "Ng"}).json()["id"]
    api.delete(f"/sobjects/Contact/{rid}")
    admin = f"{sim.base_url}/_admin"
    assert httpx.get(f"{admin}/records/Contact", timeout=10).json()["count"] == 0
    held = httpx.get(f"{admin}/records/Contact?include_deleted=1", timeout=10).json()
    assert held["records"][0]["IsDeleted"] is True
    assert httpx.post(f"{admin}/reset", timeout=10).json() == {"reset": True}
    assert sim.stats()["requests_total"] == 0
    assert api.get("/sobjects").status_code == 200  # tokens survive a reset


def test_timeouts_hold_the_answer_after_the_write_landed() -> None:
    faults = FaultSettings(timeout_rate=1.0, timeout_seconds=5.0)
    with running_simulator(faults=faults) as sim, sim.client(timeout=0.5) as api:
        with pytest.raises(httpx.ReadTimeout):
            api.post("/sobjects/Account", json={"Name": "Landed"})
        assert [a["Name"] for a in sim.records("Account")] == ["Landed"]
        assert sim.stats()["faults"]["timeout"] == 1
