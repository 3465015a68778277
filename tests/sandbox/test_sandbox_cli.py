"""`clinic-sandbox`: the subcommand dispatcher, `generate`, and the simulator's command line."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time

import httpx
import pytest
from clinic_sandbox import cli


def test_usage_lists_the_commands(capsys):
    assert cli.main([]) == 2
    assert cli.main(["--help"]) == 0
    out = capsys.readouterr().out
    for name in ("cliniko", "freshsales", "generate", "mutate"):
        assert name in out


def test_unknown_and_missing_commands_say_so(capsys, monkeypatch):
    assert cli.main(["nope"]) == 2
    assert "unknown command" in capsys.readouterr().err
    monkeypatch.setitem(cli.COMMANDS, "ghost", ("clinic_sandbox.ghost_cli", "not written yet"))
    assert cli.main(["ghost"]) == 2
    assert "not available" in capsys.readouterr().err


def test_generate_prints_exact_counts(tmp_path, capsys):
    code = cli.main(
        [
            "generate",
            "--patients",
            "15",
            "--seed",
            "2",
            "--as-of",
            "2026-01-01",
            "--out",
            str(tmp_path),
        ]
    )
    assert code == 0
    out = capsys.readouterr().out
    counts = json.loads(out[: out.rindex("}") + 1])
    assert counts["patients"]["total"] == 15
    assert json.loads((tmp_path / "counts.json").read_text()) == counts


def test_bad_options_are_named(tmp_path):
    with pytest.raises(SystemExit, match="--patients"):
        cli.main(["generate", "--patients", "0", "--out", str(tmp_path)])
    with pytest.raises(SystemExit):
        cli.main(["generate", "--as-of", "someday", "--out", str(tmp_path)])


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.slow
def test_cliniko_command_serves_the_api(tmp_path):
    port = _free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "clinic_sandbox.cli",
            "cliniko",
            "--patients",
            "10",
            "--port",
            str(port),
            "--data-dir",
            str(tmp_path),
            "--latency-ms",
            "0",
            "--log-level",
            "warning",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        url = f"http://127.0.0.1:{port}/v1/patients"
        headers = {"User-Agent": "cli test (t@example.com)"}
        for _ in range(300):
            try:
                response = httpx.get(url, auth=("sandbox-key-au1", ""), headers=headers)
                break
            except httpx.TransportError:
                time.sleep(0.1)
        assert response.status_code == 200
        assert response.json()["total_entries"] >= 9
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=20)
