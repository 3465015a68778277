"""Run the simulator with uvicorn: an API port plus a "storage" port, foreground or in a thread."""

from __future__ import annotations

import logging
import socket
import threading
import time
from typing import Any

import uvicorn

_STARTUP_WAIT_S = 30


def bind(host: str, port: int) -> socket.socket:
    """A listening TCP socket; port 0 picks a free one."""
    # proto=IPPROTO_TCP: asyncio sets TCP_NODELAY only then (else Nagle + delayed ACK: ~40 ms)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


def make_server(app: Any, log_level: str = "warning") -> uvicorn.Server:
    config = uvicorn.Config(
        app,
        http="h11",
        lifespan="off",
        log_level=log_level,
        access_log=False,
        # Injected hangs must not hold up a shutdown.
        timeout_graceful_shutdown=1,
    )
    return uvicorn.Server(config)


def serve_forever(app: Any, sockets: list[socket.socket], log_level: str = "info") -> None:
    """Serve until interrupted (the CLI)."""
    make_server(app, log_level).run(sockets=sockets)


class ServerThread:
    """uvicorn in a background thread with its own event loop (tests and benchmarks)."""

    def __init__(self, app: Any, sockets: list[socket.socket]) -> None:
        self.server = make_server(app)
        self.sockets = sockets
        self.thread = threading.Thread(
            target=self.server.run, kwargs={"sockets": sockets}, daemon=True
        )

    def start(self) -> None:
        self.thread.start()
        deadline = time.monotonic() + _STARTUP_WAIT_S
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the Cliniko simulator did not start")
            time.sleep(0.01)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
        for sock in self.sockets:
            sock.close()


class _QuietDrops(logging.Filter):
    """Injected dropped connections are intended; keep them out of the error log."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "without completing response" not in record.getMessage()


logging.getLogger("uvicorn.error").addFilter(_QuietDrops())
