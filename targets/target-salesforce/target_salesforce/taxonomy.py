"""Salesforce answers → the crmsync Disposition: status plus `errorCode`, never message text."""

from __future__ import annotations

from typing import Any

import httpx
from crmsync.errors import OK, Disposition, Verdict

# The org's allocation is a rolling 24 h window with no Retry-After [docs: errorcodes]: asking
# the policy to wait a day makes it stop the run (longer than max_rate_limit_wait_seconds) so it
# resumes later, instead of a retry loop that burns what little allocation comes back.
LIMIT_WAIT_SECONDS = 24 * 3600.0
RETRY_CODES = {"UNABLE_TO_LOCK_ROW", "SERVER_UNAVAILABLE", "REQUEST_RUNNING_TOO_LONG"}
FATAL_CODES = {
    "INVALID_SESSION_ID",
    "API_DISABLED_FOR_ORG",
    "API_CURRENTLY_DISABLED",
    "INSUFFICIENT_ACCESS",
    "INVALID_AUTH_HEADER",
    "ORG_LOCKED",
}


def classify(response: httpx.Response) -> Verdict:
    """Map one Salesforce REST answer to what the engine does."""
    status = response.status_code
    if 200 <= status < 300:
        return OK  # collections answer 200 even when records failed: read per record
    codes = error_codes(response)
    reason = f"HTTP {status}: {error_text(response)}"
    if status == 403 and "REQUEST_LIMIT_EXCEEDED" in codes:
        return Verdict(
            Disposition.RATE_LIMITED,
            "REQUEST_LIMIT_EXCEEDED: the org's 24-hour API allocation is used up",
            LIMIT_WAIT_SECONDS,
        )
    if status == 401 or codes & FATAL_CODES:
        return Verdict(Disposition.FATAL, f"Salesforce refused the session or access: {reason}")
    if status == 403:
        return Verdict(Disposition.FATAL, f"permission denied for the integration user: {reason}")
    if status in (408, 500, 502, 503, 504) or codes & RETRY_CODES:
        return Verdict(Disposition.RETRY, reason)
    return Verdict(Disposition.REJECT, reason)  # 300 several matches, 400 invalid, 404, 413 ...


def error_codes(response: httpx.Response) -> set[str]:
    """The `errorCode`s of an error answer (`[{message, errorCode, fields}]`)."""
    return {str(e.get("errorCode") or e.get("statusCode")) for e in _errors(_json(response))}


def error_text(response: httpx.Response) -> str:
    """`CODE: message` of each error, or the reason phrase."""
    if response.status_code == 300:
        return "the external id matches several records"
    text = record_errors(_errors(_json(response)))
    return text or response.reason_phrase or "no details"


def record_errors(errors: Any) -> str:
    """`CODE: message (fields)` joined; the shape of REST errors and collection results alike."""
    parts = []
    for error in errors or []:
        if not isinstance(error, dict):
            continue
        code = error.get("errorCode") or error.get("statusCode") or "ERROR"
        fields = error.get("fields") or []
        where = f" ({', '.join(str(f) for f in fields)})" if fields else ""
        parts.append(f"{code}: {error.get('message') or ''}{where}".strip())
    return "; ".join(parts)


def _errors(body: Any) -> list[dict[str, Any]]:
    if isinstance(body, list):
        return [e for e in body if isinstance(e, dict)]
    if isinstance(body, dict):
        return [body] if "errorCode" in body else list(body.get("errors") or [])
    return []


def _json(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None
