"""`clinic-sandbox freshsales`: serve the Freshsales simulator until interrupted."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

import uvicorn

from clinic_sandbox.freshsales.app import build_app
from clinic_sandbox.freshsales.config import DEFAULT_API_KEY, SimulatorConfig, project_custom_fields
from clinic_sandbox.freshsales.custom_fields import load_custom_fields_file
from clinic_sandbox.freshsales.faults import FaultSettings
from clinic_sandbox.freshsales.ratelimit import MINUTE_LIMIT, PLANS
from clinic_sandbox.freshsales.users import load_users_file


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The subcommand's options (see docs/freshsales-simulator.md)."""
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument("--port", type=int, default=8500, help="port to listen on")
    parser.add_argument("--api-key", default=DEFAULT_API_KEY, help="the accepted API key")
    users = parser.add_mutually_exclusive_group()
    users.add_argument("--users-file", type=Path, help="CRM users: emails, a line each, or JSON")
    users.add_argument(
        "--clinic-dir", type=Path, help="take the CRM users from a generated clinic's folder"
    )
    fields = parser.add_mutually_exclusive_group()
    fields.add_argument(
        "--with-custom-fields", action="store_true", help="start with the project's custom fields"
    )
    fields.add_argument("--custom-fields-file", type=Path, help="start with these custom fields")
    parser.add_argument("--plan", choices=sorted(PLANS), default="growth", help="rate preset")
    parser.add_argument("--hourly-limit", type=int, help="requests per hour (default: the plan's)")
    parser.add_argument("--minute-limit", type=int, default=MINUTE_LIMIT, help="requests/minute")
    parser.add_argument("--window-scale", type=float, default=1.0, help="scale window lengths")
    # The second spellings are the Cliniko simulator's, so one set of flags drives both.
    parser.add_argument("--latency-ms", type=float, default=0.0, help="added to every answer")
    parser.add_argument("--jitter-ms", type=float, default=0.0, help="random extra latency")
    for flags, text in (
        (("--error-rate", "--fault-5xx-rate"), "share answered 5xx"),
        (("--timeout-rate", "--fault-timeout-rate"), "share held, then answered"),
        (("--drop-rate", "--fault-drop-rate"), "share closed unanswered"),
    ):
        parser.add_argument(*flags, type=float, default=0.0, help=text)
    parser.add_argument(
        "--timeout-seconds", "--hang-s", type=float, default=30.0, help="how long to hold"
    )
    parser.add_argument("--fault-seed", type=int, default=0, help="seed of the fault dice")
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
    faults = FaultSettings(
        latency_ms=args.latency_ms,
        jitter_ms=args.jitter_ms,
        error_rate=args.error_rate,
        timeout_rate=args.timeout_rate,
        timeout_seconds=args.timeout_seconds,
        drop_rate=args.drop_rate,
        seed=args.fault_seed,
    )
    return SimulatorConfig(
        api_key=args.api_key,
        users=_users(args),
        custom_fields=custom,
        plan=args.plan,
        hourly_limit=args.hourly_limit,
        minute_limit=args.minute_limit,
        window_scale=args.window_scale,
        faults=faults,
        job_delay=args.job_delay,
        strict_attributes=args.strict_attributes,
    )


def _users(args: argparse.Namespace) -> list[Any] | None:
    if args.users_file:
        return load_users_file(args.users_file)
    if args.clinic_dir:
        from clinic_sandbox.clinic import crm_user_emails  # the generator; only when asked for

        if not (args.clinic_dir / "clinic.sqlite").is_file():
            raise ValueError(f"--clinic-dir {args.clinic_dir}: no generated clinic.sqlite there")
        return crm_user_emails(args.clinic_dir) or None
    return None


def run(args: argparse.Namespace) -> int:
    """Serve until interrupted; 2 on a bad option."""
    try:
        app = build_app(config_from_args(args))
    except ValueError as error:
        print(f"clinic-sandbox freshsales: {error}", file=sys.stderr)
        return 2
    if args.host not in ("127.0.0.1", "localhost", "::1"):
        # The admin routes have no auth and return every record held.
        print(f"warning: --host {args.host} exposes /_admin beyond this machine", file=sys.stderr)
    print(
        f"Freshsales simulator on http://{args.host}:{args.port}/crm/sales/api "
        "(admin: /_admin/stats, /_admin/records/<entity>)",
        file=sys.stderr,
    )
    uvicorn.run(
        app, host=args.host, port=args.port, log_level="warning", access_log=args.access_log
    )
    return 0


def main(argv: list[str] | None = None) -> int:
    """Run the subcommand on its own (`python -m clinic_sandbox.freshsales.cli`)."""
    parser = argparse.ArgumentParser(prog="clinic-sandbox freshsales", description=__doc__)
    add_arguments(parser)
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    raise SystemExit(main())
