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


def test_users_can_come_from_a_generated_clinic(tmp_path):
    from clinic_sandbox.clinic import GenerateOptions, crm_user_emails, generate_clinic

    generate_clinic(tmp_path, GenerateOptions(patients=5, seed=3))
    config = cli.config_from_args(parse("--clinic-dir", str(tmp_path)))
    assert config.users == crm_user_emails(tmp_path)
    assert config.users


def test_the_cliniko_simulators_fault_flags_work_here_too():
    args = parse("--fault-5xx-rate", "0.2", "--fault-drop-rate", "0.1", "--hang-s", "3")
    faults = cli.config_from_args(args).faults
    assert (faults.error_rate, faults.drop_rate, faults.timeout_seconds) == (0.2, 0.1, 3.0)


def test_a_clinic_dir_without_a_clinic_is_refused(tmp_path, capsys):
    assert cli.run(parse("--clinic-dir", str(tmp_path))) == 2
    assert "no generated clinic.sqlite" in capsys.readouterr().err


def test_the_sandbox_cli_dispatches_freshsales_to_this_module(tmp_path, capsys):
    from clinic_sandbox.cli import main

    assert main(["freshsales", "--users-file", str(tmp_path / "missing.txt")]) == 2
    assert "--users-file" in capsys.readouterr().err
