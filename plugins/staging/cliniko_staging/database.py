"""Open the staging DuckDB file: one writer at a time, private file modes, optional encryption."""

from __future__ import annotations

import contextlib
import os
import re
from importlib import resources
from pathlib import Path

import duckdb

CATALOG = "staging"
_PRIVATE_UMASK = 0o077


class StagingFileError(RuntimeError):
    """The staging file cannot be opened; the message says why and which setting to look at."""


class StagingFileLockedError(StagingFileError):
    """Another process holds the staging file."""


class StagingDatabase:
    """A connection to the staging file whose catalog is the default one for unqualified names.

    A writer sets the process umask to 077 while it is open, so DuckDB creates the file, its
    ``.wal`` and its spill directory readable by the owner only, and tightens an existing file.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        encryption_key: str | None = None,
        read_only: bool = False,
        memory_limit: str | None = None,
    ) -> None:
        """Open the file.

        Args:
            path: The staging DuckDB file.
            encryption_key: The key the file is (or is to be) encrypted with, if any.
            read_only: Open read-only: readers share the file, and keep writers out meanwhile.
            memory_limit: DuckDB's memory budget, e.g. ``128MB`` (its buffer cache otherwise
                grows toward 80% of RAM as tables grow).

        Raises:
            StagingFileError: The file is missing (read-only), locked, or the key does not fit.
        """
        self.path = Path(path).expanduser().resolve()
        self.read_only = read_only
        self._saved_umask: int | None = None
        if read_only and not self.path.exists():
            msg = f"The staging file {self.path} does not exist (setting `path`)"
            raise StagingFileError(msg)
        if not read_only:
            self._prepare_private_location()
        try:
            self.connection = self._connect(encryption_key)
        except Exception:
            self._restore_umask()
            raise
        # Date-times without an offset are read as UTC, whatever the machine's zone.
        self.connection.execute("SET TimeZone = 'UTC'")
        if memory_limit:
            self._set_memory_limit(memory_limit)
        if not read_only:
            # Batches are small; one DuckDB thread costs less CPU than two on a machine that
            # also runs the tap, and memory then stays flat however long the stream.
            self.connection.execute("SET threads = 1")

    def _set_memory_limit(self, memory_limit: str) -> None:
        try:
            self.connection.execute(f"SET memory_limit = {_literal(memory_limit)}")
        except duckdb.Error:
            self.close()
            msg = f"`memory_limit` must be a size such as 256MB or 1GB, not {memory_limit!r}"
            raise StagingFileError(msg) from None

    def _prepare_private_location(self) -> None:
        self._saved_umask = os.umask(_PRIVATE_UMASK)
        try:
            self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        except OSError as exc:
            self._restore_umask()
            msg = f"Cannot create the folder of the staging file {self.path} (`path`): {exc}"
            raise StagingFileError(msg) from None
        for existing in (self.path, Path(f"{self.path}.wal")):
            if existing.exists():
                with contextlib.suppress(PermissionError):
                    existing.chmod(0o600)

    def _connect(self, encryption_key: str | None) -> duckdb.DuckDBPyConnection:
        config: dict[str, str | bool | int | float | list[str]] = {
            "autoinstall_known_extensions": False
        }
        try:
            if not encryption_key:
                return duckdb.connect(str(self.path), read_only=self.read_only, config=config)
            # An in-memory main database would spill to ./.tmp; keep spills beside the file,
            # private and encrypted like it.
            config["temp_directory"] = f"{self.path}.tmp"
            config["temp_file_encryption"] = True
            connection = duckdb.connect(":memory:", config=config)
            if not self.read_only:
                load_httpfs(connection)
            options = [f"ENCRYPTION_KEY {_literal(encryption_key)}"]
            if self.read_only:
                options.append("READ_ONLY")
            connection.execute(
                f"ATTACH {_literal(str(self.path))} AS {CATALOG} ({', '.join(options)})"
            )
            connection.execute(f"USE {CATALOG}")
            return connection
        except duckdb.Error as exc:
            raise self._explain(exc, encryption_key) from None

    def _explain(self, exc: duckdb.Error, encryption_key: str | None) -> StagingFileError:
        # DuckDB gives no error codes; these are the texts of duckdb 1.5.4 (pinned everywhere).
        text = str(exc)
        encrypted = bool(encryption_key)
        if encryption_key:  # an error quoting the ATTACH statement must not leak the key
            text = text.replace(encryption_key, "***")
        if "Could not set lock on file" in text:
            # DuckDB names the holder ("Conflicting lock is held in <program> (PID n)"): say which
            # process to wait for.
            holder = re.search(r"held in (.+?) \(PID (\d+)\)", text)
            held = f" (held by PID {holder[2]}, {holder[1]})" if holder else ""
            return StagingFileLockedError(
                f"The staging file {self.path} is in use by another process{held} (another "
                "target-staging, dbt or tap-staging run). DuckDB allows one writer at a time; "
                "wait for that run to finish, then start this one again."
            )
        if "without a key" in text:
            return StagingFileError(
                f"The staging file {self.path} is encrypted: set `encryption_key` to its key"
            )
        if encrypted and ("key" in text.lower() or "decrypt" in text.lower()):
            return StagingFileError(
                f"Cannot open the staging file {self.path} with the `encryption_key` given "
                "(wrong key, or the file is not encrypted)"
            )
        return StagingFileError(f"Cannot open the staging file {self.path} (`path`): {text}")

    def close(self) -> None:
        """Commit nothing further, checkpoint, release the lock and restore the umask."""
        try:
            self.connection.close()
        finally:
            self._restore_umask()

    def _restore_umask(self) -> None:
        if self._saved_umask is not None:
            os.umask(self._saved_umask)
            self._saved_umask = None


def load_httpfs(connection: duckdb.DuckDBPyConnection) -> None:
    """Load DuckDB's httpfs (OpenSSL), which writing an encrypted file requires.

    The build comes from the pinned ``duckdb-extension-httpfs`` package; it is also installed
    into DuckDB's per-user extension folder so dbt (``extensions: [httpfs]``) finds it offline.
    DuckDB verifies the extension's signature on load.
    """
    version = duckdb.__version__
    packaged = resources.files("duckdb_extension_httpfs") / "extensions" / f"v{version}"
    extension = Path(str(packaged)) / "httpfs.duckdb_extension"
    if not extension.exists():
        msg = f"No httpfs build for duckdb {version}: reinstall cliniko-staging (encryption_key)"
        raise StagingFileError(msg)
    with contextlib.suppress(duckdb.Error):
        connection.execute(f"INSTALL {_literal(str(extension))}")
    connection.execute(f"LOAD {_literal(str(extension))}")


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"
