"""Freshsales status codes → the crmsync Disposition (the one mapping function for this CRM)."""

from __future__ import annotations

import email.utils
import time

import httpx
from crmsync.errors import OK, Disposition, Verdict


def classify(response: httpx.Response) -> Verdict:
    """Map one Freshsales answer to what the engine does.

    Freshsales sends no machine error codes, only the status and `errors.message` sentences [3p],
    so the status alone decides; the sentences only become the reject reason.
    """
    status = response.status_code
    if 200 <= status < 300:
        return OK
    reason = f"HTTP {status}: {error_text(response)}"
    if status == 429:  # hourly/minute account limit [docs]
        return Verdict(Disposition.RATE_LIMITED, reason, retry_after(response))
    if status == 401:
        return Verdict(Disposition.FATAL, "the API key was refused (check the api_key setting)")
    if status == 403:  # a non-admin key cannot read owners [3p]
        return Verdict(
            Disposition.FATAL, f"permission denied, use an admin user's api_key: {reason}"
        )
    if status in (408, 500, 502, 503, 504):
        return Verdict(Disposition.RETRY, reason)
    return Verdict(Disposition.REJECT, reason)  # 400 validation, 404, 413 file too large ...


def error_text(response: httpx.Response) -> str:
    """The `errors.message` sentences (`{"errors": {"code", "message": [...]}}` [3p])."""
    try:
        body = response.json()
    except ValueError:
        return response.reason_phrase or "no details"
    errors = body.get("errors") if isinstance(body, dict) else None
    if isinstance(errors, dict):
        message = errors.get("message")
        if isinstance(message, list):
            return "; ".join(str(m) for m in message)
        if message:
            return str(message)
    if isinstance(body, dict) and body.get("message"):
        return str(body["message"])
    return response.reason_phrase or "no details"


def retry_after(response: httpx.Response, now: float | None = None) -> float | None:
    """Seconds to wait: `Retry-After` (seconds or HTTP date), else `X-RateLimit-Reset` [3p]."""
    now = time.time() if now is None else now
    header = response.headers.get("Retry-After")
    if header:
        header = header.strip()
        if header.isdigit():
            return float(header)
        try:
            return max(email.utils.parsedate_to_datetime(header).timestamp() - now, 0.0)
        except (TypeError, ValueError):
            pass  # unreadable: fall through to the reset header
    reset = response.headers.get("X-RateLimit-Reset")
    if reset and reset.strip().isdigit():
        return max(float(reset) - now, 0.0)
    return None
