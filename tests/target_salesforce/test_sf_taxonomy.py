"""Salesforce status + errorCode → Disposition (the one mapping), and the policy acting on it."""

from __future__ import annotations

import httpx
import pytest
from crmsync.errors import Disposition
from target_salesforce.taxonomy import LIMIT_WAIT_SECONDS, classify


def answer(status: int, code: str | None = None, message: str = "m") -> httpx.Response:
    body = [{"errorCode": code, "message": message}] if code else None
    return httpx.Response(status, json=body)


@pytest.mark.parametrize(
    ("status", "code", "expected"),
    [
        (200, None, Disposition.OK),
        (201, None, Disposition.OK),
        (204, None, Disposition.OK),
        (403, "REQUEST_LIMIT_EXCEEDED", Disposition.RATE_LIMITED),
        (401, "INVALID_SESSION_ID", Disposition.FATAL),
        (403, "INSUFFICIENT_ACCESS", Disposition.FATAL),
        (403, "API_DISABLED_FOR_ORG", Disposition.FATAL),
        (503, "SERVER_UNAVAILABLE", Disposition.RETRY),
        (500, None, Disposition.RETRY),
        (400, "UNABLE_TO_LOCK_ROW", Disposition.RETRY),
        (400, "REQUIRED_FIELD_MISSING", Disposition.REJECT),
        (400, "INVALID_FIELD", Disposition.REJECT),
        (404, "NOT_FOUND", Disposition.REJECT),
        (300, None, Disposition.REJECT),
    ],
)
def test_status_and_error_code_decide(status: int, code: str | None, expected: Disposition) -> None:
    assert classify(answer(status, code)).disposition is expected


def test_the_limit_asks_for_a_day_so_the_policy_stops_instead_of_looping() -> None:
    verdict = classify(answer(403, "REQUEST_LIMIT_EXCEEDED", "TotalRequests Limit exceeded."))
    assert verdict.wait_seconds == LIMIT_WAIT_SECONDS > 3600
    assert "REQUEST_LIMIT_EXCEEDED" in verdict.reason


def test_message_text_never_decides() -> None:
    # A validation error whose message mentions the limit is still a record problem.
    verdict = classify(answer(400, "FIELD_CUSTOM_VALIDATION_EXCEPTION", "REQUEST_LIMIT_EXCEEDED"))
    assert verdict.disposition is Disposition.REJECT


def test_reject_reason_names_code_and_fields() -> None:
    response = httpx.Response(
        400,
        json=[{"errorCode": "STRING_TOO_LONG", "message": "too large", "fields": ["LastName"]}],
    )
    assert classify(response).reason == "HTTP 400: STRING_TOO_LONG: too large (LastName)"
