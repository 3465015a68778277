"""Read the publish models' contract from dbt's manifest.json: load order, keys, column types."""

from __future__ import annotations

import json
import typing as t
from dataclasses import dataclass, field
from pathlib import Path

SAMPLE_COLUMN = "_in_sample"
SOURCE_ID = "_source_id"


class ManifestError(ValueError):
    """The manifest is unreadable or a publish model's meta is malformed."""


@dataclass(frozen=True)
class PublishColumn:
    """One column of a publish model and what the CRM accepts in it."""

    name: str
    data_type: str | None
    nullable: bool = True
    max_length: int | None = None
    enum: tuple | None = None


@dataclass(frozen=True)
class PublishModel:
    """One ``publish_<crm>`` table: the stream it becomes and how the target loads it."""

    stream: str
    table: str
    load_order: int | None
    external_id: str | None = None
    references: dict[str, t.Any] = field(default_factory=dict)
    columns: tuple[PublishColumn, ...] = ()

    @property
    def sort_key(self) -> tuple[float, str]:
        """Load order first (tables read from the catalog have none: by name), then the name."""
        return (self.load_order if self.load_order is not None else float("inf"), self.stream)


def read_manifest(path: Path, crm: str) -> list[PublishModel]:
    """The enabled models in schema ``publish_<crm>`` that declare a load order, in that order.

    Args:
        path: dbt's ``target/manifest.json``.
        crm: The CRM name (``freshsales``).

    Returns:
        One entry per publish model.

    Raises:
        ManifestError: The file is not a dbt manifest, or a model's meta is malformed.
    """
    try:
        manifest = json.loads(path.read_text())
        nodes = manifest["nodes"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        msg = f"`manifest_path` {path} is not a readable dbt manifest ({exc.__class__.__name__})"
        raise ManifestError(msg) from None
    schema = f"publish_{crm}"
    accepted = _accepted_values(nodes)
    models = [
        _model(node, crm, accepted)
        for node in nodes.values()
        if node.get("resource_type") == "model"
        and node.get("schema") == schema
        and node.get("config", {}).get("enabled", True)
        # A publish model is a stream when it declares its load order; helper tables that dbt
        # builds beside them in the same schema (routing, lookups, reports) are not sent to a CRM.
        and "load_order" in {**node.get("meta", {}), **node.get("config", {}).get("meta", {})}
    ]
    return sorted(models, key=lambda model: model.sort_key)


def _model(node: dict, crm: str, accepted: dict[tuple[str, str], list]) -> PublishModel:
    meta = {**node.get("meta", {}), **node.get("config", {}).get("meta", {})}
    table = node.get("alias") or node["name"]
    load_order = meta.get("load_order")
    if load_order is not None and not isinstance(load_order, int):
        msg = f"Model {node['name']}: meta.load_order must be an integer, not {load_order!r}"
        raise ManifestError(msg)
    not_null = {
        column
        for constraint in node.get("constraints", [])
        if constraint.get("type") in ("not_null", "primary_key")
        for column in constraint.get("columns", [])
    }
    columns = tuple(
        _column(name, spec, node["unique_id"], accepted, not_null)
        for name, spec in node.get("columns", {}).items()
        if name != SAMPLE_COLUMN
    )
    return PublishModel(
        stream=table.removeprefix(f"{crm}__"),
        table=table,
        load_order=load_order,
        external_id=meta.get("external_id"),
        references=dict(meta.get("references") or {}),
        columns=columns,
    )


def _column(
    name: str, spec: dict, unique_id: str, accepted: dict, not_null: set[str]
) -> PublishColumn:
    meta = {**spec.get("meta", {}), **spec.get("config", {}).get("meta", {})}
    constraint_types = {c.get("type") for c in spec.get("constraints", [])}
    enum = meta.get("enum") or accepted.get((unique_id, name))
    max_length = meta.get("max_length")
    if max_length is not None and (not isinstance(max_length, int) or max_length < 1):
        msg = f"Column {name} of {unique_id}: meta.max_length must be a positive integer"
        raise ManifestError(msg)
    return PublishColumn(
        name=name,
        data_type=spec.get("data_type"),
        nullable=not (constraint_types & {"not_null", "primary_key"} or name in not_null),
        max_length=max_length,
        enum=tuple(enum) if enum else None,
    )


def _accepted_values(nodes: dict) -> dict[tuple[str, str], list]:
    """``accepted_values`` tests by (model unique_id, column): a picklist's allowed values."""
    found: dict[tuple[str, str], list] = {}
    for node in nodes.values():
        test = node.get("test_metadata") or {}
        if node.get("resource_type") != "test" or test.get("name") != "accepted_values":
            continue
        model = node.get("attached_node")
        column = node.get("column_name") or test.get("kwargs", {}).get("column_name")
        values = test.get("kwargs", {}).get("values")
        if model and column and isinstance(values, list):
            found[(model, column)] = values
    return found
