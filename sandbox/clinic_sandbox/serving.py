"""How every simulator is served: sockets, uvicorn in a thread or the foreground, shared flags."""

from __future__ import annotations

import argparse
import logging
import socket
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import uvicorn

from clinic_sandbox.freshsales.faults import FaultSettings
from clinic_sandbox.freshsales.users import load_users_file

LOOPBACK = ("127.0.0.1", "localhost", "::1")
STARTUP_SECONDS = 30.0


def bind(host: str, port: int) -> socket.socket:
    """A listening TCP socket; port 0 picks a free one."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET  # as uvicorn picks it
    # proto=IPPROTO_TCP: asyncio sets TCP_NODELAY only then (else Nagle + delayed ACK: ~40 ms)
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


def make_server(app: Any, log_level: str = "warning", access_log: bool = False) -> uvicorn.Server:
    """A uvicorn server for `app`, to run on sockets made by `bind`."""
    config = uvicorn.Config(
        app,
        http="h11",
        lifespan="off",
        log_level=log_level,
        access_log=access_log,
        # Injected hangs must not hold up a shutdown.
        timeout_graceful_shutdown=1,
    )
    return uvicorn.Server(config)


def serve_forever(
    app: Any, sockets: list[socket.socket], log_level: str = "info", access_log: bool = False
) -> None:
    """Serve until interrupted (the CLIs)."""
    make_server(app, log_level, access_log).run(sockets=sockets)


class ServerThread:
    """uvicorn in a background thread with its own event loop (tests and benchmarks)."""

    def __init__(self, app: Any, sockets: list[socket.socket], name: str = "simulator") -> None:
        self.name = name
        self.server = make_server(app)
        self.sockets = sockets
        self.thread = threading.Thread(
            target=self.server.run, kwargs={"sockets": sockets}, name=name, daemon=True
        )

    def start(self) -> None:
        """Start serving; RuntimeError when the server is not up within STARTUP_SECONDS."""
        self.thread.start()
        deadline = time.monotonic() + STARTUP_SECONDS
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                self.server.should_exit = True
                raise RuntimeError(f"the {self.name} did not start")
            time.sleep(0.01)

    def stop(self) -> None:
        """Stop serving and close the sockets."""
        self.server.should_exit = True
        self.thread.join(timeout=10)
        for sock in self.sockets:
            sock.close()


@contextmanager
def serving_on_loopback(app: Any, name: str) -> Iterator[str]:
    """Serve `app` on a free loopback port in a thread; yields its root URL, stops on exit."""
    sock = bind("127.0.0.1", 0)
    server = ServerThread(app, [sock], name)
    try:
        server.start()
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.stop()


# The CRM simulators' shared command line.


def add_listen_arguments(parser: argparse.ArgumentParser, port: int) -> None:
    """--host and --port."""
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument("--port", type=int, default=port, help="port to listen on")


def add_users_arguments(parser: argparse.ArgumentParser, who: str) -> None:
    """--users-file or --clinic-dir: where the CRM's users come from (`who` names them)."""
    users = parser.add_mutually_exclusive_group()
    users.add_argument("--users-file", type=Path, help=f"{who}: emails, a line each, or JSON")
    users.add_argument(
        "--clinic-dir", type=Path, help=f"take the {who} from a generated clinic's folder"
    )


def users_from_args(args: argparse.Namespace) -> list[Any] | None:
    """The users named by --users-file or --clinic-dir; None: the simulator's default user."""
    if args.users_file:
        return load_users_file(args.users_file)
    if args.clinic_dir:
        from clinic_sandbox.clinic import crm_user_emails  # the generator; only when asked for

        if not (args.clinic_dir / "clinic.sqlite").is_file():
            raise ValueError(f"--clinic-dir {args.clinic_dir}: no generated clinic.sqlite there")
        return crm_user_emails(args.clinic_dir) or None
    return None


def add_fault_arguments(parser: argparse.ArgumentParser) -> None:
    """Latency and fault flags; the second spellings are the Cliniko simulator's."""
    parser.add_argument("--latency-ms", type=float, default=0.0, help="added to every answer")
    parser.add_argument("--jitter-ms", type=float, default=0.0, help="random extra latency")
    for flags, text in (
        (("--error-rate", "--fault-5xx-rate"), "share answered 5xx"),
        (("--timeout-rate", "--fault-timeout-rate"), "share held, then answered"),
        (("--drop-rate", "--fault-drop-rate"), "share closed unanswered"),
        (("--burst-rate",), "share starting a burst of rate-limit refusals"),
    ):
        parser.add_argument(*flags, type=float, default=0.0, help=text)
    parser.add_argument(
        "--timeout-seconds", "--hang-s", type=float, default=30.0, help="how long to hold"
    )
    parser.add_argument("--burst-length", type=int, default=3, help="refusals in one burst")
    parser.add_argument("--fault-seed", type=int, default=0, help="seed of the fault dice")


def fault_settings(args: argparse.Namespace) -> FaultSettings:
    """FaultSettings from the fault flags; ValueError names the bad flag."""
    return FaultSettings(
        latency_ms=args.latency_ms,
        jitter_ms=args.jitter_ms,
        error_rate=args.error_rate,
        timeout_rate=args.timeout_rate,
        timeout_seconds=args.timeout_seconds,
        drop_rate=args.drop_rate,
        burst_rate=args.burst_rate,
        burst_length=args.burst_length,
        seed=args.fault_seed,
    )


def serve_cli(app: Any, args: argparse.Namespace, prog: str, banner: str) -> int:
    """Serve a CRM simulator in the foreground until interrupted; 1 when it cannot listen."""
    try:
        sock = bind(args.host, args.port)
    except OSError as error:
        print(f"{prog}: cannot listen on {args.host}:{args.port} ({error})", file=sys.stderr)
        return 1
    if args.host not in LOOPBACK:
        # The admin routes have no auth and return every record held.
        print(f"warning: --host {args.host} exposes /_admin beyond this machine", file=sys.stderr)
    print(banner, file=sys.stderr)
    serve_forever(app, [sock], "warning", args.access_log)
    return 0


class _QuietDrops(logging.Filter):
    """Injected dropped connections are intended; keep them out of the error log."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "without completing response" not in record.getMessage()


logging.getLogger("uvicorn.error").addFilter(_QuietDrops())
