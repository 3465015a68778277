"""Repository hygiene: plugins are custom and offline-safe, settings agree, no secrets."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
MELTANO = yaml.safe_load((ROOT / "meltano.yml").read_text())
SECRET_WORDS = ("api_key", "token", "secret", "password", "encryption_key", "private_key")


def _plugins() -> list[dict]:
    return [p for group in MELTANO["plugins"].values() for p in group]


def _env_name(plugin: dict, setting: dict) -> str:
    if setting.get("env"):
        return setting["env"]
    return f"{plugin['name']}_{setting['name']}".upper().replace("-", "_")


def test_every_plugin_is_custom_and_installable_offline() -> None:
    for plugin in _plugins():
        if "inherit_from" in plugin:
            continue
        assert plugin.get("namespace"), (
            f"{plugin['name']} has no namespace: Meltano would ask the Hub"
        )
        assert plugin.get("pip_url"), f"{plugin['name']} has no pip_url"
        assert plugin.get("executable"), f"{plugin['name']} has no executable"
        assert "variant" not in plugin, f"{plugin['name']} names a Hub variant"


def test_meltano_never_waits_on_the_network() -> None:
    assert MELTANO["cli"]["disable_version_check"] is True
    assert MELTANO["send_anonymous_usage_stats"] is False


def test_secret_settings_are_sensitive_and_never_given_a_value() -> None:
    for plugin in _plugins():
        for setting in plugin.get("settings", []):
            name = setting["name"]
            # A path to a secret (private_key_path) is not itself a secret.
            if any(word in name for word in SECRET_WORDS) and not name.endswith("_path"):
                assert setting.get("sensitive") is True, f"{plugin['name']}.{setting['name']}"
                assert "value" not in setting, f"{plugin['name']}.{setting['name']} has a value"
        for key in plugin.get("config", {}):
            assert not any(word in key for word in SECRET_WORDS), (
                f"{plugin['name']}.{key} in config"
            )


def test_env_example_lists_every_setting_with_no_value() -> None:
    lines = [
        line
        for line in (ROOT / ".env.example").read_text().splitlines()
        if line and not line.startswith("#")
    ]
    names = {line.split("=", 1)[0] for line in lines}
    assert all(line.endswith("=") for line in lines), "a value was committed in .env.example"
    for plugin in _plugins():
        if "inherit_from" in plugin or plugin["name"] == "dbt-duckdb":
            continue
        for setting in plugin.get("settings", []):
            assert _env_name(plugin, setting) in names, f"{_env_name(plugin, setting)} missing"


def _about(executable: str) -> dict:
    path = shutil.which(executable)
    if path is None:  # the workspace venv installs every plugin; its absence is a broken setup
        pytest.fail(f"{executable} is not installed in the workspace environment")
    out = subprocess.run(
        [path, "--about", "--format", "json"], capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout)


@pytest.mark.parametrize(
    "plugin",
    [
        p
        for p in _plugins()
        if p.get("namespace")
        and "inherit_from" not in p
        and p["name"].startswith(("tap-", "target-"))
    ],
    ids=lambda p: p["name"],
)
def test_meltano_settings_match_the_plugins_own_config_schema(plugin: dict) -> None:
    about = _about(plugin["executable"])
    own = set(about["settings"]["properties"])
    declared = {s["name"] for s in plugin.get("settings", [])}
    assert declared <= own, (
        f"meltano.yml declares settings the plugin does not know: {declared - own}"
    )
    required = set(about["settings"].get("required", []))
    assert required <= declared, (
        f"required settings missing from meltano.yml: {required - declared}"
    )
    for setting in plugin.get("settings", []):
        schema = about["settings"]["properties"][setting["name"]]
        if schema.get("secret") or schema.get("writeOnly"):
            assert setting.get("sensitive") is True, f"{setting['name']} is secret in the plugin"


def test_env_file_is_ignored() -> None:
    assert re.search(r"^\.env$", (ROOT / ".gitignore").read_text(), re.M)


def test_no_machine_paths_in_tracked_files() -> None:
    tracked = subprocess.run(
        ["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    offenders = []
    for name in tracked:
        if name.endswith(".lock"):
            continue
        path = ROOT / name
        if not path.is_file() or path.stat().st_size > 2_000_000:
            continue
        text = path.read_text(errors="ignore")
        if re.search(r"(?<![\w.])/(work|root|home/\w+)/", text):
            offenders.append(name)
    assert not offenders, f"machine paths in {offenders}"
