"""A loopback HTTP server that records every request and answers from a fixed script.

The security tests point a plugin at it to prove what reaches a host: nothing at all when the
settings are bad, and no credential on a host a redirect names.
"""

from __future__ import annotations

import datetime
import ipaddress
import ssl
import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


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


def self_signed_context(folder: Path) -> ssl.SSLContext:
    """A TLS context with a fresh self-signed certificate for 127.0.0.1 (trusted by no one)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(hours=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = folder / "cert.pem", folder / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_file, key_file)
    return context


@contextmanager
def recording_server(answer: Answer = not_found, tls: bool = False) -> Iterator[Recorder]:
    """A server on a free loopback port until the block ends (https with a self-signed
    certificate when `tls`: a client that verifies certificates must refuse it)."""
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
    scheme = "http"
    if tls:
        with tempfile.TemporaryDirectory() as folder:
            context = self_signed_context(Path(folder))
        server.socket = context.wrap_socket(server.socket, server_side=True)
        scheme = "https"
    recorder = Recorder(f"{scheme}://127.0.0.1:{server.server_address[1]}")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield recorder
    finally:
        server.shutdown()
        server.server_close()
