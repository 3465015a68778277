"""Documents: multipart upload with the 25 MB per-file limit, plus get/update/delete."""

from __future__ import annotations

import hashlib
import mimetypes

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from clinic_sandbox.freshsales import multipart, operations
from clinic_sandbox.freshsales.entities import DOCUMENTS
from clinic_sandbox.freshsales.errors import ApiError
from clinic_sandbox.freshsales.http import simulator, wrap

# Room for the form's other parts and boundaries on top of the file itself.
FORM_OVERHEAD = 64 * 1024


def too_large(limit: int) -> ApiError:
    """The 413 for a file over the limit."""
    return ApiError(413, f"File size exceeds the limit of {limit // (1024 * 1024)} MB")


async def _capped_body(request: Request, limit: int) -> bytes:
    # Read the rest and discard it once over the limit, so the client still gets the 413
    # instead of a reset connection mid-upload; nothing past the limit is kept.
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size <= limit + FORM_OVERHEAD:
            chunks.append(chunk)
    if size > limit + FORM_OVERHEAD:
        raise too_large(limit)
    return b"".join(chunks)


def _required(parts: dict[str, multipart.Part], name: str) -> multipart.Part:
    part = parts.get(name)
    if part is None or (not part.data and name != "file"):
        raise ApiError(400, f"{name.replace('_', ' ').capitalize()} can't be blank")
    return part


async def upload(request: Request) -> JSONResponse:
    """`POST /documents` (multipart: file, file_name, targetable_id, targetable_type, is_shared)."""
    sim = simulator(request)
    limit = sim.config.max_file_bytes
    body = await _capped_body(request, limit)
    parts = multipart.parse(body, request.headers.get("content-type", ""))
    upload = _required(parts, "file")
    if upload.filename is None:
        raise ApiError(400, "File must be a file part")
    if len(upload.data) > limit:
        raise too_large(limit)
    name = parts["file_name"].text() if "file_name" in parts else upload.filename
    target_id = _required(parts, "targetable_id").text()
    record = {
        "name": name,
        "targetable_type": _required(parts, "targetable_type").text(),
        "targetable_id": int(target_id) if target_id.isdigit() else target_id,
        "is_shared": parts["is_shared"].text().lower() == "true" if "is_shared" in parts else False,
    }
    content_type = upload.content_type or mimetypes.guess_type(upload.filename)[0]
    extra = {
        "content_file_name": upload.filename,
        "content_content_type": content_type or "application/octet-stream",
        "content_file_size": len(upload.data),
        "sha256": hashlib.sha256(upload.data).hexdigest(),
    }
    with sim.store.lock:
        created = operations.create(sim.store, DOCUMENTS, record, extra=extra)
        sim.store.contents[created["id"]] = upload.data
    return wrap(DOCUMENTS, created, 201)


DOCUMENT_ROUTES = [Route("/documents", upload, methods=["POST"])]
