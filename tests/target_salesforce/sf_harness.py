"""Run TargetSalesforce over Singer messages against the in-memory fake, offline, no waits."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from crmsync.testing import singer_messages
from sf_fake import FakeSalesforce
from support.fake_target import fake_backed
from support.fake_target import last_report as newest_report
from target_salesforce.client import SalesforceClient
from target_salesforce.target import TargetSalesforce

Batches = list[tuple[str, list[dict[str, Any]]]]


def target_class(
    fake: FakeSalesforce | None, sleeps: list[float] | None = None
) -> type[TargetSalesforce]:
    """TargetSalesforce on `fake` (None: the network); its waits are recorded, not slept."""
    return fake_backed(TargetSalesforce, SalesforceClient, fake, sleeps)


def config(tmp_path: Path, **extra: Any) -> dict[str, Any]:
    """A refresh-token config writing its store and reports under tmp_path."""
    return {
        "client_id": "consumer-key",
        "refresh_token": "refresh-1",
        "login_url": "https://login.salesforce.com",
        "sync_store_path": str(tmp_path / "sync" / "salesforce.sqlite"),
        "reports_dir": str(tmp_path / "reports"),
        # The plan gate has its own tests (test_sf_plan_gate.py); the rest write without a plan.
        "require_plan": False,
        **extra,
    }


def sim_config(sim: Any, tmp_path: Path, **extra: Any) -> dict[str, Any]:
    """A refresh-token config for a running Salesforce simulator."""
    creds = sim.credentials
    return config(
        tmp_path,
        login_url=sim.base_url,
        client_id=creds.client_id,
        client_secret=creds.client_secret,
        refresh_token=creds.refresh_token,
        **extra,
    )


def run(fake: FakeSalesforce, tmp_path: Path, batches: Batches, **extra: Any) -> dict[str, Any]:
    """One run; returns the reconciliation document it wrote."""
    target = target_class(fake)(config=config(tmp_path, **extra), validate_config=True)
    target.listen(io.StringIO(singer_messages(batches)))
    return last_report(tmp_path)


def last_report(tmp_path: Path) -> dict[str, Any]:
    """The newest run report."""
    return newest_report(tmp_path, "salesforce")


def clinic(tmp_path: Path, patients: int = 3) -> Batches:
    """A small clinic in every stream, shaped as the publish_salesforce models emit it."""
    scan = tmp_path / "referral.pdf"
    scan.write_bytes(b"%PDF-1.4 referral letter")
    people = [
        {
            "_source_id": f"patient:{n}",
            "Cliniko_Id__c": f"patient:{n}",
            "FirstName": "Pat",
            "LastName": f"Number{n}",
            "Medicare_Number__c": "2123 45670 1",
            "_ref__AccountId": "business:1",
            "_owner_email": "ana@clinic.test",
        }
        for n in range(patients)
    ]
    return [
        (
            "account",
            [
                {"_source_id": "business:1", "Cliniko_Id__c": "business:1", "Name": "North"},
                {
                    "_source_id": "account:unassigned",
                    "Cliniko_Id__c": "account:unassigned",
                    "Name": "Unassigned",
                },
            ],
        ),
        (
            "appointment_type__c",
            [
                {
                    "_source_id": "appointment_type:1",
                    "Cliniko_Id__c": "appointment_type:1",
                    "Name": "Initial",
                    "Duration_In_Minutes__c": 60,
                },
            ],
        ),
        (
            "product2",
            [
                {
                    "_source_id": "product:1",
                    "Cliniko_Id__c": "product:1",
                    "Name": "Roller",
                    "IsActive": True,
                    "ProductCode": "R1",
                    "Stock_On_Hand__c": 4,
                },
            ],
        ),
        ("contact", people),
        (
            "practitioner__c",
            [
                {
                    "_source_id": "practitioner:1",
                    "Cliniko_Id__c": "practitioner:1",
                    "Name": "Ana",
                    "Email__c": "ana@clinic.test",
                    "_ref__Clinic_Account__c": "business:1",
                    "_owner_email": "ANA@clinic.test",
                },
            ],
        ),
        (
            "appointment__c",
            [
                {
                    "_source_id": "appointment:1",
                    "Cliniko_Id__c": "appointment:1",
                    "Name": "Initial 2024-03-01",
                    "Status__c": "Booked",
                    "_ref__Contact__c": "patient:0",
                    "_ref__Appointment_Type__c": "appointment_type:1",
                    "_ref__Practitioner__c": "practitioner:1",
                },
            ],
        ),
        (
            "invoice__c",
            [
                {
                    "_source_id": "invoice:1",
                    "Cliniko_Id__c": "invoice:1",
                    "Name": "INV-1",
                    "Total_Amount__c": 120.5,
                    "Payment_Status__c": "Paid",
                    "_ref__Contact__c": "patient:0",
                    "_ref__Account__c": "business:1",
                },
            ],
        ),
        (
            "contentnote",
            [
                {
                    "_source_id": "treatment_note:1",
                    "Cliniko_Id__c": "treatment_note:1",
                    "Title": "Treatment note 2024-03-01",
                    "Content": "<p>Improving</p>",
                    "CreatedDate": "2024-03-01T10:00:00Z",
                    "_ref__LinkedEntityId": "patient:0",
                },
            ],
        ),
        (
            "contentversion",
            [
                {
                    "_source_id": "patient_attachment:1",
                    "Cliniko_Id__c": "patient_attachment:1",
                    "Title": "Referral",
                    "_ref__FirstPublishLocationId": "patient:1",
                    "_file_path": str(scan),
                    "_file_name": "referral.pdf",
                },
            ],
        ),
    ]
