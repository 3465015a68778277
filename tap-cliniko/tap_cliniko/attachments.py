"""Download patient attachment files next to the records, privately and only once."""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from tap_cliniko.errors import StreamSkipped
from tap_cliniko.records import link_url

if TYPE_CHECKING:
    from tap_cliniko.client import ClinikoStream

CHUNK = 1 << 16
SAFE_EXTENSION = re.compile(r"^\.[A-Za-z0-9]{1,8}$")
NO_CONTENT = {"content_path": None, "content_size": None, "content_sha256": None}


def private_dir(path: Path) -> Path:
    """Create ``path`` (and parents) for clinic files: mode 0700."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    path.chmod(0o700)
    return path


def sha256_of(path: Path) -> str:
    """Hex SHA-256 of a file's bytes."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


class AttachmentDownloader:
    """Saves each attachment as ``<attachments_dir>/<id>[.ext]``, mode 0600.

    A file already there with the size Cliniko declares is complete and is not downloaded
    again, so a re-run (or an interrupted run) only fetches what is missing.
    """

    def __init__(self, stream: ClinikoStream, directory: Path) -> None:
        """Download through ``stream`` (its auth, limiter and retries) into ``directory``."""
        self.stream = stream
        self.directory = private_dir(directory)

    def target_for(self, row: dict[str, Any]) -> Path:
        """The file name: the attachment id, plus the original extension when it is plain."""
        extension = Path(str(row.get("filename") or "")).suffix
        extension = extension.lower() if SAFE_EXTENSION.match(extension) else ""
        return self.directory / f"{row['id']}{extension}"

    def download(self, row: dict[str, Any]) -> dict[str, Any]:
        """Fetch one attachment's content if needed; return the content_* fields."""
        url = link_url(row.get("content"))
        declared = row.get("size")
        if not url or declared is None or row.get("id") is None:
            return dict(NO_CONTENT)  # not processed yet, or no file behind the record
        target = self.target_for(row)
        if target.exists() and target.stat().st_size == int(declared):
            return self._fields(target, sha256_of(target))
        try:
            digest = self._fetch(url, target)
        except StreamSkipped:
            self.stream.logger.warning(
                "Stream 'patient_attachments': the content of attachment %s could not be read "
                "(HTTP 403/404); its record is emitted without content_path",
                row["id"],
            )
            return dict(NO_CONTENT)
        return self._fields(target, digest)

    def _fetch(self, url: str, target: Path) -> str:
        stream = self.stream
        prepared = stream.build_prepared_request(
            method="GET", url=url, headers={**stream.http_headers, "Accept": "*/*"}
        )

        partial = target.with_name(target.name + ".part")

        def send_and_save() -> str:
            # The body is read inside the retried call: a connection dropped part-way through
            # the file (ChunkedEncodingError) is retried like one dropped before the answer.
            response = stream.send_following_redirects(prepared.copy(), stream=True)
            stream.validate_response(response)
            digest = hashlib.sha256()
            descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(descriptor, "wb") as handle, response:
                for chunk in response.iter_content(CHUNK):
                    handle.write(chunk)
                    digest.update(chunk)
            return digest.hexdigest()

        # The SDK types its decorator for functions returning a Response; it retries any.
        retried = stream.request_decorator(cast(Any, lambda *_: send_and_save()))
        digest = cast(str, retried(prepared, None))
        os.replace(partial, target)
        return digest

    @staticmethod
    def _fields(target: Path, digest: str) -> dict[str, Any]:
        return {
            "content_path": str(target.resolve()),
            "content_size": target.stat().st_size,
            "content_sha256": digest,
        }
