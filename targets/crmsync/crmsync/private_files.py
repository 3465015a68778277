"""Files and folders that hold clinic data: created mode 0600 (folders 0700), whatever the umask."""

from __future__ import annotations

import os
from pathlib import Path


def ensure_private_dir(path: Path) -> None:
    """Create `path` (and parents) mode 0700 if missing; an existing folder is left as it is."""
    if not path.exists():
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.chmod(path, 0o700)  # mkdir applies the umask


def create_private_file(path: Path) -> None:
    """Create `path` empty with mode 0600 if missing, and tighten it to 0600 if it exists."""
    fd = os.open(path, os.O_CREAT | os.O_WRONLY, 0o600)
    os.close(fd)
    os.chmod(path, 0o600)


def write_private_text(path: Path, text: str) -> None:
    """Write `text` to `path` (mode 0600, parent folder 0700)."""
    ensure_private_dir(path.parent)
    create_private_file(path)
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(text)
