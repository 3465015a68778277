"""Every operation of the unofficial Freshsales endpoint inventory in our scope has a route."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

INVENTORY = (
    Path(__file__).resolve().parents[3].parent
    / "shared/crm-specs/freshsales/freshsales-openapi.unofficial.yml"
)
# Inventory operations the migration does not use, so the simulator leaves them out.
NOT_SERVED = {
    "GET /contacts/{id}/activities",
    "GET /lists",
    "POST /lists",
    "PUT /lists/{id}",
    "POST /sales_activities",
    "GET /search",
    "POST /phone_calls",
}
SAMPLE_IDS = {"{id}": "16000000099", "{view_id}": "1001"}


def inventory_operations() -> list[str]:
    if not INVENTORY.exists():
        pytest.skip("../shared (the vendor endpoint inventory) is not beside the repository")
    spec = yaml.safe_load(INVENTORY.read_text(encoding="utf-8"))
    methods = ("get", "post", "put", "delete")
    return sorted(
        f"{method.upper()} {path}"
        for path, item in spec["paths"].items()
        for method in item
        if method in methods
    )


def test_the_inventory_is_the_one_this_scope_was_read_from():
    operations = inventory_operations()
    assert len(operations) == 42
    assert set(operations) >= NOT_SERVED


def test_every_inventory_operation_in_scope_is_routed(api):
    missing = []
    for operation in inventory_operations():
        if operation in NOT_SERVED:
            continue
        method, template = operation.split(" ", 1)
        path = re.sub(r"\{\w+\}", lambda m: SAMPLE_IDS[m.group(0)], template)
        response = api.request(method, path, json={} if method in ("POST", "PUT") else None)
        routed = response.status_code != 405 and response.json() != {
            "errors": {"code": 404, "message": ["Not Found"]}
        }
        if not routed or response.status_code == 401:
            missing.append(f"{operation} -> {response.status_code}")
    assert missing == []
