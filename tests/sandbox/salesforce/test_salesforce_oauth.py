"""The token endpoint: JWT bearer (RS256 verified) and refresh grants, bearer auth on the API."""

from __future__ import annotations

import shutil
import subprocess
import time
from pathlib import Path

import httpx
import pytest
from clinic_sandbox.salesforce import rsa
from clinic_sandbox.salesforce.testing import RunningSimulator, running_simulator

JWT = "urn:ietf:params:oauth:grant-type:jwt-bearer"


def _jwt(sim: RunningSimulator, assertion: str) -> httpx.Response:
    return httpx.post(sim.token_url, data={"grant_type": JWT, "assertion": assertion}, timeout=10)


def test_jwt_grant_answers_a_working_token_and_the_instance_url(sim: RunningSimulator) -> None:
    answer = _jwt(sim, sim.credentials.jwt_assertion())
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["instance_url"] == sim.base_url
    assert body["token_type"] == "Bearer"  # noqa: S105 - a token type, not a password
    assert body["id"].startswith(f"{sim.base_url}/id/00D")
    headers = {"Authorization": f"Bearer {body['access_token']}"}
    users = httpx.get(f"{sim.api_url}/sobjects/User/describe", headers=headers, timeout=10)
    assert users.status_code == 200


def test_the_simulator_url_is_an_accepted_audience(sim: RunningSimulator) -> None:
    assert _jwt(sim, sim.credentials.jwt_assertion(aud=sim.base_url)).status_code == 200


def test_username_matches_case_insensitively(sim: RunningSimulator) -> None:
    assertion = sim.credentials.jwt_assertion(sub="BOB.LEE@CLINIC.TEST")
    answer = _jwt(sim, assertion)
    assert answer.status_code == 200, answer.text
    assert answer.json()["id"].endswith(sim.records("User")[1]["Id"])


@pytest.mark.parametrize(
    ("claims", "error", "description"),
    [
        ({"iss": "someone-else"}, "invalid_client_id", "client identifier invalid"),
        ({"sub": "nobody@clinic.test"}, "invalid_grant", "user hasn't approved this consumer"),
        ({"aud": "https://evil.example"}, "invalid_grant", "invalid assertion"),
        ({"exp": 1_000_000}, "invalid_grant", "invalid assertion"),
    ],
)
def test_bad_claims_are_refused(
    sim: RunningSimulator, claims: dict, error: str, description: str
) -> None:
    answer = _jwt(sim, sim.credentials.jwt_assertion(**claims))
    assert answer.status_code == 400
    assert answer.json() == {"error": error, "error_description": description}


def test_a_signature_from_another_key_is_refused(sim: RunningSimulator) -> None:
    stranger = rsa.generate_private_key(1024)
    claims = {
        "iss": sim.credentials.client_id,
        "sub": sim.credentials.username,
        "aud": "https://login.salesforce.com",
        "exp": int(time.time()) + 60,
    }
    answer = _jwt(sim, rsa.sign_rs256(claims, stranger))
    assert answer.status_code == 400
    assert answer.json()["error"] == "invalid_grant"


def test_a_tampered_payload_is_refused(sim: RunningSimulator) -> None:
    header, _, signature = sim.credentials.jwt_assertion().split(".")
    forged = rsa.sign_rs256({"sub": "x"}, rsa.generate_private_key(1024)).split(".")[1]
    answer = _jwt(sim, f"{header}.{forged}.{signature}")
    assert answer.json() == {"error": "invalid_grant", "error_description": "invalid assertion"}


def test_jwt_grant_without_a_configured_key_is_refused() -> None:
    with running_simulator(jwt_public_key_pem=None) as bare:
        answer = _jwt(bare, bare.credentials.jwt_assertion())
    assert answer.json()["error"] == "invalid_grant"


def test_a_certificate_made_by_openssl_verifies_our_assertions(tmp_path: Path) -> None:
    if shutil.which("openssl") is None:
        pytest.skip("openssl is not installed: no independent certificate to check against")
    from clinic_sandbox.salesforce.testing import signing_key

    key_file = tmp_path / "key.pem"
    key_file.write_text(rsa.private_key_pem(signing_key()))
    cert = tmp_path / "cert.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-new",
            "-x509",
            "-key",
            str(key_file),
            "-subj",
            "/CN=sim",
            "-days",
            "1",
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    with running_simulator(jwt_public_key_pem=cert.read_text()) as certified:
        answer = _jwt(certified, certified.credentials.jwt_assertion())
    assert answer.status_code == 200, answer.text


def test_refresh_grant_and_its_errors(sim: RunningSimulator) -> None:
    creds = sim.credentials
    good = {
        "grant_type": "refresh_token",
        "client_id": creds.client_id,
        "client_secret": creds.client_secret,
        "refresh_token": creds.refresh_token,
    }
    assert httpx.post(sim.token_url, data=good, timeout=10).json()["instance_url"] == sim.base_url
    cases = [
        ({"client_secret": "wrong"}, 401, "invalid_client"),
        ({"client_id": "wrong"}, 400, "invalid_client_id"),
        ({"refresh_token": "wrong"}, 400, "invalid_grant"),
        ({"grant_type": "password"}, 400, "unsupported_grant_type"),
    ]
    for change, status, error in cases:
        answer = httpx.post(sim.token_url, data={**good, **change}, timeout=10)
        assert (answer.status_code, answer.json()["error"]) == (status, error)


def test_api_calls_need_a_live_bearer_token(sim: RunningSimulator) -> None:
    invalid = [{"message": "Session expired or invalid", "errorCode": "INVALID_SESSION_ID"}]
    for headers in ({}, {"Authorization": "Bearer nope"}, {"Authorization": "OAuth x"}):
        answer = httpx.get(f"{sim.api_url}/sobjects", headers=headers, timeout=10)
        assert (answer.status_code, answer.json()) == (401, invalid)
    with sim.client(timeout=10) as client:
        assert client.get("/sobjects").status_code == 200
        httpx.post(f"{sim.base_url}/_admin/expire-tokens", timeout=10)
        assert client.get("/sobjects").status_code == 401


def test_tokens_expire_after_their_ttl() -> None:
    with running_simulator(token_ttl=0.05) as short, short.client(timeout=10) as client:
        time.sleep(0.2)
        assert client.get("/sobjects").json()[0]["errorCode"] == "INVALID_SESSION_ID"
