"""OAuth: the RS256 JWT bearer assertion, the refresh-token flow, refusals and expired sessions."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs

import httpx
import jwt
import pytest
from crmsync.errors import ConfigError, FatalCrmError
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from sf_fake import INSTANCE, FakeSalesforce
from sf_harness import config, target_class
from target_salesforce.auth import JWT_GRANT, TokenSource
from target_salesforce.objects import CONTACT


@pytest.fixture(scope="module")
def key_pair() -> tuple[str, str]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    public = (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    return private, public


def jwt_config(private: str) -> dict[str, str]:
    return {"client_id": "ck", "username": "integration@clinic.test", "private_key": private}


def test_jwt_assertion_is_rs256_with_the_documented_claims(key_pair: tuple[str, str]) -> None:
    private, public = key_pair
    source = TokenSource(jwt_config(private), httpx.Client())
    token = source.assertion(now=1_700_000_000)
    claims = jwt.decode(
        token,
        public,
        algorithms=["RS256"],
        audience="https://login.salesforce.com",
        options={"verify_exp": False},
    )
    assert claims == {
        "iss": "ck",
        "sub": "integration@clinic.test",
        "aud": "https://login.salesforce.com",
        "exp": 1_700_000_180,
    }


def test_jwt_flow_posts_the_grant_and_keeps_the_instance_url(key_pair: tuple[str, str]) -> None:
    private, public = key_pair
    seen: list[dict[str, list[str]]] = []

    def token(request: httpx.Request) -> httpx.Response:
        seen.append(parse_qs(request.content.decode()))
        return httpx.Response(200, json={"access_token": "t", "instance_url": INSTANCE})

    http = httpx.Client(transport=httpx.MockTransport(token))
    # An escaped PEM, as .env files carry it, is accepted.
    got = TokenSource(jwt_config(private.replace("\n", "\\n")), http).fetch()
    assert (got.access_token, got.instance_url) == ("t", INSTANCE)
    (form,) = seen
    assert form["grant_type"] == [JWT_GRANT]
    audience = "https://login.salesforce.com"
    jwt.decode(form["assertion"][0], public, algorithms=["RS256"], audience=audience)


def test_key_from_a_file(tmp_path: Path, key_pair: tuple[str, str]) -> None:
    key_file = tmp_path / "server.key"
    key_file.write_text(key_pair[0])
    cfg = {"client_id": "ck", "username": "u@x.test", "private_key_path": str(key_file)}
    assert TokenSource(cfg, httpx.Client()).flow == "jwt"


def test_refresh_flow_form() -> None:
    fake = FakeSalesforce()
    cfg = {"client_id": "ck", "refresh_token": "r1", "client_secret": "s1"}
    got = TokenSource(cfg, httpx.Client(transport=fake.transport())).fetch()
    assert got.instance_url == INSTANCE
    assert fake.tokens_issued == [
        {
            "grant_type": "refresh_token",
            "refresh_token": "r1",
            "client_id": "ck",
            "client_secret": "s1",
        }
    ]


def test_a_refused_refresh_is_fatal_and_names_the_flow_not_the_secret() -> None:
    fake = FakeSalesforce()
    cfg = {"client_id": "ck", "refresh_token": "bad"}
    with pytest.raises(FatalCrmError) as caught:
        TokenSource(cfg, httpx.Client(transport=fake.transport())).fetch()
    assert "refresh_token flow: invalid_grant" in caught.value.reason
    assert "bad" not in caught.value.reason.replace("invalid_grant", "")


@pytest.mark.parametrize(
    ("cfg", "message"),
    [
        ({"refresh_token": "r"}, "client_id is required"),
        ({"client_id": "ck"}, "set private_key"),
        ({"client_id": "ck", "private_key": "PEM"}, "needs username"),
        ({"client_id": "ck", "refresh_token": "r", "login_url": "http://evil.test"}, "https"),
    ],
)
def test_settings_are_checked_before_any_call(cfg: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        TokenSource(cfg, httpx.Client())


def test_an_expired_session_gets_one_new_token_and_the_call_goes_on(tmp_path: Path) -> None:
    fake = FakeSalesforce()
    client = target_class(fake).connect(config(tmp_path))
    assert client.count(CONTACT) == 0
    fake.expire_tokens()
    assert client.count(CONTACT) == 0
    assert len(fake.tokens_issued) == 2
    assert client.runner.calls == 2  # the re-sent request is part of the same policy call


def test_a_refused_new_token_stops_the_run(tmp_path: Path) -> None:
    fake = FakeSalesforce()
    client = target_class(fake).connect(config(tmp_path))
    client.preflight()
    fake.expire_tokens()
    client.tokens.refresh_token = "bad"  # noqa: S105 - the fake refuses this one
    with pytest.raises(FatalCrmError, match="invalid_grant"):
        client.count(CONTACT)
