"""tap-staging: emits a CRM's publish tables from the staging file, in load order."""

from __future__ import annotations

import sys
from pathlib import Path

from singer_sdk import Stream, Tap
from singer_sdk import typing as th

from cliniko_staging.database import StagingDatabase
from cliniko_staging.manifest import PublishModel, read_manifest
from cliniko_staging.publish_catalog import read_catalog
from cliniko_staging.streams import PublishStream, StagingError

if sys.version_info >= (3, 12):
    from typing import override
else:
    from typing_extensions import override


class TapStaging(Tap):
    """Reads ``publish_<crm>.*`` read-only; stream = table name without ``<crm>__``."""

    name = "tap-staging"

    config_jsonschema = th.PropertiesList(
        th.Property(
            "crm",
            th.StringType,
            required=True,
            pattern="^[a-z][a-z0-9_]*$",
            description="Which publish schema to read: `freshsales` reads publish_freshsales.",
        ),
        th.Property(
            "path",
            th.StringType,
            default="output/staging.duckdb",
            description="The staging DuckDB file, opened read-only.",
        ),
        th.Property(
            "manifest_path",
            th.StringType,
            default="transform/target/manifest.json",
            description="dbt's manifest.json: load order, column types, maxLength and enum per "
            "publish model. Without it, types come from the file's catalog and streams are "
            "alphabetical.",
        ),
        th.Property(
            "sample",
            th.BooleanType,
            default=False,
            description="Emit only rows whose `_in_sample` column is true (the sample mode).",
        ),
        th.Property(
            "encryption_key",
            th.StringType,
            secret=True,
            description="The staging file's key, when target-staging encrypted it.",
        ),
    ).to_dict()

    @override
    def discover_streams(self) -> list[Stream]:
        """One stream per publish model, in load order."""
        return [PublishStream(self, model) for model in self._publish_models()]

    @property
    def streams(self) -> dict[str, Stream]:
        """The streams in load order (the SDK's own ``load_streams`` sorts them by name)."""
        if self._streams is None:
            self._streams = {}
            for stream in self.discover_streams():
                if self.input_catalog is not None:
                    stream.apply_catalog(self.input_catalog)
                self._streams[stream.name] = stream
        return self._streams

    def _publish_models(self) -> list[PublishModel]:
        crm = self.config["crm"]
        manifest = Path(self.config.get("manifest_path", "transform/target/manifest.json"))
        if manifest.exists():
            models = read_manifest(manifest, crm)
            where = f"manifest {manifest}"
        else:
            self.logger.warning(
                "No dbt manifest at %s (`manifest_path`): column types come from the staging "
                "file and streams are emitted alphabetically, without maxLength or enum",
                manifest,
            )
            models = self._catalog_models(crm)
            where = "the staging file"
        if not models:
            msg = f"No publish_{crm} models in {where}: check `crm` and run `dbt build`"
            raise StagingError(msg)
        return models

    def _catalog_models(self, crm: str) -> list[PublishModel]:
        database = StagingDatabase(
            self.config.get("path", "output/staging.duckdb"),
            encryption_key=self.config.get("encryption_key") or None,
            read_only=True,
        )
        try:
            return read_catalog(database.connection, crm)
        finally:
            database.close()
