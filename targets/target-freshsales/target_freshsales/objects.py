"""The nine Freshsales objects of docs/contracts.md as data; tags cite crm-apis.md §1."""

from __future__ import annotations

from crmsync.spec import ObjectSpec

# A patient is a contact or a lead: references to one name both streams.
PERSON = ("contacts", "leads")
# `targetable_type` follows the stream the referenced record was found in [3p: n8n node].
TARGETABLE_TYPES = {"contacts": "Contact", "leads": "Lead", "sales_accounts": "SalesAccount"}
EXTERNAL_ID = "cf_cliniko_id"  # a unique custom field: the upsert key [unverified → simulator]

SALES_ACCOUNTS = ObjectSpec(
    stream="sales_accounts",
    endpoint="sales_accounts",
    load_order=1,
    batch_size=100,  # bulk_upsert takes at most 100 elements [3p]
    external_id=EXTERNAL_ID,
    upsert=True,  # POST /sales_accounts/upsert, /bulk_upsert [3p]
    # Rollback deletes through POST /sales_accounts/bulk_destroy [3p]
    options={"wrapper": "sales_account", "bulk": True, "bulk_destroy": True, "view": True},
)
CONTACTS = ObjectSpec(
    stream="contacts",
    endpoint="contacts",
    load_order=2,
    batch_size=100,
    external_id=EXTERNAL_ID,
    upsert=True,  # POST /contacts/upsert, /bulk_upsert [3p]
    references={"sales_account_id": ("sales_accounts",)},
    owner_field="owner_id",
    # Practitioners become contacts only when they are not Freshsales users (docs/contracts.md).
    write_only_if_owner_unmatched=("practitioner:",),
    options={"wrapper": "contact", "bulk": True, "bulk_destroy": True, "view": True},
)
LEADS = ObjectSpec(
    stream="leads",
    endpoint="leads",
    load_order=2,
    batch_size=100,
    external_id=EXTERNAL_ID,
    upsert=True,  # the classic /leads module has the contact verbs [inferred]
    owner_field="owner_id",
    options={"wrapper": "lead", "bulk": True, "view": True},
)
PRODUCTS = ObjectSpec(
    stream="products",
    endpoint="cpq/products",  # CPQ products: create/update, no upsert [3p]
    load_order=2,
    batch_size=100,
    external_id=EXTERNAL_ID,
    options={"wrapper": "product"},
)
DEALS = ObjectSpec(
    stream="deals",
    endpoint="deals",
    load_order=3,
    batch_size=100,
    external_id=EXTERNAL_ID,
    upsert=True,  # POST /deals/upsert, /bulk_upsert [3p]
    references={"sales_account_id": ("sales_accounts",), "contact_id": PERSON},
    owner_field="owner_id",
    # A deal links contacts through `contacts_added_list` [3p]; a lead has no such link.
    options={
        "wrapper": "deal",
        "bulk": True,
        "bulk_destroy": True,
        "view": True,
        "as_list": {"contact_id": "contacts_added_list"},
    },
)
TASKS = ObjectSpec(
    stream="tasks",
    endpoint="tasks",
    load_order=3,
    batch_size=100,
    external_id=EXTERNAL_ID,
    references={"targetable_id": PERSON},
    owner_field="owner_id",
    # No upsert; recovery lists GET /tasks?filter=all and matches cf_cliniko_id [3p filter].
    options={"wrapper": "task", "list_filter": "all"},
)
APPOINTMENTS = ObjectSpec(
    stream="appointments",
    endpoint="appointments",
    load_order=3,
    batch_size=100,
    external_id=EXTERNAL_ID,
    references={"targetable_id": PERSON},
    owner_field="owner_id",
    options={"wrapper": "appointment", "list_filter": "all"},
)
NOTES = ObjectSpec(
    stream="notes",
    endpoint="notes",
    load_order=4,
    batch_size=100,
    references={"targetable_id": PERSON},
    # No custom fields on notes: recovery reads the parent with ?include=notes [inferred].
    options={"wrapper": "note", "include": "notes", "match": ("description",)},
)
DOCUMENTS = ObjectSpec(
    stream="documents",
    endpoint="documents",  # multipart: file, file_name, targetable_id, targetable_type [3p]
    load_order=4,
    batch_size=20,
    references={"targetable_id": PERSON},
    file_field="_file_path",
    # Recovery reads the parent with ?include=documents and matches the name [inferred].
    options={"wrapper": "document", "multipart": True, "include": "documents", "match": ("name",)},
)

OBJECTS = (
    SALES_ACCOUNTS,
    CONTACTS,
    LEADS,
    PRODUCTS,
    DEALS,
    TASKS,
    APPOINTMENTS,
    NOTES,
    DOCUMENTS,
)
