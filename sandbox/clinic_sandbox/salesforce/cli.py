"""`clinic-sandbox salesforce`: serve the Salesforce simulator until interrupted."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from clinic_sandbox import serving
from clinic_sandbox.salesforce import config as defaults
from clinic_sandbox.salesforce.app import build_app
from clinic_sandbox.salesforce.config import SimulatorConfig
from clinic_sandbox.salesforce.rsa import load_public_key


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The subcommand's options (see docs/salesforce-simulator.md)."""
    serving.add_listen_arguments(parser, port=8600)
    parser.add_argument("--api-version", default="62.0", help="the REST version served")
    parser.add_argument("--client-id", default=defaults.DEFAULT_CLIENT_ID, help="consumer key")
    parser.add_argument(
        "--client-secret", default=defaults.DEFAULT_CLIENT_SECRET, help="consumer secret"
    )
    parser.add_argument(
        "--refresh-token", default=defaults.DEFAULT_REFRESH_TOKEN, help="the accepted refresh token"
    )
    parser.add_argument(
        "--jwt-public-key",
        type=Path,
        help="PEM public key or certificate that JWT assertions must verify with",
    )
    parser.add_argument("--token-ttl", type=float, default=7200.0, help="access token seconds")
    serving.add_users_arguments(parser, "org users")
    parser.add_argument(
        "--with-custom-objects",
        action="store_true",
        help="deploy the project's custom objects and fields",
    )
    parser.add_argument(
        "--audit-fields",
        action="store_true",
        help="CreatedDate/LastModifiedDate/CreatedById are createable",
    )
    parser.add_argument("--daily-limit", type=int, default=100_000, help="API calls per 24 h")
    parser.add_argument("--window-scale", type=float, default=1.0, help="scale the 24 h window")
    parser.add_argument("--query-page-size", type=int, default=2000, help="SOQL page size")
    parser.add_argument(
        "--max-file-bytes", type=int, default=defaults.MAX_FILE_BYTES, help="largest decoded blob"
    )
    parser.add_argument("--job-delay", type=float, default=0.2, help="seconds before a Bulk job")
    serving.add_fault_arguments(parser)
    parser.add_argument("--access-log", action="store_true", help="log each request line")


def _read_key(path: Path | None) -> str | None:
    if path is None:
        return None
    try:
        pem = path.read_text(encoding="utf-8")
    except OSError as error:
        raise ValueError(f"--jwt-public-key {path}: cannot read ({error.strerror})") from None
    try:
        load_public_key(pem)
    except (ValueError, IndexError) as error:
        raise ValueError(f"--jwt-public-key {path}: not an RSA public key ({error})") from None
    return pem


def config_from_args(args: argparse.Namespace) -> SimulatorConfig:
    """A SimulatorConfig from parsed options; ValueError names the bad option."""
    return SimulatorConfig(
        api_version=args.api_version,
        client_id=args.client_id,
        client_secret=args.client_secret,
        refresh_token=args.refresh_token,
        jwt_public_key_pem=_read_key(args.jwt_public_key),
        token_ttl=args.token_ttl,
        users=serving.users_from_args(args),
        with_custom_objects=args.with_custom_objects,
        audit_fields=args.audit_fields,
        daily_limit=args.daily_limit,
        window_scale=args.window_scale,
        query_page_size=args.query_page_size,
        max_file_bytes=args.max_file_bytes,
        job_delay=args.job_delay,
        faults=serving.fault_settings(args),
    )


def run(args: argparse.Namespace) -> int:
    """Serve until interrupted; 2 on a bad option."""
    try:
        app = build_app(config_from_args(args))
    except ValueError as error:
        print(f"clinic-sandbox salesforce: {error}", file=sys.stderr)
        return 2
    banner = (
        f"Salesforce simulator on http://{args.host}:{args.port} (token: /services/oauth2/token, "
        f"API: /services/data/v{args.api_version}, admin: /_admin/stats)"
    )
    return serving.serve_cli(app, args, "clinic-sandbox salesforce", banner)


def main(argv: list[str] | None = None) -> int:
    """Run the subcommand on its own (`python -m clinic_sandbox.salesforce.cli`)."""
    parser = argparse.ArgumentParser(prog="clinic-sandbox salesforce", description=__doc__)
    add_arguments(parser)
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    raise SystemExit(main())
