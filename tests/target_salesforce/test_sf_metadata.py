"""`target-salesforce --generate-metadata`: package.xml, source-format files and the sheet."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from target_salesforce.cli import main
from target_salesforce.fielddefs import field_defs

NS = {"md": "http://soap.sforce.com/2006/04/metadata"}


def parse(path: Path) -> ET.ElementTree:
    """Files this test just generated, not untrusted input."""
    return ET.parse(path)  # noqa: S314


def manifest() -> dict[str, object]:
    def column(name: str, data_type: str, **meta: object) -> dict[str, object]:
        return {"name": name, "data_type": data_type, "meta": meta, "description": ""}

    appointment = {
        "resource_type": "model",
        "name": "salesforce__appointment__c",
        "config": {"meta": {"references": {"_ref__Contact__c": ["contact"]}}},
        "columns": {
            c["name"]: c
            for c in [
                column("_source_id", "varchar"),
                column("Cliniko_Id__c", "varchar", max_length=255),
                column("Name", "varchar", max_length=80),
                column("Status__c", "varchar", picklist=["Booked", "Cancelled"]),
                column("Start__c", "timestamp with time zone"),
                column("Notes__c", "varchar", max_length=32768),
                column("_ref__Contact__c", "varchar"),
            ]
        },
    }
    contact = {
        "resource_type": "model",
        "name": "salesforce__contact",
        "config": {"meta": {"references": {"_ref__AccountId": ["account"]}}},
        "columns": {
            "EPC_Expiry__c": column("EPC_Expiry__c", "date"),
            "LastName": column("LastName", "varchar", max_length=80),
            "_ref__AccountId": column("_ref__AccountId", "varchar"),
        },
    }
    return {"nodes": {"model.a": appointment, "model.c": contact}}


def test_generates_a_deployable_tree(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "manifest.json"
    path.write_text(json.dumps(manifest()))
    out = tmp_path / "out"
    main(["--generate-metadata", str(out), "--manifest", str(path)])
    assert "6 custom fields" in capsys.readouterr().out
    package = parse(out / "package.xml").getroot()
    types = {
        t.findtext("md:name", namespaces=NS): [m.text for m in t.findall("md:members", NS)]
        for t in package.findall("md:types", NS)
    }
    assert types["CustomObject"] == ["Appointment__c"]
    assert set(types["CustomField"]) == {
        "Appointment__c.Cliniko_Id__c",
        "Appointment__c.Status__c",
        "Appointment__c.Start__c",
        "Appointment__c.Notes__c",
        "Appointment__c.Contact__c",
        "Contact.EPC_Expiry__c",
    }
    objects = out / "force-app/main/default/objects"
    assert (objects / "Appointment__c/Appointment__c.object-meta.xml").is_file()
    lookup = parse(objects / "Appointment__c/fields/Contact__c.field-meta.xml").getroot()
    assert lookup.findtext("md:type", namespaces=NS) == "Lookup"
    assert lookup.findtext("md:referenceTo", namespaces=NS) == "Contact"
    notes = parse(objects / "Appointment__c/fields/Notes__c.field-meta.xml").getroot()
    assert notes.findtext("md:type", namespaces=NS) == "LongTextArea"
    key = parse(objects / "Appointment__c/fields/Cliniko_Id__c.field-meta.xml").getroot()
    assert key.findtext("md:externalId", namespaces=NS) == "true"
    assert key.findtext("md:unique", namespaces=NS) == "true"
    sheet = (out / "field-definitions.csv").read_text().splitlines()
    assert sheet[0].startswith("object,field,label,type") and len(sheet) == 7


def test_standard_fields_and_lookups_are_not_generated() -> None:
    names = {d.full_name for d in field_defs(manifest())}
    assert "Contact.LastName" not in names and "Contact.AccountId" not in names


def test_a_missing_manifest_says_how_to_make_one(tmp_path: Path) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["--generate-metadata", str(tmp_path), "--manifest", str(tmp_path / "none.json")])
    assert stopped.value.code == 2
