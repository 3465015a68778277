"""A small multipart/form-data parser (the stdlib has none; the sandbox avoids python-multipart)."""

from __future__ import annotations

from dataclasses import dataclass
from email.message import Message
from email.utils import collapse_rfc2231_value

from clinic_sandbox.freshsales.errors import ApiError


@dataclass(frozen=True)
class Part:
    """One form part: its field name, the filename if it is a file, its bytes and type."""

    name: str
    filename: str | None
    content_type: str | None
    data: bytes

    def text(self) -> str:
        """The part as UTF-8 text (form values)."""
        try:
            return self.data.decode("utf-8")
        except UnicodeDecodeError:
            raise ApiError(400, f"Form value {self.name} is not UTF-8 text") from None


def boundary_of(content_type: str) -> bytes:
    """The boundary from a `multipart/form-data; boundary=...` header, or a 400."""
    header = Message()
    header["content-type"] = content_type
    boundary = header.get_param("boundary")
    if header.get_content_type() != "multipart/form-data" or not isinstance(boundary, str):
        raise ApiError(400, "Content-Type must be multipart/form-data with a boundary")
    return boundary.encode("latin-1")


def _headers(block: bytes) -> Message:
    message = Message()
    for line in block.decode("utf-8", "replace").split("\r\n"):
        name, _, value = line.partition(":")
        if name.strip():
            message[name.strip()] = value.strip()
    return message


def parse(body: bytes, content_type: str) -> dict[str, Part]:
    """The parts of a form body by field name (a repeated name keeps the last part)."""
    delimiter = b"--" + boundary_of(content_type)
    chunks = body.split(b"\r\n" + delimiter)
    if not chunks[0].startswith(delimiter):
        raise ApiError(400, "Malformed multipart body")
    chunks[0] = chunks[0][len(delimiter) :]
    parts: dict[str, Part] = {}
    for chunk in chunks:
        if chunk.startswith(b"--"):
            break  # the closing delimiter
        head, separator, data = chunk.removeprefix(b"\r\n").partition(b"\r\n\r\n")
        if not separator:
            raise ApiError(400, "Malformed multipart body")
        headers = _headers(head)
        name = headers.get_param("name", header="content-disposition")
        if not isinstance(name, str):
            raise ApiError(400, "Multipart part without a name")
        filename = headers.get_param("filename", header="content-disposition")
        parts[name] = Part(
            name=name,
            filename=collapse_rfc2231_value(filename) if filename is not None else None,
            content_type=headers.get("content-type"),
            data=data,
        )
    return parts
