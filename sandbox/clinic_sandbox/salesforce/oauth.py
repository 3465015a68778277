"""`POST /services/oauth2/token`: JWT bearer and refresh-token grants, Salesforce's error shape."""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from clinic_sandbox.salesforce.rsa import load_public_key, verify_rs256
from clinic_sandbox.salesforce.sessions import ORG_ID

if TYPE_CHECKING:
    from clinic_sandbox.salesforce.app import Simulator

JWT_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer"
AUDIENCES = {"https://login.salesforce.com", "https://test.salesforce.com"}
CLOCK_SKEW = 5


class GrantError(Exception):
    def __init__(self, error: str, description: str, status: int = 400) -> None:
        super().__init__(description)
        self.error, self.description, self.status = error, description, status


def _user_by_username(sim: Simulator, username: Any) -> str | None:
    if not isinstance(username, str):
        return None
    with sim.store.lock:
        users = sim.store.records["User"].values()
        return next((u["Id"] for u in users if u["Username"].lower() == username.lower()), None)


def _jwt_user(sim: Simulator, form: dict[str, str], base_url: str) -> str:
    pem = sim.config.jwt_public_key_pem
    if not pem:
        raise GrantError("invalid_grant", "invalid assertion")
    try:
        claims = verify_rs256(form.get("assertion", ""), load_public_key(pem))
    except ValueError:
        raise GrantError("invalid_grant", "invalid assertion") from None
    if claims.get("iss") != sim.config.client_id:
        raise GrantError("invalid_client_id", "client identifier invalid")
    user = _user_by_username(sim, claims.get("sub"))
    if user is None:
        raise GrantError("invalid_grant", "user hasn't approved this consumer")
    audience = claims.get("aud")
    audiences = audience if isinstance(audience, list) else [audience]
    if not any(a in AUDIENCES or a == base_url for a in audiences):
        raise GrantError("invalid_grant", "invalid assertion")
    expiry = claims.get("exp")
    if not isinstance(expiry, (int, float)) or expiry + CLOCK_SKEW < time.time():
        raise GrantError("invalid_grant", "invalid assertion")
    return user


def _refresh_user(sim: Simulator, form: dict[str, str]) -> str:
    config = sim.config
    if not hmac.compare_digest(form.get("client_id", ""), config.client_id):
        raise GrantError("invalid_client_id", "client identifier invalid")
    if not hmac.compare_digest(form.get("client_secret", ""), config.client_secret):
        raise GrantError("invalid_client", "invalid client credentials", 401)
    if not hmac.compare_digest(form.get("refresh_token", ""), config.refresh_token):
        raise GrantError("invalid_grant", "expired access/refresh token")
    with sim.store.lock:
        return next(iter(sim.store.records["User"]))


async def token(request: Request) -> JSONResponse:
    sim: Simulator = request.app.state.simulator
    raw = parse_qs((await request.body()).decode("utf-8", "replace"))
    form = {key: values[0] for key, values in raw.items()}
    base_url = str(request.base_url).rstrip("/")
    grant = form.get("grant_type")
    try:
        if grant == JWT_GRANT:
            user = _jwt_user(sim, form, base_url)
        elif grant == "refresh_token":
            user = _refresh_user(sim, form)
        else:
            raise GrantError("unsupported_grant_type", "grant type not supported")
    except GrantError as error:
        body = {"error": error.error, "error_description": error.description}
        return JSONResponse(body, status_code=error.status)
    issued_at = str(int(time.time() * 1000))
    identity = f"{base_url}/id/{ORG_ID}/{user}"
    mac = hmac.new(
        sim.config.client_secret.encode(), f"{identity}{issued_at}".encode(), hashlib.sha256
    )
    return JSONResponse(
        {
            "access_token": sim.sessions.issue(user),
            "instance_url": base_url,
            "id": identity,
            "token_type": "Bearer",
            "issued_at": issued_at,
            "signature": base64.b64encode(mac.digest()).decode(),
            "scope": "api",
        }
    )


OAUTH_ROUTES = [Route("/token", token, methods=["POST"])]
