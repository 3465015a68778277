"""A loopback HTTP server that records every request and answers from a fixed script.

The security tests point a plugin at it to prove what reaches a host: nothing at all when the
settings are bad, and no credential on a host a redirect names.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Seen:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Recorder:
    """Where the server listens and what it received."""

    url: str
    requests: list[Seen] = field(default_factory=list)


# An answer: (status, headers, body) for a request.
Answer = Callable[[Seen], tuple[int, dict[str, str], bytes]]


def not_found(_: Seen) -> tuple[int, dict[str, str], bytes]:
    return 404, {"Content-Type": "application/json"}, b"{}"


def redirect_to(location: str, status: int = 307) -> Answer:
    """Every request is sent on to `location` + its path (307/308 keep the method and body)."""

    def answer(seen: Seen) -> tuple[int, dict[str, str], bytes]:
        return status, {"Location": location + seen.path, "Content-Length": "0"}, b""

    return answer


@contextmanager
def recording_server(answer: Answer = not_found) -> Iterator[Recorder]:
    """A server on a free loopback port until the block ends."""
    recorder: Recorder

    class Handler(BaseHTTPRequestHandler):
        def _any(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            seen = Seen(self.command, self.path, dict(self.headers), self.rfile.read(length))
            recorder.requests.append(seen)
            status, headers, body = answer(seen)
            self.send_response(status)
            for key, value in headers.items():
                self.send_header(key, value)
            if "Content-Length" not in headers:
                self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _any

        def log_message(self, *args: object) -> None:  # quiet
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    recorder = Recorder(f"http://127.0.0.1:{server.server_address[1]}")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield recorder
    finally:
        server.shutdown()
        server.server_close()
