"""Credentials never follow a redirect to another host; TLS certificates are always checked.

Each plugin runs as its console script against loopback servers that record what they receive:
one answers every request with a redirect to a second server on another host name and port, the
second must never see a credential (the tap follows a redirect without its key, as it does to
Cliniko's file storage; the targets do not follow one at all). A server with a self-signed
certificate must be refused before any request reaches it, and no setting or environment
variable of ours turns that check off (docs/security.md).
"""

from __future__ import annotations

import base64
import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from bad_data_http import Recorder, Seen, recording_server, redirect_to
from tap_cliniko.retry import RetryPolicy
from tap_cliniko.tap import TapCliniko

BIN = Path(sys.executable).parent
REPO_ROOT = Path(__file__).resolve().parents[2]
API_KEY = "MS0xLTk5OTk5OTk5OTk5OTk5OTk5OTk5LXRlc3RrZXlub3RyZWFs-au1"
FS_KEY = "freshsales-transport-key"
SF = {
    "client_id": "transport-client",
    "client_secret": "transport-secret",
    "refresh_token": "r-tok",
}
USER_AGENT = "Transport test (security@example.com)"
PERSON_STREAM = {"target-freshsales": "contacts", "target-salesforce": "contact"}
# Our code, where an HTTP client is made.
PRODUCT = ("tap-cliniko/tap_cliniko", "targets", "plugins/staging/cliniko_staging")
TLS_OFF = re.compile(
    r"verify\s*=\s*False|CERT_NONE|check_hostname\s*=\s*False|_create_unverified_context"
    r"|PYTHONHTTPSVERIFY|InsecureRequestWarning"
)


def person_record(command: str) -> str:
    stream = PERSON_STREAM.get(command)
    if stream is None:
        return ""
    schema = {"type": "object", "properties": {"_source_id": {"type": "string"}}}
    return "\n".join(
        json.dumps(m)
        for m in (
            {"type": "SCHEMA", "stream": stream, "schema": schema, "key_properties": []},
            {"type": "RECORD", "stream": stream, "record": {"_source_id": "patient:1"}},
        )
    )


def run(tmp_path: Path, command: str, config: dict[str, Any]) -> subprocess.CompletedProcess[str]:
    path = tmp_path / f"{command}.json"
    path.write_text(json.dumps(config))
    path.chmod(0o600)
    return subprocess.run(
        [str(BIN / command), "--config", str(path)],
        input=person_record(command),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={k: v for k, v in os.environ.items() if not k.startswith(("TAP_", "TARGET_"))},
    )


def credential_forms(*secrets: str) -> list[str]:
    """A secret as it could travel: as is, and inside HTTP basic auth."""
    forms = list(secrets)
    forms += [base64.b64encode(f"{s}:".encode()).decode() for s in secrets]
    return forms


def carries_any(seen: Seen, forms: list[str]) -> bool:
    text = json.dumps(seen.headers) + seen.path + seen.body.decode(errors="replace")
    return any(form in text for form in forms) or "authorization" in text.lower()


@pytest.fixture
def elsewhere() -> Iterator[Recorder]:
    """The other host a redirect names (localhost, not 127.0.0.1, and its own port)."""
    with recording_server() as recorder:
        recorder.url = recorder.url.replace("127.0.0.1", "localhost")
        yield recorder


def crm_files(tmp_path: Path) -> dict[str, Any]:
    return {
        "sync_store_path": str(tmp_path / "sync" / "store.sqlite"),
        "reports_dir": str(tmp_path / "reports"),
        "require_plan": False,
        "max_attempts": 1,
    }


def tap_config(tmp_path: Path, base_url: str) -> dict[str, Any]:
    return {
        "api_key": API_KEY,
        "user_agent": USER_AGENT,
        "base_url": base_url,
        "inventory_path": str(tmp_path / "inventory.json"),
    }


def test_tap_follows_a_redirect_to_another_host_without_its_key(
    tmp_path: Path, elsewhere: Recorder
) -> None:
    with recording_server(redirect_to(elsewhere.url)) as api:
        run(tmp_path, "tap-cliniko", tap_config(tmp_path, f"{api.url}/v1"))
    assert api.requests and all("Authorization" in r.headers for r in api.requests)
    assert elsewhere.requests, "the redirect was followed (as to Cliniko's file storage)"
    assert not [r.path for r in elsewhere.requests if carries_any(r, credential_forms(API_KEY))]


def test_target_freshsales_never_follows_a_redirect(tmp_path: Path, elsewhere: Recorder) -> None:
    with recording_server(redirect_to(elsewhere.url)) as api:
        config = {"api_key": FS_KEY, "base_url": api.url, **crm_files(tmp_path)}
        done = run(tmp_path, "target-freshsales", config)
    assert done.returncode != 0
    assert api.requests, "the target did call the API"
    assert elsewhere.requests == []
    assert FS_KEY not in done.stderr


def test_target_salesforce_never_sends_its_secrets_after_a_redirect(
    tmp_path: Path, elsewhere: Recorder
) -> None:
    with recording_server(redirect_to(elsewhere.url)) as login:
        done = run(
            tmp_path, "target-salesforce", {**SF, "login_url": login.url, **crm_files(tmp_path)}
        )
    assert done.returncode != 0
    assert [r.path for r in login.requests] == ["/services/oauth2/token"]
    assert elsewhere.requests == []
    assert SF["client_secret"] not in done.stderr and SF["refresh_token"] not in done.stderr


# The usual ways to switch verification off from the environment: they must change nothing.
TLS_OFF_ENV = {"PYTHONHTTPSVERIFY": "0", "CURL_CA_BUNDLE": "", "REQUESTS_CA_BUNDLE": ""}


class QuickTap(TapCliniko):
    """The tap with its retry schedule shrunk (it retries a failed connection 8 times)."""

    retry_policy = RetryPolicy(scale=0.001)


def test_tap_refuses_a_certificate_nobody_trusts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for key, value in TLS_OFF_ENV.items():
        monkeypatch.setenv(key, value)
    with recording_server(tls=True) as server:
        tap = QuickTap(config=tap_config(tmp_path, f"{server.url}/v1"), validate_config=True)
        with pytest.raises(Exception, match=r"(?i)certificate|SSL") as refused:
            tap.sync_all()
    assert server.requests == [], "an HTTP request went through an untrusted TLS connection"
    assert API_KEY not in str(refused.value)


@pytest.mark.parametrize("command", ["target-freshsales", "target-salesforce"])
def test_targets_refuse_a_certificate_nobody_trusts(tmp_path: Path, command: str) -> None:
    with recording_server(tls=True) as server:
        configs = {
            "target-freshsales": {"api_key": FS_KEY, "base_url": server.url, **crm_files(tmp_path)},
            "target-salesforce": {**SF, "login_url": server.url, **crm_files(tmp_path)},
        }
        path = tmp_path / "config.json"
        path.write_text(json.dumps(configs[command]))
        path.chmod(0o600)
        done = subprocess.run(
            [str(BIN / command), "--config", str(path)],
            input=person_record(command),
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
            env={
                **{k: v for k, v in os.environ.items() if not k.startswith(("TAP_", "TARGET_"))},
                **TLS_OFF_ENV,
            },
        )
    assert done.returncode != 0
    assert server.requests == [], "an HTTP request went through an untrusted TLS connection"
    # httpx reports the refused handshake as a ConnectError (the reason stays in the log).
    assert re.search(r"CERTIFICATE_VERIFY_FAILED|certificate|SSL|ConnectError", done.stderr)


def test_no_code_or_setting_turns_tls_verification_off() -> None:
    offenders = [
        str(path.relative_to(REPO_ROOT))
        for root in PRODUCT
        for path in (REPO_ROOT / root).rglob("*.py")
        if TLS_OFF.search(path.read_text())
    ]
    assert offenders == []
    for command in ("tap-cliniko", "target-freshsales", "target-salesforce", "target-staging"):
        about = subprocess.run(
            [str(BIN / command), "--about", "--format", "json"],
            capture_output=True,
            text=True,
            check=True,
            timeout=60,
        )
        settings = json.loads(about.stdout)["settings"]["properties"]
        risky = [s for s in settings if re.search(r"verify|ssl|tls|insecure|cert", s, re.I)]
        assert risky == [], (command, risky)
