"""The Salesforce publish models build, pass their tests and keep their promises."""

from __future__ import annotations

from .conftest import SalesforceBuild


def test_every_node_of_the_build_passes(salesforce_build: SalesforceBuild) -> None:
    assert salesforce_build.returncode == 0, salesforce_build.output[-4000:]
    results = salesforce_build.run_results["results"]
    failed = {r["unique_id"] for r in results if r["status"] not in {"success", "pass"}}
    assert not failed
    ours = {r["unique_id"] for r in results if "salesforce" in r["unique_id"]}
    assert sum(node.startswith("model.") for node in ours) == 9
    assert sum(node.startswith("test.") for node in ours) >= 40
