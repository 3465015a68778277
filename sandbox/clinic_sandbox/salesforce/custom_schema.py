"""The custom objects and fields `--with-custom-objects` deploys (contracts.md, Salesforce table).

All of it is data, in one place, so it can be aligned with the publish models
(transform/models/publish/salesforce/) without touching the simulator's logic.
"""

from __future__ import annotations

from dataclasses import replace

from clinic_sandbox.salesforce.schema import (
    Field,
    ObjectSpec,
    area,
    make_object,
    pick,
    ref,
    text,
)

CLINIKO_ID = "Cliniko_Id__c"


def _c(field: Field) -> Field:
    return replace(field, custom=True)


def cliniko_id() -> Field:
    """The upsert key on every migrated object: External ID, unique, case-sensitive."""
    return Field(CLINIKO_ID, "string", 255, external_id=True, unique=True, custom=True)


CREATED_AT = Field("Cliniko_Created_At__c", "datetime", custom=True)

# Custom fields added to standard objects (Cliniko_Id__c comes on top, see deploy()).
STANDARD_FIELDS: dict[str, list[Field]] = {
    "Account": [_c(text("Location_Type__c", 40))],
    "Contact": [
        _c(text("Medicare_Number__c", 20)),
        _c(text("Health_Fund__c", 80)),
        _c(text("Insurance_Provider__c", 255)),
        Field("EPC_Expiry__c", "date", custom=True),
        _c(text("Gender__c", 40)),
        _c(text("Patient_Status__c", 40)),
        _c(text("Referral_Source__c", 255)),
        CREATED_AT,
        _c(area("Medical_Alerts__c", 32768)),
    ],
    "Product2": [
        Field("Unit_Cost__c", "currency", custom=True),
        Field("Stock_On_Hand__c", "double", custom=True),
        _c(text("Item_Type__c", 40)),
    ],
    "ContentVersion": [],
}

# Custom objects, in key-prefix order a00, a01, ...: name -> fields besides Name/Cliniko_Id__c.
CUSTOM_OBJECTS: dict[str, list[Field]] = {
    "Appointment_Type__c": [
        Field("Duration_In_Minutes__c", "double", custom=True),
        _c(text("Colour__c", 20)),
        _c(area("Description__c", 32768)),
        _c(text("Category__c", 80)),
    ],
    "Practitioner__c": [
        _c(ref("Clinic_Account__c", ("Account",), "Clinic_Account__r")),
        _c(ref("User__c", ("User",), "User__r")),
        Field("Email__c", "email", 80, custom=True),
        _c(text("Profession__c", 80)),
        _c(text("Registration_Number__c", 80)),
        _c(text("Qualifications__c", 255)),
        Field("Active__c", "boolean", custom=True, defaulted=True),
    ],
    "Appointment__c": [
        _c(ref("Contact__c", ("Contact",), "Contact__r")),
        _c(ref("Appointment_Type__c", ("Appointment_Type__c",), "Appointment_Type__r")),
        _c(ref("Practitioner__c", ("Practitioner__c",), "Practitioner__r")),
        Field("Start__c", "datetime", custom=True),
        Field("End__c", "datetime", custom=True),
        _c(pick("Status__c", ("Booked", "Arrived", "Did Not Arrive", "Cancelled"), True)),
        _c(text("Cancellation_Reason__c", 255)),
        _c(area("Notes__c", 32768)),
        CREATED_AT,
    ],
    "Invoice__c": [
        _c(ref("Contact__c", ("Contact",), "Contact__r")),
        _c(ref("Account__c", ("Account",), "Account__r")),
        _c(text("Invoice_Number__c", 80)),
        Field("Total_Amount__c", "currency", custom=True),
        Field("Tax_Amount__c", "currency", custom=True),
        _c(
            pick(
                "Payment_Status__c",
                ("Paid", "Partially Paid", "Unpaid", "Overdue", "Cancelled"),
                True,
            )
        ),
        Field("Date_Issued__c", "date", custom=True),
        Field("Date_Paid__c", "date", custom=True),
        _c(area("Line_Items__c", 32768)),
    ],
}


def deploy(objects: dict[str, ObjectSpec]) -> None:
    """Add the custom objects and fields to an org's objects, in place."""
    for name, fields in STANDARD_FIELDS.items():
        spec = objects[name]
        for field in (cliniko_id(), *fields):
            spec.fields[field.name] = field
    for index, (name, fields) in enumerate(CUSTOM_OBJECTS.items()):
        own = [text("Name", 80, required=True), cliniko_id(), *fields]
        objects[name] = make_object(name, f"a0{index}", own, custom=True)
