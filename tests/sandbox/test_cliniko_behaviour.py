"""What the simulator does around the data: auth, user agent, rate limit, latency, faults, files."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest


def test_basic_auth_with_the_key_as_user(cliniko_sb):
    url = f"{cliniko_sb.base_url}/patients"
    headers = {"User-Agent": cliniko_sb.user_agent}
    missing = httpx.get(url, headers=headers)
    assert missing.status_code == 401
    assert missing.text.strip() == "HTTP Basic: Access denied."
    assert httpx.get(url, headers=headers, auth=("wrong-key-au1", "")).status_code == 401
    assert httpx.get(url, headers=headers, auth=cliniko_sb.auth).status_code == 200
    # Cliniko accepts the key with or without its shard suffix.
    assert httpx.get(url, headers=headers, auth=("sandbox-key", "")).status_code == 200


def test_user_agent_needs_a_contact_email(cliniko_sb):
    url = f"{cliniko_sb.base_url}/patients"
    for agent in ("python-httpx/0.28", "My app", "My app (no email)"):
        response = httpx.get(url, headers={"User-Agent": agent}, auth=cliniko_sb.auth)
        assert response.status_code == 403
        assert "contact email" in response.json()["message"]


def test_rate_limit_answers_429_with_reset(cliniko_private_sb):
    sb = cliniko_private_sb
    sb.configure(rate_limit=5, rate_window_s=60)
    with sb.client() as client:
        statuses = [client.get("/taxes").status_code for _ in range(5)]
        limited = client.get("/taxes")
    assert statuses == [200] * 5
    assert limited.status_code == 429
    reset = int(limited.headers["X-RateLimit-Reset"])
    assert time.time() - 1 <= reset <= time.time() + 61
    assert sb.stats()["by_status"]["429"] == 1


def test_rate_window_reopens_after_reset(cliniko_private_sb):
    sb = cliniko_private_sb
    sb.configure(rate_limit=2, rate_window_s=0.5)
    with sb.client() as client:
        assert [client.get("/taxes").status_code for _ in range(3)] == [200, 200, 429]
        time.sleep(0.6)
        assert client.get("/taxes").status_code == 200


def test_latency_does_not_serialize_requests(cliniko_private_sb):
    """Slow answers overlap: the server had several requests in flight at once."""
    sb = cliniko_private_sb
    sb.configure(latency_ms=400, jitter_ms=50, rate_limit=1000)
    sb.reset_stats()
    with sb.client(timeout=30) as client, ThreadPoolExecutor(max_workers=6) as pool:
        statuses = list(pool.map(lambda _: client.get("/taxes").status_code, range(6)))
    assert statuses == [200] * 6
    assert sb.stats()["max_in_flight"] >= 2


def test_injected_server_errors(cliniko_private_sb):
    sb = cliniko_private_sb
    sb.configure(fault_5xx_rate=1.0)
    with sb.client() as client:
        statuses = {client.get("/taxes").status_code for _ in range(8)}
    assert statuses <= {500, 502, 503} and statuses
    sb.configure(fault_5xx_rate=0.0)
    assert sum(sb.stats()["faults"].values()) == 8


def test_injected_dropped_connection(cliniko_private_sb):
    sb = cliniko_private_sb
    sb.configure(fault_drop_rate=1.0)
    with sb.client() as client, pytest.raises(httpx.RemoteProtocolError):
        client.get("/taxes")
    sb.configure(fault_drop_rate=0.0)
    assert sb.stats()["faults"] == {"dropped": 1}


def test_injected_timeout_outlasts_the_client(cliniko_private_sb):
    sb = cliniko_private_sb
    sb.configure(fault_timeout_rate=1.0, hang_s=5)
    with sb.client(timeout=0.3) as client, pytest.raises(httpx.ReadTimeout):
        client.get("/taxes")
    sb.configure(fault_timeout_rate=0.0)
    with sb.client() as client:
        assert client.get("/taxes").status_code == 200


def test_stats_count_requests_per_route(cliniko_private_sb):
    sb = cliniko_private_sb
    sb.reset_stats()
    with sb.client() as client:
        client.get("/patients")
        client.get("/patients", params={"page": 2})
        client.get("/settings")
    stats = sb.stats()
    assert stats["requests"] == 3
    assert stats["by_route"] == {"patients": 2, "settings": 1}


def _attachments(client: httpx.Client) -> list[dict]:
    body = client.get("/patient_attachments", params={"per_page": 100}).json()
    return body["patient_attachments"]


def test_small_attachments_download_real_bytes(cliniko_sb):
    with cliniko_sb.client() as client:
        small = [a for a in _attachments(client) if a["size"] < 25 * 1024 * 1024]
        assert small
        magic = {"image/png": b"\x89PNG", "application/pdf": b"%PDF", "text/plain": b"Referral"}
        for record in small[:6]:
            response = client.get(record["content"]["links"]["self"])
            assert response.status_code == 200
            assert len(response.content) == record["size"]
            assert response.content.startswith(magic[record["content_type"]])


def test_large_attachment_redirects_to_storage_without_credentials(cliniko_sb):
    with cliniko_sb.client() as client:
        large = next(a for a in _attachments(client) if a["size"] > 25 * 1024 * 1024)
        redirect = client.get(large["content"]["links"]["self"])
        assert redirect.status_code == 302
        location = redirect.headers["location"]
        assert location.startswith(cliniko_sb.storage_url)
        # Storage refuses a request that still carries the API credentials (as S3 does).
        assert client.get(location).status_code == 400
        assert httpx.get(location.replace("signature=", "signature=0")).status_code == 403
        # A client that follows the redirect drops Authorization on the new origin.
        with httpx.Client(auth=cliniko_sb.auth, follow_redirects=True, timeout=60) as follower:
            size = 0
            with follower.stream(
                "GET",
                large["content"]["links"]["self"],
                headers={"User-Agent": cliniko_sb.user_agent},
            ) as response:
                assert response.status_code == 200
                for chunk in response.iter_bytes():
                    size += len(chunk)
    assert size == large["size"]
    assert httpx.get(f"{cliniko_sb.storage_url}/v1/patients").status_code == 404


def test_run_time_config_is_validated_and_public_url_rebases_links(cliniko_private_sb):
    sb = cliniko_private_sb
    for bad in ({"fault_5xx_rate": 2}, {"no_such_knob": 1}, {"latency_ms": "slow"}):
        response = httpx.post(f"{sb.admin_url}/config", json=bad)
        assert response.status_code == 400 and response.json()["message"]
    sb.configure(public_url="https://api.au1.cliniko.example/")
    with sb.client() as client:
        body = client.get("/patients", params={"per_page": 1}).json()
    assert body["links"]["self"].startswith("https://api.au1.cliniko.example/v1/patients?")
    assert body["patients"][0]["links"]["self"].startswith("https://api.au1.cliniko.example/v1/")
