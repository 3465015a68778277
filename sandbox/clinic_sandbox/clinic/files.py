"""Small real attachment files (text, PNG, PDF) and the byte stream of declared-large ones."""

from __future__ import annotations

import hashlib
import struct
import zlib
from collections.abc import Iterator

LARGE_FILE_MIN = 25 * 1024 * 1024 + 1
_CHUNK = 1 << 20


def text_file(body: str) -> bytes:
    return body.encode("utf-8")


def png_file(seed: int, size: int = 16) -> bytes:
    """A valid size x size greyscale PNG whose pixels depend on `seed`."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    rows = b"".join(
        b"\x00" + bytes((x * 16 + y * 7 + seed) % 256 for x in range(size)) for y in range(size)
    )
    header = struct.pack(">IIBBBBB", size, size, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def pdf_file(line: str) -> bytes:
    """A one-page PDF showing one line of ASCII text (valid xref offsets)."""
    safe = line.encode("ascii", "replace").decode().replace("(", "[").replace(")", "]")
    stream = f"BT /F1 12 Tf 72 720 Td ({safe}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return out


def large_file_chunks(attachment_id: int, size: int) -> Iterator[bytes]:
    """The deterministic bytes of a declared-large attachment, streamed in 1 MiB chunks."""
    block = hashlib.sha256(str(attachment_id).encode()).digest() * (_CHUNK // 32)
    remaining = size
    while remaining > 0:
        piece = block[: min(_CHUNK, remaining)]
        remaining -= len(piece)
        yield piece
