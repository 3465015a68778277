"""`clinic-sandbox cliniko`: generate (or reuse) a clinic and serve the Cliniko API over it."""

from __future__ import annotations

import argparse
import json
import socket
from pathlib import Path

from clinic_sandbox.clinic.generator import generate_clinic
from clinic_sandbox.cliniko.app import build_app
from clinic_sandbox.cliniko.behaviour import DEFAULT_API_KEY, Behaviour
from clinic_sandbox.generate_cli import add_clinic_arguments, clinic_options
from clinic_sandbox.serving import bind, serve_forever


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_clinic_arguments(parser)
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=None,
        help="where the clinic lives (reused when made with the same options); "
        "default output/sandbox/cliniko-p<patients>-s<seed>",
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8400)
    parser.add_argument(
        "--storage-port",
        type=int,
        default=None,
        help="file storage port (default port+1, else any free one)",
    )
    parser.add_argument("--api-key", default=DEFAULT_API_KEY)
    parser.add_argument("--rate-limit", type=int, default=200, help="requests per window per key")
    parser.add_argument("--rate-window-s", type=float, default=60.0)
    parser.add_argument("--latency-ms", type=float, default=0.0)
    parser.add_argument("--jitter-ms", type=float, default=0.0)
    parser.add_argument("--fault-5xx-rate", type=float, default=0.0, help="0..1")
    parser.add_argument("--fault-timeout-rate", type=float, default=0.0, help="0..1")
    parser.add_argument("--fault-drop-rate", type=float, default=0.0, help="0..1")
    parser.add_argument("--hang-s", type=float, default=30.0, help="how long a timeout hangs")
    parser.add_argument(
        "--archive-touches-updated-at",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="archive/cancel/delete mutations bump updated_at (default yes)",
    )
    parser.add_argument("--public-url", default=None, help="base for links, e.g. http://host:8400")
    parser.add_argument("--log-level", default="info")


def _storage_socket(host: str, port: int, wanted: int | None) -> socket.socket:
    """The storage port: as asked, else port+1 when free, else any free port."""
    if wanted is not None:
        return bind(host, wanted)
    try:
        return bind(host, port + 1)
    except OSError:
        return bind(host, 0)


def run(args: argparse.Namespace) -> int:
    options = clinic_options(args)
    data_dir = args.data_dir or Path("output/sandbox") / f"cliniko-p{args.patients}-s{args.seed}"
    counts = generate_clinic(data_dir, options)
    behaviour = Behaviour(
        api_key=args.api_key,
        rate_limit=args.rate_limit,
        rate_window_s=args.rate_window_s,
        latency_ms=args.latency_ms,
        jitter_ms=args.jitter_ms,
        fault_5xx_rate=args.fault_5xx_rate,
        fault_timeout_rate=args.fault_timeout_rate,
        fault_drop_rate=args.fault_drop_rate,
        hang_s=args.hang_s,
        archive_touches_updated_at=args.archive_touches_updated_at,
        public_url=args.public_url.rstrip("/") if args.public_url else None,
    )
    try:
        behaviour.validate()
    except ValueError as exc:
        raise SystemExit(f"clinic-sandbox cliniko: {exc}") from None
    api = bind(args.host, args.port)
    storage = _storage_socket(args.host, args.port, args.storage_port)
    app = build_app(data_dir, behaviour, storage_port=storage.getsockname()[1])
    totals = {name: c["total"] for name, c in counts.items()}
    print(json.dumps({"records": sum(totals.values()), "per_stream": totals}))
    print(f"Cliniko simulator on http://{args.host}:{api.getsockname()[1]}/v1")
    print(f"  api key {args.api_key!r}; admin http://{args.host}:{api.getsockname()[1]}/_admin")
    serve_forever(app, [api, storage], log_level=args.log_level)
    return 0
