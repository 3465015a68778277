"""Attachment downloads: small files from the API, large ones via a signed "storage" redirect."""

from __future__ import annotations

import hashlib
import hmac
import time

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response, StreamingResponse

from clinic_sandbox.clinic.files import large_file_chunks
from clinic_sandbox.cliniko.routes import NOT_FOUND, error
from clinic_sandbox.cliniko.state import SandboxState

URL_LIFETIME_S = 300
# What S3 says when a presigned URL also carries an Authorization header.
_TWO_AUTHS = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>InvalidArgument</Code>'
    b"<Message>Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, "
    b"Signature query string parameter or the Authorization header should be specified"
    b"</Message></Error>"
)
_DENIED = b'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>AccessDenied</Code></Error>'


def _sign(state: SandboxState, attachment_id: int, expires: int) -> str:
    message = f"{attachment_id}:{expires}".encode()
    return hmac.new(state.secret, message, hashlib.sha256).hexdigest()


async def attachment_content(request: Request) -> Response:
    """`GET /v1/patient_attachments/{id}/content`: bytes, or a redirect for declared-large files."""
    state: SandboxState = request.app.state.sandbox
    attachment_id = int(request.path_params["record_id"])
    record = state.store.get("patient_attachments", attachment_id)
    if record is None or record.get("content") is None:
        return error(404, NOT_FOUND)
    blob = state.store.blob(attachment_id)
    if blob is not None:
        return Response(
            blob,
            media_type=record.get("content_type") or "application/octet-stream",
            headers={"content-disposition": f'attachment; filename="{record["filename"]}"'},
        )
    if state.storage_port is None:
        return error(404, NOT_FOUND)
    expires = int(time.time()) + URL_LIFETIME_S
    host = request.url.hostname or "127.0.0.1"
    location = (
        f"{request.url.scheme}://{host}:{state.storage_port}/storage/attachments/{attachment_id}"
        f"?expires={expires}&signature={_sign(state, attachment_id, expires)}"
    )
    return RedirectResponse(location, status_code=302)


async def storage_download(request: Request) -> Response:
    """The storage host: presigned URLs only, and no Authorization header (like S3)."""
    state: SandboxState = request.app.state.sandbox
    if not state.is_storage(request.scope):
        return error(404, NOT_FOUND)
    if "authorization" in request.headers:
        return Response(_TWO_AUTHS, 400, media_type="application/xml")
    attachment_id = int(request.path_params["record_id"])
    try:
        expires = int(request.query_params.get("expires", "0"))
    except ValueError:
        expires = 0
    expected = _sign(state, attachment_id, expires)
    signature = request.query_params.get("signature", "")
    if expires < time.time() or not hmac.compare_digest(signature, expected):
        return Response(_DENIED, 403, media_type="application/xml")
    record = state.store.get("patient_attachments", attachment_id)
    if record is None:
        return Response(_DENIED, 403, media_type="application/xml")
    size = int(record["size"])
    return StreamingResponse(
        large_file_chunks(attachment_id, size),
        media_type=record.get("content_type") or "application/octet-stream",
        headers={"content-length": str(size)},
    )
