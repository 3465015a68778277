"""`clinic-sandbox freshsales`: serve the Freshsales simulator until interrupted."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from clinic_sandbox import serving
from clinic_sandbox.freshsales.app import build_app
from clinic_sandbox.freshsales.config import DEFAULT_API_KEY, SimulatorConfig, project_custom_fields
from clinic_sandbox.freshsales.custom_fields import load_custom_fields_file
from clinic_sandbox.freshsales.ratelimit import MINUTE_LIMIT, PLANS


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The subcommand's options (see docs/freshsales-simulator.md)."""
    serving.add_listen_arguments(parser, port=8500)
    parser.add_argument("--api-key", default=DEFAULT_API_KEY, help="the accepted API key")
    serving.add_users_arguments(parser, "CRM users")
    fields = parser.add_mutually_exclusive_group()
    fields.add_argument(
        "--with-custom-fields", action="store_true", help="start with the project's custom fields"
    )
    fields.add_argument("--custom-fields-file", type=Path, help="start with these custom fields")
    parser.add_argument("--plan", choices=sorted(PLANS), default="growth", help="rate preset")
    parser.add_argument("--hourly-limit", type=int, help="requests per hour (default: the plan's)")
    parser.add_argument("--minute-limit", type=int, default=MINUTE_LIMIT, help="requests/minute")
    parser.add_argument("--window-scale", type=float, default=1.0, help="scale window lengths")
    # The fault flags' second spellings are the Cliniko simulator's: one set drives both.
    serving.add_fault_arguments(parser)
    parser.add_argument("--job-delay", type=float, default=0.2, help="seconds before a bulk job")
    parser.add_argument(
        "--strict-attributes", action="store_true", help="unknown attributes are a 400"
    )
    parser.add_argument("--access-log", action="store_true", help="log each request line")


def config_from_args(args: argparse.Namespace) -> SimulatorConfig:
    """A SimulatorConfig from parsed options; ValueError names the bad option."""
    custom = project_custom_fields() if args.with_custom_fields else {}
    if args.custom_fields_file:
        custom = load_custom_fields_file(args.custom_fields_file)
    return SimulatorConfig(
        api_key=args.api_key,
        users=serving.users_from_args(args),
        custom_fields=custom,
        plan=args.plan,
        hourly_limit=args.hourly_limit,
        minute_limit=args.minute_limit,
        window_scale=args.window_scale,
        faults=serving.fault_settings(args),
        job_delay=args.job_delay,
        strict_attributes=args.strict_attributes,
    )


def run(args: argparse.Namespace) -> int:
    """Serve until interrupted; 2 on a bad option."""
    try:
        app = build_app(config_from_args(args))
    except ValueError as error:
        print(f"clinic-sandbox freshsales: {error}", file=sys.stderr)
        return 2
    banner = (
        f"Freshsales simulator on http://{args.host}:{args.port}/crm/sales/api "
        "(admin: /_admin/stats, /_admin/records/<entity>)"
    )
    return serving.serve_cli(app, args, "clinic-sandbox freshsales", banner)


def main(argv: list[str] | None = None) -> int:
    """Run the subcommand on its own (`python -m clinic_sandbox.freshsales.cli`)."""
    parser = argparse.ArgumentParser(prog="clinic-sandbox freshsales", description=__doc__)
    add_arguments(parser)
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    raise SystemExit(main())
