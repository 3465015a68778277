"""HTTP behaviour: headers, 429 waits, retries, fatal 401/400, skipped 403, safe redirects."""

from __future__ import annotations

import base64
import logging
import re
import time

import pytest
import requests
from singer_sdk.exceptions import FatalAPIError, RetriableAPIError
from tap_cliniko.errors import ClinikoAuthError, TapBugError
from tap_cliniko.retry import RetryPolicy
from tap_fake_api import FakeCliniko, Fault
from tap_helpers import API_KEY, make_config, minute, row, run_tap

KEY_BODY = API_KEY.split("-")[0]


def logged_waits(caplog) -> list[float]:
    return [float(w) for w in re.findall(r"retrying in ([0-9.]+) s", caplog.text)]


def test_requests_carry_basic_auth_accept_and_user_agent(fake: FakeCliniko) -> None:
    fake.add("/users", [row(1, minute(1))])
    run_tap(make_config(), {"users"})
    headers = fake.calls_to("/users")[0].headers
    assert headers["Authorization"] == "Basic " + base64.b64encode(f"{API_KEY}:".encode()).decode()
    assert headers["Accept"] == "application/json"
    assert headers["User-Agent"] == "tap-cliniko tests (tests@example.com)"


def test_429_waits_until_the_rate_limit_resets(fake: FakeCliniko, caplog) -> None:
    fake.add("/users", [row(1, minute(1))])
    reset = str(int(time.time()) + 30)
    fake.fail("/users", Fault(429, {"X-RateLimit-Reset": reset}))
    with caplog.at_level(logging.WARNING):
        result = run_tap(make_config(), {"users"})
    assert [r["id"] for r in result.records("users")] == ["1"]
    assert "HTTP 429" in caplog.text
    assert 28.5 <= logged_waits(caplog)[0] <= 31.5


def test_429_honours_retry_after_when_sent(fake: FakeCliniko, caplog) -> None:
    fake.add("/users", [row(1, minute(1))])
    fake.fail("/users", Fault(429, {"Retry-After": "7", "X-RateLimit-Reset": "0"}))
    with caplog.at_level(logging.WARNING):
        run_tap(make_config(), {"users"})
    assert logged_waits(caplog) == [7.0]


def test_server_errors_and_dropped_connections_are_retried(fake: FakeCliniko) -> None:
    fake.add("/users", [row(1, minute(1)), row(2, minute(2))])
    fake.fail("/users", Fault(503), Fault(500), Fault(502))
    dropped = []

    def drop_first_connection(api: FakeCliniko, call) -> None:
        if not dropped:
            dropped.append(call)
            raise requests.exceptions.ConnectionError("connection reset by peer")

    fake.before_response = drop_first_connection
    result = run_tap(make_config(), {"users"})
    assert [r["id"] for r in result.records("users")] == ["1", "2"]
    assert len(fake.calls_to("/users")) == 5


def test_retries_give_up_after_eight_tries(fake: FakeCliniko) -> None:
    fake.add("/users", [row(1, minute(1))])
    fake.fail("/users", *[Fault(503)] * 8)
    with pytest.raises(RetriableAPIError):
        run_tap(make_config(), {"users"})
    assert len(fake.calls_to("/users")) == 8


def test_default_backoff_outlasts_a_one_minute_quota_window() -> None:
    policy = RetryPolicy()
    waits = [policy.wait_seconds(None, n) for n in range(policy.max_tries - 1)]
    assert sum(waits) > 60
    assert max(waits) <= policy.max_wait_seconds + 1


def test_401_is_fatal_and_names_the_endpoint_not_the_key(fake: FakeCliniko) -> None:
    fake.add("/users", [row(1, minute(1))])
    fake.fail("/users", Fault(401, body="HTTP Basic: Access denied."))
    with pytest.raises(ClinikoAuthError) as caught:
        run_tap(make_config(), {"users"})
    assert "api_key" in str(caught.value)
    assert fake.base_url in str(caught.value)
    assert KEY_BODY not in str(caught.value)
    assert len(fake.calls_to("/users")) == 1


def test_403_skips_only_that_stream(fake: FakeCliniko, caplog) -> None:
    fake.add("/users", [row(1, minute(1))])
    fake.add("/treatment_notes", [row(2, minute(2))])
    fake.fail("/treatment_notes", Fault(403))
    with caplog.at_level(logging.WARNING):
        result = run_tap(make_config(max_concurrent_requests=2), {"users", "treatment_notes"})
    assert [r["id"] for r in result.records("users")] == ["1"]
    assert result.records("treatment_notes") == []
    assert "treatment_notes" in caplog.text and "role" in caplog.text


def test_not_searchable_is_reported_as_a_tap_bug(fake: FakeCliniko) -> None:
    fake.add("/users", [row(1, minute(1))])
    fake.searchable["/users"] = {"created_at", "id"}
    with pytest.raises(TapBugError, match="tap bug, please report"):
        run_tap(make_config(), {"users"})


def test_400_messages_carry_only_the_api_message(fake: FakeCliniko) -> None:
    fake.add("/patients", [row(1, minute(1))])
    fake.fail("/patients", Fault(400, body={"message": "Bad filter", "first_name": "Jane"}))
    with pytest.raises(FatalAPIError) as caught:
        run_tap(make_config(), {"patients"})
    assert "Bad filter" in str(caught.value)
    assert "Jane" not in str(caught.value)


def test_server_error_bodies_never_reach_the_logs(fake: FakeCliniko, caplog) -> None:
    fake.add("/patients", [row(1, minute(1))])
    fake.fail("/patients", Fault(500, body={"patient": "Jane Citizen"}))
    with caplog.at_level(logging.DEBUG):
        run_tap(make_config(), {"patients"})
    assert "Jane" not in caplog.text
    assert KEY_BODY not in caplog.text
