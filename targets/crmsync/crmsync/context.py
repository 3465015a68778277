"""What a CLI command works with: the CRM target class, its config, lazily a client and a store."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any

from crmsync.client import CrmClient
from crmsync.errors import ConfigError
from crmsync.settings import store_path
from crmsync.staging import PublishTables
from crmsync.store import SQLiteSyncStore, open_store
from crmsync.target import CrmTarget

GROUP = "crmsync.crms"


def installed_crms() -> dict[str, Any]:
    """CRM name → entry point, for every package registering one in `crmsync.crms`."""
    return {ep.name: ep for ep in entry_points(group=GROUP)}


@dataclass
class CliContext:
    """The CRM a command operates on; client and store open on first use."""

    crm: str
    target_class: type[CrmTarget]
    config: dict[str, Any]
    _client: CrmClient | None = field(default=None, repr=False)
    _store: SQLiteSyncStore | None = field(default=None, repr=False)

    @classmethod
    def create(cls, crm: str | None, config_files: list[str]) -> CliContext:
        """Find the CRM by name and read its config like the target does (files, then env)."""
        available = installed_crms()
        name = crm or os.environ.get("CRMSYNC_CRM")
        if not name and len(available) == 1:
            name = next(iter(available))
        if not name or name not in available:
            known = ", ".join(sorted(available)) or "none installed"
            raise ConfigError(f"--crm must name an installed CRM ({known})")
        target_class = available[name].load()
        config: dict[str, Any] = {}
        for path in config_files:
            try:
                config.update(json.loads(Path(path).read_text(encoding="utf-8")))
            except (OSError, ValueError) as exc:
                raise ConfigError(f"--config {Path(path).name}: {type(exc).__name__}") from exc
        target = target_class(config=config, parse_env_config=True, validate_config=False)
        return cls(name, target_class, dict(target.config))

    @property
    def specs(self) -> dict[str, Any]:
        """The CRM's object specs by stream, in load order."""
        ordered = sorted(self.target_class.objects, key=lambda s: s.load_order)
        return {s.stream: s for s in ordered}

    def client(self) -> CrmClient:
        """The CRM client (settings validated here, naming the bad one)."""
        if self._client is None:
            self._client = self.target_class.connect(self.config)
        return self._client

    def store(self) -> SQLiteSyncStore:
        """The sync store; it must exist already (a command never creates an empty one)."""
        if self._store is None:
            path = store_path(self.config, self.crm)
            if not path.is_file():
                raise ConfigError(
                    f"no sync store at sync_store_path ({path.name}); run the target first"
                )
            self._store = open_store(path)
        return self._store

    def publish(self, staging: str | None = None) -> PublishTables | None:
        """The publish tables, when `--staging` or the staging_path setting names the file."""
        path = staging or self.config.get("staging_path")
        return PublishTables(path, self.target_class.publish_schema()) if path else None

    def close(self) -> None:
        """Close what was opened."""
        if self._store is not None:
            self._store.close()
        if self._client is not None:
            self._client.close()
