"""Field and object metadata (what describe shows, validation enforces) and the standard objects."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

TEXT_TYPES = {"string", "textarea", "email", "phone", "url", "picklist"}


@dataclass(frozen=True)
class Field:
    """One field as describe reports it; `required` = not nillable, createable, not defaulted."""

    name: str
    type: str = "string"
    length: int = 0
    label: str = ""
    required: bool = False
    createable: bool = True
    updateable: bool = True
    external_id: bool = False
    unique: bool = False
    picklist: tuple[str, ...] = ()
    restricted: bool = False
    reference_to: tuple[str, ...] = ()
    relationship: str | None = None
    custom: bool = False
    defaulted: bool = False

    @property
    def indexed(self) -> bool:
        """External-id and unique fields are looked up by value (upsert, references, DUPLICATE)."""
        return self.external_id or self.unique

    def describe(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "label": self.label or self.name.removesuffix("__c").replace("_", " "),
            "type": self.type,
            "length": self.length if self.type in TEXT_TYPES else 0,
            "externalId": self.external_id,
            "unique": self.unique,
            "nillable": not self.required and self.type != "boolean" and self.type != "id",
            "createable": self.createable,
            "updateable": self.updateable,
            "custom": self.custom,
            "picklistValues": [
                {"value": v, "label": v, "active": True, "defaultValue": False}
                for v in self.picklist
            ],
            "restrictedPicklist": self.restricted,
            "referenceTo": list(self.reference_to),
            "relationshipName": self.relationship,
            "idLookup": self.name == "Id" or self.external_id,
            "calculated": False,
            "defaultedOnCreate": self.defaulted,
        }


@dataclass
class ObjectSpec:
    """One sObject; `fields` is mutable because the Tooling API adds custom fields."""

    name: str
    prefix: str
    fields: dict[str, Field]
    custom: bool = False
    read_only: bool = False
    takes_custom_fields: bool = True
    blob_field: str | None = None  # VersionData / Content: base64 in, blob URL out

    def by_relationship(self, name: str) -> Field | None:
        return next((f for f in self.fields.values() if f.relationship == name), None)

    def describe(self) -> dict[str, Any]:
        return {
            **self.summary(),
            "fields": [f.describe() for f in self.fields.values()],
        }

    def summary(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "label": self.name.removesuffix("__c").replace("_", " "),
            "custom": self.custom,
            "keyPrefix": self.prefix,
            "createable": not self.read_only,
            "updateable": not self.read_only,
            "deletable": not self.read_only,
            "queryable": True,
        }

    def copy(self) -> ObjectSpec:
        return replace(self, fields=dict(self.fields))


def _ro(name: str, type_: str = "string", **kw: Any) -> Field:
    return Field(name, type_, createable=False, updateable=False, **kw)


def _system(owner: bool) -> list[Field]:
    user = ("User",)
    fields = [
        _ro("CreatedDate", "datetime"),
        _ro("LastModifiedDate", "datetime"),
        _ro("SystemModstamp", "datetime"),
        _ro("CreatedById", "reference", reference_to=user, relationship="CreatedBy"),
        _ro("LastModifiedById", "reference", reference_to=user, relationship="LastModifiedBy"),
        _ro("IsDeleted", "boolean"),
    ]
    if owner:
        fields.append(
            Field("OwnerId", "reference", reference_to=user, relationship="Owner", defaulted=True)
        )
    return fields


def make_object(name: str, prefix: str, fields: list[Field], **kw: Any) -> ObjectSpec:
    """An object with `Id`, its own fields and the system fields (OwnerId unless `owner=False`)."""
    owner = kw.pop("owner", True)
    every = [_ro("Id", "id", length=18), *fields, *_system(owner)]
    return ObjectSpec(name, prefix, {f.name: f for f in every}, **kw)


def text(name: str, length: int, **kw: Any) -> Field:
    return Field(name, "string", length, **kw)


def area(name: str, length: int, **kw: Any) -> Field:
    return Field(name, "textarea", length, **kw)


def ref(name: str, to: tuple[str, ...], relationship: str, **kw: Any) -> Field:
    return Field(name, "reference", 18, reference_to=to, relationship=relationship, **kw)


def pick(name: str, values: tuple[str, ...], restricted: bool = False, **kw: Any) -> Field:
    return Field(name, "picklist", 255, picklist=values, restricted=restricted, **kw)


LINKABLE = ("Account", "Contact", "Appointment__c", "Invoice__c", "Practitioner__c")


def _address(kind: str) -> list[Field]:
    return [
        area(f"{kind}Street", 255),
        text(f"{kind}City", 40),
        text(f"{kind}State", 80),
        text(f"{kind}PostalCode", 20),
        text(f"{kind}Country", 80),
    ]


def standard_objects() -> dict[str, ObjectSpec]:
    """Account, Contact, User, Product2 and the file/note objects, as a fresh org has them."""
    objects = [
        make_object(
            "Account",
            "001",
            [
                text("Name", 255, required=True),
                ref("ParentId", ("Account",), "Parent"),
                pick("Type", ("Prospect", "Customer", "Partner", "Other")),
                Field("Phone", "phone", 40),
                Field("Website", "url", 255),
                *_address("Billing"),
                area("Description", 32000),
            ],
        ),
        make_object(
            "Contact",
            "003",
            [
                text("FirstName", 40),
                text("LastName", 80, required=True),
                pick("Salutation", ("Mr.", "Ms.", "Mrs.", "Dr.", "Prof.", "Mx.")),
                _ro("Name", length=121),
                Field("Email", "email", 80),
                *(
                    Field(n, "phone", 40)
                    for n in ("Phone", "MobilePhone", "HomePhone", "OtherPhone")
                ),
                Field("Birthdate", "date"),
                *_address("Mailing"),
                text("Title", 128),
                area("Description", 32000),
                Field("HasOptedOutOfEmail", "boolean", defaulted=True),
                ref("AccountId", ("Account",), "Account"),
            ],
        ),
        make_object(
            "User",
            "005",
            [
                text("Username", 80, required=True),
                Field("Email", "email", 128, required=True),
                text("FirstName", 40),
                text("LastName", 80, required=True),
                _ro("Name", length=121),
                Field("IsActive", "boolean", defaulted=True),
                pick("UserType", ("Standard",)),
                pick("TimeZoneSidKey", ("Australia/Sydney", "UTC")),
            ],
            owner=False,
            read_only=True,
            takes_custom_fields=False,
        ),
        make_object(
            "Product2",
            "01t",
            [
                text("Name", 255, required=True),
                text("ProductCode", 255),
                area("Description", 4000),
                Field("IsActive", "boolean", defaulted=True),
                pick("Family", ("None",)),
                text("StockKeepingUnit", 180),
            ],
            owner=False,
        ),
        make_object(
            "ContentVersion",
            "068",
            [
                text("Title", 255, required=True),
                text("PathOnClient", 500, required=True),
                Field("VersionData", "base64", required=True, updateable=False),
                text("Description", 1000),
                ref("FirstPublishLocationId", LINKABLE, "FirstPublishLocation", updateable=False),
                _ro("ContentDocumentId", "reference", reference_to=("ContentDocument",)),
                _ro("ContentSize", "int"),
                _ro("FileExtension", length=40),
                _ro("Checksum", length=50),
                _ro("VersionNumber", length=20),
                _ro("IsLatest", "boolean"),
            ],
            blob_field="VersionData",
        ),
        make_object(
            "ContentNote",
            "069",
            [
                text("Title", 255, required=True),
                Field("Content", "base64"),
                _ro("FileType", length=20),
                _ro("TextPreview", length=255),
                _ro("ContentSize", "int"),
            ],
            takes_custom_fields=False,
            blob_field="Content",
        ),
        make_object(
            "ContentDocumentLink",
            "06A",
            [
                ref(
                    "ContentDocumentId",
                    ("ContentDocument",),
                    "ContentDocument",
                    required=True,
                    updateable=False,
                ),
                ref(
                    "LinkedEntityId",
                    (*LINKABLE, "User"),
                    "LinkedEntity",
                    required=True,
                    updateable=False,
                ),
                pick("ShareType", ("V", "C", "I"), restricted=True, defaulted=True),
                pick(
                    "Visibility",
                    ("AllUsers", "InternalUsers", "SharedUsers"),
                    restricted=True,
                    defaulted=True,
                ),
            ],
            owner=False,
            takes_custom_fields=False,
        ),
        make_object(
            "Note",
            "002",
            [
                ref("ParentId", LINKABLE, "Parent", required=True, updateable=False),
                text("Title", 80, required=True),
                area("Body", 32000),
                Field("IsPrivate", "boolean", defaulted=True),
            ],
            takes_custom_fields=False,
        ),
    ]
    return {spec.name: spec for spec in objects}


# Defaults a create fills in when the body leaves them out.
DEFAULTS: dict[tuple[str, str], Any] = {
    ("Contact", "HasOptedOutOfEmail"): False,
    ("Product2", "IsActive"): False,
    ("ContentDocumentLink", "ShareType"): "V",
    ("ContentDocumentLink", "Visibility"): "AllUsers",
    ("Note", "IsPrivate"): False,
}

# Key prefix of ContentDocument ids: ContentNote rows and documents made for ContentVersions.
CONTENT_DOCUMENT_PREFIX = "069"
