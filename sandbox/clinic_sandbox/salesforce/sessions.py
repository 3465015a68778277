"""Access tokens handed out by the token endpoint, each acting as one user until it expires."""

from __future__ import annotations

import hmac
import secrets
import threading
import time

from clinic_sandbox.salesforce.ids import make_id

ORG_ID = make_id("00D", 1)


class Sessions:
    """Issued tokens → (user id, expiry on the monotonic clock)."""

    def __init__(self, ttl: float) -> None:
        self.ttl = ttl
        self._lock = threading.Lock()
        self._tokens: dict[str, tuple[str, float]] = {}
        self.issued = 0

    def issue(self, user_id: str) -> str:
        token = f"{ORG_ID[:15]}!{secrets.token_urlsafe(48)}"
        with self._lock:
            self._tokens[token] = (user_id, time.monotonic() + self.ttl)
            self.issued += 1
        return token

    def user(self, token: str) -> str | None:
        """The user a live token acts as, or None (unknown or expired)."""
        with self._lock:
            # compare_digest over every token: no early exit that times out the right prefix.
            held = next((v for k, v in self._tokens.items() if hmac.compare_digest(k, token)), None)
        if held is None or held[1] < time.monotonic():
            return None
        return held[0]

    def expire_all(self) -> None:
        with self._lock:
            self._tokens.clear()
