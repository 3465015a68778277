"""`clinic-sandbox salesforce`: options, bad options, and the dispatcher entry."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest
from clinic_sandbox import cli as dispatcher
from clinic_sandbox.salesforce import cli, rsa
from clinic_sandbox.salesforce.testing import signing_key


def _args(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    cli.add_arguments(parser)
    return parser.parse_args(list(argv))


def test_options_build_the_config(tmp_path: Path) -> None:
    key = tmp_path / "server.pub.pem"
    key.write_text(rsa.public_key_pem(signing_key().public))
    users = tmp_path / "users.txt"
    users.write_text("ana@clinic.test\nbob@clinic.test\n")
    config = cli.config_from_args(
        _args(
            "--jwt-public-key",
            str(key),
            "--users-file",
            str(users),
            "--with-custom-objects",
            "--daily-limit",
            "50",
            "--api-version",
            "61.0",
            "--fault-5xx-rate",
            "0.5",
        )
    )
    assert config.jwt_public_key_pem == key.read_text()
    assert config.users == ["ana@clinic.test", "bob@clinic.test"]
    assert (config.daily_limit, config.data_prefix, config.faults.error_rate) == (
        50,
        "/services/data/v61.0",
        0.5,
    )


@pytest.mark.parametrize(
    "argv",
    [
        ["--api-version", "latest"],
        ["--daily-limit", "0"],
        ["--error-rate", "2"],
        ["--jwt-public-key", "/nonexistent/key.pem"],
        ["--clinic-dir", "/nonexistent"],
    ],
)
def test_bad_options_exit_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.run(_args(*argv)) == 2
    assert "clinic-sandbox salesforce:" in capsys.readouterr().err


def test_a_pem_that_is_not_a_key_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "bad.pem"
    bad.write_text("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n")
    with pytest.raises(ValueError, match="--jwt-public-key"):
        cli.config_from_args(_args("--jwt-public-key", str(bad)))


def test_dispatcher_lists_the_subcommand(capsys: pytest.CaptureFixture[str]) -> None:
    assert dispatcher.main(["--help"]) == 0
    assert "salesforce" in capsys.readouterr().out
