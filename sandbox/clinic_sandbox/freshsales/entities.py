"""The entities the simulator serves, as data: path, wrapper, standard fields, required rules."""

from __future__ import annotations

from dataclasses import dataclass

from clinic_sandbox.freshsales.fields import NOTE_LIMIT, FieldDef, text

# targetable_type values and the entity each names.
TARGETABLE = {
    "Contact": "contacts",
    "Lead": "leads",
    "SalesAccount": "sales_accounts",
    "Deal": "deals",
    "Product": "products",
}
ACTIVITY_TARGETS = ("Contact", "Lead", "SalesAccount", "Deal")


@dataclass(frozen=True)
class EntitySpec:
    """One Freshsales entity: where it lives, how it is wrapped, and what it accepts."""

    key: str  # settings/admin name ("products")
    path: str  # API path ("cpq/products")
    singular: str  # wrapper key ("product")
    model: str  # class name in messages and targetable_type ("Product")
    id_base: int
    fields: tuple[FieldDef, ...]
    form_id: int
    required_any: tuple[tuple[str, ...], ...] = ()  # at least one field of each group on create
    custom_fields: bool = True
    upsert: bool = False  # upsert, bulk_upsert, bulk_destroy, filters and views
    view_id: int | None = None
    list_filter: str | None = None  # "tasks"/"appointments" list with ?filter=
    default_owner: bool = False  # owner_id falls back to the API key's user

    def field(self, name: str) -> FieldDef | None:
        """The standard field called `name`, if any."""
        return next((spec for spec in self.fields if spec.name == name), None)


def _owner() -> FieldDef:
    return FieldDef("owner_id", "lookup", ref="users")


def _numbers(*names: str) -> tuple[FieldDef, ...]:
    return tuple(FieldDef(name, "number") for name in names)


def _texts(*names: str) -> tuple[FieldDef, ...]:
    return tuple(text(name) for name in names)


def _targetable(required: bool, types: tuple[str, ...] = ACTIVITY_TARGETS) -> tuple[FieldDef, ...]:
    return (
        FieldDef("targetable_type", "dropdown", required=required, choices=types),
        FieldDef("targetable_id", "lookup", required=required),
    )


_PERSON_TEXTS = _texts(
    "first_name",
    "last_name",
    "job_title",
    "email",
    "work_number",
    "mobile_number",
    "address",
    "city",
    "state",
    "zipcode",
    "country",
    "time_zone",
    "medium",
    "keyword",
    "facebook",
    "twitter",
    "linkedin",
    "external_id",
)
_PERSON_COMMON = (
    *_PERSON_TEXTS,
    FieldDef("emails", "email_list"),
    FieldDef("phone_numbers", "phone_list"),
    _owner(),
    *_numbers("lead_source_id", "territory_id", "campaign_id", "subscription_status"),
    FieldDef("do_not_disturb", "checkbox"),
    FieldDef("tags", "tags"),
)
# Contacts and leads need a last name or an email (our reading of the product's rule).
_PERSON_REQUIRED = (("last_name", "email", "emails"),)

CONTACTS = EntitySpec(
    key="contacts",
    path="contacts",
    singular="contact",
    model="Contact",
    id_base=16_000_000_000,
    form_id=2001,
    view_id=1001,
    upsert=True,
    required_any=_PERSON_REQUIRED,
    fields=(
        *_PERSON_COMMON,
        FieldDef("sales_accounts", "lookup_list", ref="sales_accounts"),
        FieldDef("sales_account_id", "lookup", ref="sales_accounts"),
        *_numbers("contact_status_id", "lifecycle_stage_id"),
    ),
)
LEADS = EntitySpec(
    key="leads",
    path="leads",
    singular="lead",
    model="Lead",
    id_base=19_000_000_000,
    form_id=2002,
    view_id=1004,
    upsert=True,
    required_any=_PERSON_REQUIRED,
    fields=(
        *_PERSON_COMMON,
        *_numbers("lead_stage_id", "lead_reason_id"),
        FieldDef("company", "object"),
    ),
)
SALES_ACCOUNTS = EntitySpec(
    key="sales_accounts",
    path="sales_accounts",
    singular="sales_account",
    model="SalesAccount",
    id_base=17_000_000_000,
    form_id=2003,
    view_id=1002,
    upsert=True,
    fields=(
        text("name", required=True),
        *_texts("address", "city", "state", "zipcode", "country", "website", "phone"),
        *_texts("facebook", "twitter", "linkedin"),
        _owner(),
        *_numbers("industry_type_id", "business_type_id", "territory_id"),
        *_numbers("number_of_employees", "annual_revenue"),
        FieldDef("parent_sales_account_id", "lookup", ref="sales_accounts"),
        FieldDef("tags", "tags"),
    ),
)
DEALS = EntitySpec(
    key="deals",
    path="deals",
    singular="deal",
    model="Deal",
    id_base=18_000_000_000,
    form_id=2004,
    view_id=1003,
    upsert=True,
    fields=(
        text("name", required=True),
        FieldDef("amount", "number", required=True),
        FieldDef("sales_account_id", "lookup", required=True, ref="sales_accounts"),
        FieldDef("contacts_added_list", "lookup_list", ref="contacts"),
        _owner(),
        *_numbers("deal_stage_id", "deal_pipeline_id", "deal_reason_id", "deal_type_id"),
        *_numbers("deal_payment_status_id", "currency_id", "lead_source_id", "campaign_id"),
        *_numbers("territory_id", "probability"),
        FieldDef("expected_close", "date"),
        FieldDef("closed_date", "date"),
        FieldDef("tags", "tags"),
    ),
)
TASKS = EntitySpec(
    key="tasks",
    path="tasks",
    singular="task",
    model="Task",
    id_base=20_000_000_000,
    form_id=2005,
    list_filter="tasks",
    default_owner=True,
    fields=(
        text("title", required=True),
        FieldDef("description", "textarea"),
        FieldDef("due_date", "date_time", required=True),
        _owner(),
        *_targetable(required=True),
        *_numbers("task_type_id", "outcome_id"),
        FieldDef("status", "dropdown", choices=(0, 1)),  # 0 open, 1 completed
    ),
)
APPOINTMENTS = EntitySpec(
    key="appointments",
    path="appointments",
    singular="appointment",
    model="Appointment",
    id_base=21_000_000_000,
    form_id=2006,
    list_filter="appointments",
    fields=(
        text("title", required=True),
        *_texts("location", "time_zone"),
        FieldDef("description", "textarea"),
        FieldDef("from_date", "date_time", required=True),
        FieldDef("end_date", "date_time", required=True),
        FieldDef("is_allday", "checkbox"),
        *_targetable(required=False),
        _owner(),
        FieldDef("outcome_id", "number"),
        FieldDef("appointment_attendees_attributes", "object_list"),
    ),
)
NOTES = EntitySpec(
    key="notes",
    path="notes",
    singular="note",
    model="Note",
    id_base=22_000_000_000,
    form_id=2007,
    custom_fields=False,
    fields=(
        FieldDef("description", "textarea", required=True, max_length=NOTE_LIMIT),
        *_targetable(required=True),
    ),
)
PRODUCTS = EntitySpec(
    key="products",
    path="cpq/products",
    singular="product",
    model="Product",
    id_base=24_000_000_000,
    form_id=2008,
    fields=(
        text("name", required=True),
        *_texts("product_code", "sku_number", "category"),
        FieldDef("description", "textarea"),
        FieldDef("is_active", "checkbox"),
        _owner(),
        FieldDef("valid_till", "date"),
        FieldDef("product_pricings_attributes", "object_list"),
    ),
)
DOCUMENTS = EntitySpec(
    key="documents",
    path="documents",
    singular="document",
    model="Document",
    id_base=23_000_000_000,
    form_id=2009,
    custom_fields=False,
    fields=(
        text("name"),
        FieldDef("is_shared", "checkbox"),
        *_targetable(required=True, types=(*ACTIVITY_TARGETS, "Product")),
    ),
)

# Settings order (form ids follow it); records are created only through these.
ENTITIES: tuple[EntitySpec, ...] = (
    CONTACTS,
    LEADS,
    SALES_ACCOUNTS,
    DEALS,
    TASKS,
    APPOINTMENTS,
    NOTES,
    PRODUCTS,
    DOCUMENTS,
)
BY_KEY = {spec.key: spec for spec in ENTITIES}
BY_PATH = {spec.path: spec for spec in ENTITIES}
