"""OAuth 2.0 for Salesforce: JWT bearer (unattended) or refresh token; the answer names the org."""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import jwt
from crmsync.errors import ConfigError, FatalCrmError
from crmsync.settings import https_url

from target_salesforce import settings

JWT_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer"
# Salesforce accepts an assertion for at most 3 minutes [docs: remoteaccess_oauth_jwt_flow].
ASSERTION_SECONDS = 180


@dataclass(frozen=True)
class Token:
    """An access token and the org's own host (every API call goes there)."""

    access_token: str
    instance_url: str


class TokenSource:
    """Fetches a token by the configured flow; `fetch()` again when the session expires."""

    def __init__(self, config: Mapping[str, Any], http: httpx.Client) -> None:
        """Check the flow's settings now, so a missing one is named before any call."""
        self.url = settings.login_url(config) + "/services/oauth2/token"
        self.http = http
        self.client_id = _required(config, "client_id")
        self.username = str(config.get("username") or "").strip()
        self.refresh_token = str(config.get("refresh_token") or "").strip()
        self.client_secret = str(config.get("client_secret") or "").strip()
        self._key = _private_key(config)
        if self._key and not self.username:
            raise ConfigError("the JWT bearer flow needs username (the integration user)")
        if not self._key and not self.refresh_token:
            raise ConfigError(
                "set private_key (or private_key_path) and username for the JWT bearer flow, "
                "or refresh_token for the refresh-token flow"
            )
        self.audience = settings.login_url(config)

    @property
    def flow(self) -> str:
        """`jwt` or `refresh_token` (JWT wins when both are set: nothing expires with it)."""
        return "jwt" if self._key else "refresh_token"

    def fetch(self) -> Token:
        """A new access token; a refusal stops the run (FatalCrmError), naming the flow."""
        try:
            answer = self.http.post(self.url, data=self._form())
        except httpx.TransportError as exc:
            raise FatalCrmError(f"OAuth token request failed: {type(exc).__name__}") from exc
        body = _json(answer)
        if answer.status_code != 200 or not body.get("access_token"):
            # `error` is a code (invalid_grant ...); `error_description` names no secret.
            error = body.get("error") or f"HTTP {answer.status_code}"
            detail = body.get("error_description") or ""
            raise FatalCrmError(
                f"Salesforce refused the {self.flow} flow: {error} {detail}".strip(),
                answer.status_code,
            )
        instance = body.get("instance_url")
        if not instance:
            raise FatalCrmError("the token answer carried no instance_url", answer.status_code)
        return Token(str(body["access_token"]), https_url(instance, "instance_url"))

    def _form(self) -> dict[str, str]:
        if self._key:
            return {"grant_type": JWT_GRANT, "assertion": self.assertion()}
        form = {
            "grant_type": "refresh_token",
            "refresh_token": self.refresh_token,
            "client_id": self.client_id,
        }
        if self.client_secret:
            form["client_secret"] = self.client_secret
        return form

    def assertion(self, now: float | None = None) -> str:
        """The RS256-signed JWT: iss = consumer key, sub = user, aud = login host."""
        issued = int(time.time() if now is None else now)
        claims = {
            "iss": self.client_id,
            "sub": self.username,
            "aud": self.audience,
            "exp": issued + ASSERTION_SECONDS,
        }
        try:
            return jwt.encode(claims, self._key, algorithm="RS256")
        except (ValueError, TypeError) as exc:
            raise ConfigError("private_key is not a readable PEM RSA private key") from exc


def _required(config: Mapping[str, Any], key: str) -> str:
    value = str(config.get(key) or "").strip()
    if not value:
        raise ConfigError(f"{key} is required (the connected app's consumer key)")
    return value


def _private_key(config: Mapping[str, Any]) -> str:
    key = str(config.get("private_key") or "").strip()
    path = str(config.get("private_key_path") or "").strip()
    if not key and path:
        try:
            key = Path(path).expanduser().read_text().strip()
        except OSError as exc:
            raise ConfigError(f"private_key_path cannot be read ({type(exc).__name__})") from exc
    # Settings stored in .env often carry the PEM's newlines escaped.
    return key.replace("\\n", "\n")


def _json(answer: httpx.Response) -> dict[str, Any]:
    try:
        body = answer.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}
