"""The Hub-style plugin definition and the README agree with the tap's real settings."""

from __future__ import annotations

from pathlib import Path

import yaml
from tap_cliniko.settings import CONFIG_SCHEMA

PACKAGE = Path(__file__).resolve().parents[2] / "tap-cliniko"


def test_plugin_definition_declares_every_setting_with_secrets_marked() -> None:
    plugin = yaml.safe_load((PACKAGE / "meltano-hub.yml").read_text())
    declared = {setting["name"]: setting for setting in plugin["settings"]}
    ours = CONFIG_SCHEMA["properties"]
    assert set(ours) <= set(declared)
    for name, prop in ours.items():
        assert bool(declared[name].get("sensitive")) == bool(prop.get("secret")), name
        if "default" in prop:
            assert declared[name]["value"] == prop["default"], name
    assert plugin["executable"] == "tap-cliniko"
    assert plugin["commands"]["inventory"]["args"] == "--inventory"


def test_readme_settings_table_lists_every_setting() -> None:
    readme = (PACKAGE / "README.md").read_text()
    for name, prop in CONFIG_SCHEMA["properties"].items():
        assert f"| {name} |" in readme, name
        assert prop["description"] in readme, name
