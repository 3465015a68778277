"""CRM users (owners): read from a users file or a list, numbered like Freshsales user ids."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

USER_ID_BASE = 70_000_000_000
DEFAULT_USERS = [{"email": "admin@sandbox.test", "display_name": "Sandbox Admin"}]


def _display_name(entry: dict[str, Any], email: str) -> str:
    if entry.get("display_name") or entry.get("name"):
        return str(entry.get("display_name") or entry.get("name"))
    parts = [entry.get("first_name"), entry.get("last_name")]
    joined = " ".join(str(part) for part in parts if part)
    return joined or email.split("@", 1)[0]


def build_users(entries: list[Any] | None) -> list[dict[str, Any]]:
    """Users as `/selector/owners` lists them, from emails or `{"email", ...}` objects."""
    users: list[dict[str, Any]] = []
    seen: set[str] = set()
    for index, entry in enumerate(entries or DEFAULT_USERS, start=1):
        raw = {"email": entry} if isinstance(entry, str) else entry
        email = raw.get("email") if isinstance(raw, dict) else None
        if not isinstance(email, str) or "@" not in email:
            raise ValueError(f"users: entry {index} has no valid email")
        email = email.strip()
        if email.lower() in seen:
            raise ValueError(f"users: entry {index} repeats an email; CRM user emails are unique")
        seen.add(email.lower())
        users.append(
            {
                "id": USER_ID_BASE + index,
                "display_name": _display_name(raw, email),
                "email": email,
                "is_active": True,
                "work_number": None,
                "mobile_number": None,
            }
        )
    return users


def load_users_file(path: Path) -> list[Any]:
    """User entries from a text file (an email a line) or JSON (a list, or under `users`)."""
    try:
        content = Path(path).read_text(encoding="utf-8")
    except OSError as error:
        raise ValueError(f"--users-file {path}: cannot read ({error.strerror})") from None
    stripped = content.strip()
    if not stripped.startswith(("[", "{")):
        return [line.strip() for line in stripped.splitlines() if line.strip()]
    try:
        data = json.loads(stripped)
    except json.JSONDecodeError as error:
        raise ValueError(f"--users-file {path}: invalid JSON ({error.msg})") from None
    if isinstance(data, dict):
        data = data.get("users", data.get("practitioners"))
    if not isinstance(data, list):
        raise ValueError(f"--users-file {path}: expected a list of users or emails")
    return data
