"""Bad settings stop a run before any request and any write, naming the setting (docs/security.md).

Each plugin runs as its console script with one bad setting, pointed (where a URL is needed) at a
loopback server that records every request. The run must exit non-zero, say which setting is
wrong without quoting a secret, send nothing to the server, and leave no file behind.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from bad_data_http import Recorder, recording_server

BIN = Path(sys.executable).parent
REPO_ROOT = Path(__file__).resolve().parents[2]
GOOD_KEY = "MS0xLTk5OTk5OTk5OTk5OTk5OTk5OTk5LXRlc3RrZXlub3RyZWFs-au1"
USER_AGENT = "Bad settings test (security@example.com)"
# Each target's person stream, as tap-staging names it.
PERSON_STREAM = {"target-freshsales": "contacts", "target-salesforce": "contact"}


def singer_input(command: str) -> str:
    """One person record, as tap-staging would send it: enough for a target to start a run."""
    stream = PERSON_STREAM.get(command)
    if stream is None:
        return ""
    schema = {
        "type": "object",
        "properties": {"_source_id": {"type": "string"}},
        "required": ["_source_id"],
    }
    return "\n".join(
        json.dumps(m)
        for m in (
            {"type": "SCHEMA", "stream": stream, "schema": schema, "key_properties": []},
            {"type": "RECORD", "stream": stream, "record": {"_source_id": "patient:1"}},
        )
    )


@pytest.fixture
def server() -> Iterator[Recorder]:
    with recording_server() as recorder:
        yield recorder


def run(tmp_path: Path, command: str, config: dict[str, Any], *args: str) -> tuple[int, str]:
    """The console script on a config file (0600) in tmp_path; exit code and stderr."""
    path = tmp_path / "config.json"
    path.write_text(json.dumps(config))
    path.chmod(0o600)
    argv = [str(BIN / command), "--config", str(path), *args]
    done = subprocess.run(
        argv,
        input=singer_input(command),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={k: v for k, v in os.environ.items() if not k.startswith(("TAP_", "TARGET_"))},
    )
    return done.returncode, done.stderr


def assert_stopped(tmp_path: Path, server: Recorder, code: int, err: str, setting: str) -> None:
    assert code != 0, err[-2000:]
    assert setting in err, err[-2000:]
    assert server.requests == [], [r.path for r in server.requests]
    written = sorted(p.name for p in tmp_path.rglob("*") if p.name != "config.json")
    assert written == [], written


def tap_config(server: Recorder, tmp_path: Path, **change: Any) -> dict[str, Any]:
    config = {
        "api_key": GOOD_KEY,
        "user_agent": USER_AGENT,
        "base_url": f"{server.url}/v1",
        "download_attachments": True,
        "attachments_dir": str(tmp_path / "attachments"),
        "inventory_path": str(tmp_path / "inventory.json"),
    }
    config.update(change)
    return {k: v for k, v in config.items() if v is not None}


@pytest.mark.parametrize(
    ("change", "setting"),
    [
        ({"api_key": None}, "api_key"),
        ({"api_key": "not a key, a sentence", "base_url": None}, "api_key"),
        ({"api_key": GOOD_KEY.replace("-au1", "-notashard"), "base_url": None}, "api_key"),
        ({"base_url": "ftp://api.au1.cliniko.com/v1"}, "base_url"),
        ({"base_url": "http://api.au1.cliniko.com/v1"}, "base_url"),
        ({"user_agent": None}, "user_agent"),
    ],
    ids=lambda v: v if isinstance(v, str) else "-".join(f"{k}" for k in v),
)
def test_tap_cliniko_stops_before_any_request(
    tmp_path: Path, server: Recorder, change: dict[str, Any], setting: str
) -> None:
    code, err = run(tmp_path, "tap-cliniko", tap_config(server, tmp_path, **change))
    assert_stopped(tmp_path, server, code, err, setting)
    assert "not a key, a sentence" not in err and GOOD_KEY not in err


def crm_files(tmp_path: Path) -> dict[str, str]:
    return {
        "sync_store_path": str(tmp_path / "sync" / "store.sqlite"),
        "reports_dir": str(tmp_path / "reports"),
        "require_plan": False,
    }


@pytest.mark.parametrize(
    ("change", "setting"),
    [
        ({"api_key": None}, "api_key"),
        ({"base_url": "not a url"}, "base_url"),
        ({"base_url": "http://acme.myfreshworks.com/crm/sales/api"}, "base_url"),
        ({"max_calls_per_hour": 0}, "max_calls_per_hour"),
    ],
    ids=lambda v: v if isinstance(v, str) else "-".join(v),
)
def test_target_freshsales_stops_before_any_request(
    tmp_path: Path, server: Recorder, change: dict[str, Any], setting: str
) -> None:
    config = {"api_key": "fs-test-key", "base_url": server.url, **crm_files(tmp_path), **change}
    config = {k: v for k, v in config.items() if v is not None}
    code, err = run(tmp_path, "target-freshsales", config)
    assert_stopped(tmp_path, server, code, err, setting)
    assert "fs-test-key" not in err


@pytest.mark.parametrize(
    ("change", "setting"),
    [
        ({"client_id": None}, "client_id"),
        ({"login_url": "ftp://login.salesforce.com"}, "login_url"),
        ({"login_url": "http://login.salesforce.com"}, "login_url"),
        ({"api_usage_stop": 2}, "api_usage_stop"),
    ],
    ids=lambda v: v if isinstance(v, str) else "-".join(v),
)
def test_target_salesforce_stops_before_any_request(
    tmp_path: Path, server: Recorder, change: dict[str, Any], setting: str
) -> None:
    config = {
        "client_id": "consumer-key",
        "client_secret": "consumer-secret-value",
        "refresh_token": "refresh-token-value",
        "login_url": server.url,
        **crm_files(tmp_path),
        **change,
    }
    config = {k: v for k, v in config.items() if v is not None}
    code, err = run(tmp_path, "target-salesforce", config)
    assert_stopped(tmp_path, server, code, err, setting)
    assert "consumer-secret-value" not in err and "refresh-token-value" not in err


@pytest.mark.parametrize(
    ("crm", "config", "setting"),
    [
        ("freshsales", {"base_url": "https://crm.example.com"}, "api_key"),
        ("freshsales", {"api_key": "fs-test-key", "base_url": "not a url"}, "base_url"),
        ("salesforce", {"client_id": "k", "login_url": "http://x.example"}, "login_url"),
        ("nosuchcrm", {}, "--crm"),
    ],
    ids=["fs-api_key", "fs-base_url", "sf-login_url", "unknown-crm"],
)
def test_crmsync_stops_naming_the_setting(
    tmp_path: Path, server: Recorder, crm: str, config: dict[str, Any], setting: str
) -> None:
    config = {**crm_files(tmp_path), **config}
    # `plan` reads the CRM's fields first: a command that needs the credentials at once.
    code, err = run(tmp_path, "crmsync", config, "--crm", crm, "plan")
    assert_stopped(tmp_path, server, code, err, setting)


@pytest.mark.parametrize("size", ["0"])
def test_a_sample_size_that_is_not_positive_stops_dbt(tmp_path: Path, size: str) -> None:
    """CLINIKO_SAMPLE_SIZE (dbt var sample_size): dbt stops at parse, before touching staging."""
    staging = tmp_path / "staging.duckdb"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DBT_", "STAGING_"))}
    env.update(
        CLINIKO_SAMPLE_SIZE=size,
        STAGING_DUCKDB_PATH=str(staging),
        DBT_SEND_ANONYMOUS_USAGE_STATS="false",
    )
    done = subprocess.run(
        [
            str(BIN / "dbt"),
            "parse",
            "--project-dir",
            "transform",
            "--profiles-dir",
            "transform",
            "--target-path",
            str(tmp_path / "target"),
            "--log-path",
            str(tmp_path / "logs"),
            "--no-partial-parse",
        ],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode != 0
    assert "sample_size" in done.stdout + done.stderr
    assert not staging.exists()
