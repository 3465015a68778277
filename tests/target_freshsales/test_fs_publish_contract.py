"""objects.py and the dbt publish models' meta agree on load order, external id and references."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from target_freshsales.objects import OBJECTS

PUBLISH = Path(__file__).resolve().parents[2] / "transform" / "models" / "publish" / "freshsales"
SPECS = {spec.stream: spec for spec in OBJECTS}


def declared_models() -> dict[str, dict[str, Any]]:
    """Stream → model meta, for every publish model that declares a load order (= is emitted)."""
    models: dict[str, dict[str, Any]] = {}
    for path in sorted(PUBLISH.glob("*.yml")):
        for model in (yaml.safe_load(path.read_text()) or {}).get("models", []):
            meta = {**(model.get("meta") or {}), **((model.get("config") or {}).get("meta") or {})}
            if "load_order" in meta:
                models[model["name"].removeprefix("freshsales__")] = meta
    if not models:
        pytest.skip("no Freshsales publish model declares meta.load_order yet (transform/)")
    return models


def test_every_emitted_publish_model_is_a_freshsales_object() -> None:
    refused = sorted(set(declared_models()) - set(SPECS))
    assert not refused, f"tap-staging would emit {refused}, which target-freshsales refuses"


def test_model_meta_agrees_with_objects_py() -> None:
    for stream, meta in declared_models().items():
        spec = SPECS.get(stream)
        if spec is None:
            continue  # reported by the test above
        assert meta["load_order"] == spec.load_order, stream
        if "external_id" in meta:
            assert meta["external_id"] == spec.external_id, stream
        declared = {
            key.removeprefix("_ref__"): tuple([value] if isinstance(value, str) else value)
            for key, value in (meta.get("references") or {}).items()
        }
        assert declared == dict(spec.references), stream
