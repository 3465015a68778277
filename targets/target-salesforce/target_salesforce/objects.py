"""The nine Salesforce objects of docs/contracts.md as data; tags cite crm-apis.md §2."""

from __future__ import annotations

from typing import Any

from crmsync.spec import ObjectSpec

EXTERNAL_ID = "Cliniko_Id__c"  # External ID + Unique on every object that takes custom fields
COLLECTION = 200  # sObject Collections take at most 200 records per request [docs]
# A sink batch may reach the Bulk API 2.0 threshold; Bulk splits internally at 10,000 [docs].
BULK_BATCH = 10000


def _upserted(stream: str, sobject: str, load_order: int, **kwargs: Any) -> ObjectSpec:
    """An object written by collections upsert on Cliniko_Id__c (Bulk API 2.0 when large)."""
    return ObjectSpec(
        stream=stream,
        endpoint=sobject,
        load_order=load_order,
        batch_size=BULK_BATCH,
        external_id=EXTERNAL_ID,
        upsert=True,  # PATCH /composite/sobjects/{SObject}/Cliniko_Id__c [docs]
        options={"sobject": sobject, "bulk": True},
        **kwargs,
    )


# A multi-location practice is a hierarchy: each clinic's ParentId is the practice's Account, a
# record of this same stream (crmsync writes a batch's parents first).
ACCOUNT = _upserted("account", "Account", 1, references={"ParentId": ("account",)})
APPOINTMENT_TYPE = _upserted("appointment_type__c", "Appointment_Type__c", 1)
PRODUCT2 = _upserted("product2", "Product2", 1)
CONTACT = _upserted(
    "contact", "Contact", 2, references={"AccountId": ("account",)}, owner_field="OwnerId"
)
# A practitioner who is a Salesforce user: User__c is that user (matched on Email__c by the
# client, never the fallback owner), and the user owns the record.
PRACTITIONER = ObjectSpec(
    stream="practitioner__c",
    endpoint="Practitioner__c",
    load_order=2,
    batch_size=BULK_BATCH,
    external_id=EXTERNAL_ID,
    upsert=True,
    references={"Clinic_Account__c": ("account",)},
    owner_field="OwnerId",
    options={"sobject": "Practitioner__c", "bulk": True, "user_by_email": ("Email__c", "User__c")},
)
APPOINTMENT = _upserted(
    "appointment__c",
    "Appointment__c",
    3,
    references={
        "Contact__c": ("contact",),
        "Appointment_Type__c": ("appointment_type__c",),
        "Practitioner__c": ("practitioner__c",),
    },
)
INVOICE = _upserted(
    "invoice__c",
    "Invoice__c",
    3,
    references={"Contact__c": ("contact",), "Account__c": ("account",)},
)
# ContentNote takes no custom fields, so no upsert: create, then link with ContentDocumentLink;
# recovery finds the note on the contact by title. Audit fields need the org permission.
CONTENT_NOTE = ObjectSpec(
    stream="contentnote",
    endpoint="ContentNote",
    load_order=4,
    batch_size=COLLECTION,
    references={"LinkedEntityId": ("contact",)},
    options={"sobject": "ContentNote", "note": True, "match": "Title"},
)
# ContentVersion: one multipart insert per file, linked by FirstPublishLocationId [docs];
# it takes custom fields, so recovery queries Cliniko_Id__c.
CONTENT_VERSION = ObjectSpec(
    stream="contentversion",
    endpoint="ContentVersion",
    load_order=4,
    batch_size=20,
    external_id=EXTERNAL_ID,
    references={"FirstPublishLocationId": ("contact",)},
    file_field="_file_path",
    options={"sobject": "ContentVersion", "multipart": True, "updatable": ("Title", "Description")},
)

OBJECTS = (
    ACCOUNT,
    APPOINTMENT_TYPE,
    PRODUCT2,
    CONTACT,
    PRACTITIONER,
    APPOINTMENT,
    INVOICE,
    CONTENT_NOTE,
    CONTENT_VERSION,
)
