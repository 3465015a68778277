"""Read-back for the field-level diff: stored values come back in the form that was sent."""

from __future__ import annotations

from pathlib import Path

import pytest
from crmsync.testing import assert_contract
from sf_harness import clinic, sim_config, target_class


def test_a_note_reads_back_as_its_text_and_unsent_audit_fields_are_named(tmp_path: Path) -> None:
    testing = pytest.importorskip(
        "clinic_sandbox.salesforce.testing",
        reason="the Salesforce simulator (clinic_sandbox.salesforce) is not installed",
    )
    users = ["admin@clinic.test", "ana@clinic.test"]
    with testing.running_simulator(users=users, with_custom_objects=True, job_delay=0) as sim:
        cfg = sim_config(sim, tmp_path)
        target = target_class(None)
        assert_contract(target, cfg, clinic(tmp_path))
        client = target.connect(cfg)
        note_spec = next(s for s in target.objects if s.stream == "contentnote")
        (note,) = sim.records("ContentNote")
        # Salesforce stores ContentNote.Content as base64; the diff must see the text it was sent.
        assert client.read(note_spec, note["Id"], ["Content"])["Content"] == "<p>Improving</p>"
        # Without the org permission the audit fields are never sent, so the diff skips them.
        assert "CreatedDate" in client.unsent_fields(note_spec)
        assert target.connect({**cfg, "set_audit_fields": True}).unsent_fields(note_spec) == ()
