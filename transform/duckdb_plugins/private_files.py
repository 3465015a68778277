"""dbt-duckdb plugin: files the dbt process creates (DuckDB's WAL and spill files) are private."""

from __future__ import annotations

import os
from typing import Any

from dbt.adapters.duckdb.plugins import BasePlugin


class Plugin(BasePlugin):
    """Sets the process umask to 077 before DuckDB opens the staging file.

    The staging file itself is created 0600 by target-staging, but while dbt writes, DuckDB adds a
    write-ahead log and may spill to a temp folder beside it; both hold clinic data and would
    otherwise get the default (often world-readable) mode.
    """

    def initialize(self, plugin_config: dict[str, Any]) -> None:
        """Restrict every file and folder created from now on to the current user."""
        os.umask(0o077)
