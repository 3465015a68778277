"""The `clinic-sandbox freshsales` options and the errors bad ones give."""

from __future__ import annotations

import argparse
import json

from clinic_sandbox.freshsales import cli


def parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    cli.add_arguments(parser)
    return parser.parse_args(argv)


def test_options_become_the_simulator_config(tmp_path):
    users = tmp_path / "users.txt"
    users.write_text("ana@clinic.test\n", encoding="utf-8")
    args = parse(
        "--api-key",
        "K",
        "--users-file",
        str(users),
        "--with-custom-fields",
        "--plan",
        "pro",
        "--minute-limit",
        "50",
        "--window-scale",
        "0.5",
        "--error-rate",
        "0.1",
        "--fault-seed",
        "4",
    )
    config = cli.config_from_args(args)
    assert (config.api_key, config.hourly, config.minute_limit) == ("K", 2000, 50)
    assert config.users == ["ana@clinic.test"]
    assert config.custom_fields["contacts"][0]["label"] == "Cliniko id"
    assert (config.faults.error_rate, config.faults.seed, config.window_scale) == (0.1, 4, 0.5)


def test_a_custom_fields_file_replaces_the_project_set(tmp_path):
    path = tmp_path / "fields.json"
    path.write_text(json.dumps({"deals": [{"label": "Invoice ref", "field_type": "text"}]}))
    config = cli.config_from_args(parse("--custom-fields-file", str(path)))
    assert config.custom_fields == {"deals": [{"label": "Invoice ref", "field_type": "text"}]}


def test_bad_options_exit_2_with_the_reason(tmp_path, capsys):
    fields = tmp_path / "fields.json"
    fields.write_text(json.dumps({"notes": [{"label": "X", "field_type": "text"}]}))
    assert cli.run(parse("--custom-fields-file", str(fields))) == 2
    assert "'notes' is not an entity with custom fields" in capsys.readouterr().err
    assert cli.run(parse("--users-file", str(tmp_path / "none.txt"))) == 2
    assert "--users-file" in capsys.readouterr().err
    assert cli.run(parse("--drop-rate", "2")) == 2
    assert "--drop-rate must be between 0 and 1" in capsys.readouterr().err
