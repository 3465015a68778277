"""--inventory: one cheap request per route, a printed table and a private JSON file."""

from __future__ import annotations

import json
import stat

from click.testing import CliRunner
from tap_cliniko.tap import TapCliniko
from tap_fake_api import FakeCliniko, Fault
from tap_helpers import make_config, minute, row


def test_inventory_counts_every_stream_with_one_request_per_route(
    fake: FakeCliniko, tmp_path
) -> None:
    fake.add(
        "/patients",
        [row(n, minute(n)) for n in range(7)] + [row(99, minute(99), archived_at=minute(99))],
        hidden=("archived_at",),
    )
    fake.add("/practitioners", [row(1, minute(1))])
    fake.add("/practitioners/inactive", [row(2, minute(2))])
    fake.singles["/settings"] = {"account": {"id": 5}}
    fake.fail("/treatment_notes", Fault(403))
    for stream in TapCliniko(config=make_config()).streams.values():
        for path in stream.route_paths:
            if path not in fake.rows and path not in fake.singles and path != "/treatment_notes":
                fake.add(path, [])
    output = tmp_path / "out" / "inventory.json"
    config_path = tmp_path / "config.json"
    config_path.write_text(
        json.dumps(make_config(inventory_path=str(output), max_concurrent_requests=4))
    )

    result = CliRunner().invoke(TapCliniko.cli, ["--config", str(config_path), "--inventory"])

    assert result.exit_code == 0, result.output
    inventory = json.loads(output.read_text())
    counts = {entry["stream"]: entry for entry in inventory["streams"]}
    assert len(counts) == 38
    assert counts["patients"]["records"] == 8  # archived rows counted, as the sync includes them
    assert counts["practitioners"]["records"] == 2
    assert counts["settings"]["records"] == 1
    assert counts["treatment_notes"]["status"] == "forbidden"
    assert inventory["total_records"] == 11
    assert stat.S_IMODE(output.stat().st_mode) == 0o600
    assert "patients" in result.output and "total" in result.output
    assert all(
        call.query.get("per_page") == ["1"] for call in fake.calls if call.path != "/settings"
    )
    assert len(fake.calls) == 39  # 38 streams, practitioners has two routes
    assert "archived_at:*" in fake.calls_to("/patients")[0].filters
