"""Settings: shard from the key, clear errors naming the setting, never the key itself."""

from __future__ import annotations

import json
import logging

import pytest
import requests_mock
from click.testing import CliRunner
from tap_cliniko.shard import ShardError, base_url_for, shard_of
from tap_cliniko.tap import TapCliniko
from tap_helpers import API_KEY, make_config

KEY_BODY = "MS0xLTk5OTk5OTk5OTk5OTk5OTk5OTk5"


@pytest.mark.parametrize(
    ("key", "shard"),
    [
        (KEY_BODY, "au1"),
        (f"{KEY_BODY}-au2", "au2"),
        (f"{KEY_BODY}-UK1", "uk1"),
        (f"{KEY_BODY}-ca1", "ca1"),
        (f"{KEY_BODY}-eu12", "eu12"),
    ],
)
def test_shard_comes_from_the_key_suffix(key: str, shard: str) -> None:
    assert shard_of(key) == shard


def test_base_url_of_a_shard_includes_v1() -> None:
    assert base_url_for("au2") == "https://api.au2.cliniko.com/v1"


@pytest.mark.parametrize(
    "key",
    [f"{KEY_BODY}-notashard", f"{KEY_BODY}-a1", f"{KEY_BODY} ", f"{KEY_BODY}\n-au1", "abc1", ""],
)
def test_malformed_keys_are_rejected_without_echoing_them(key: str) -> None:
    with pytest.raises(ShardError) as caught:
        shard_of(key)
    assert "api_key" in str(caught.value)
    if key.strip():
        assert key.strip() not in str(caught.value)


def test_tap_uses_the_shard_host_when_no_base_url() -> None:
    config = make_config(api_key=f"{KEY_BODY}-au3")
    del config["base_url"]
    assert TapCliniko(config=config).settings.base_url == "https://api.au3.cliniko.com/v1"


def _run_cli(tmp_path, config: dict, *args: str):
    path = tmp_path / "config.json"
    path.write_text(json.dumps(config))
    with requests_mock.Mocker() as mocker:  # any request would fail with NoMockAddress
        result = CliRunner().invoke(TapCliniko.cli, ["--config", str(path), *args])
    return result, mocker.call_count


@pytest.mark.parametrize("extra", [[], ["--inventory"]])
def test_malformed_key_fails_before_any_request(tmp_path, caplog, extra) -> None:
    config = make_config(api_key=f"{KEY_BODY}-zz-top9x")
    del config["base_url"]
    with caplog.at_level(logging.ERROR):
        result, calls = _run_cli(tmp_path, config, *extra)
    assert result.exit_code != 0
    assert calls == 0
    logged = caplog.text + result.output
    assert "api_key" in logged
    assert KEY_BODY not in logged


def test_user_agent_must_contain_an_email(tmp_path, caplog) -> None:
    with caplog.at_level(logging.ERROR):
        result, calls = _run_cli(tmp_path, make_config(user_agent="my migration"))
    assert result.exit_code != 0
    assert calls == 0
    assert "user_agent" in caplog.text


def test_a_wrongly_typed_key_is_reported_without_its_value(tmp_path, caplog) -> None:
    with caplog.at_level(logging.ERROR):
        result, _ = _run_cli(tmp_path, make_config(api_key=987654321987654321))
    assert result.exit_code != 0
    assert "api_key" in caplog.text
    assert "987654321987654321" not in caplog.text + result.output


def test_unannounced_shard_is_a_warning_not_an_error(caplog) -> None:
    config = make_config(api_key=f"{KEY_BODY}-zz9")
    del config["base_url"]
    with caplog.at_level(logging.WARNING):
        tap = TapCliniko(config=config)
    assert tap.settings.base_url == "https://api.zz9.cliniko.com/v1"
    assert "zz9" in caplog.text
    assert KEY_BODY not in caplog.text


def test_concurrency_setting_is_bounded() -> None:
    with pytest.raises(Exception, match="max_concurrent_requests"):
        TapCliniko(config=make_config(max_concurrent_requests=0))


def test_defaults_are_documented_values() -> None:
    settings = TapCliniko(config=make_config(api_key=API_KEY)).settings
    config = make_config()
    for name in ("max_requests_per_minute", "max_concurrent_requests"):
        config.pop(name)
    defaults = TapCliniko(config=config).settings
    assert settings.include_archived is True
    assert defaults.max_requests_per_minute == 190
    assert defaults.max_concurrent_requests == 4
    assert defaults.download_attachments is False
    assert str(defaults.inventory_path) == "output/inventory.json"
