"""The 38 Cliniko streams: their filterable fields, hidden-row fields and id prefixes."""

from __future__ import annotations

from dataclasses import dataclass, field

# Filter types, as the Cliniko docs name them (cliniko-api.md §5).
DT, DATE, ID, INT, STR, BOOL, ARR = (
    "datetime",
    "date",
    "id",
    "integer",
    "string",
    "boolean",
    "array",
)

# The soft-delete timestamps that hide a row from a list route unless a filter asks for them.
HIDE_FIELDS = ("archived_at", "cancelled_at", "deleted_at")

_BASE = {"created_at": DT, "updated_at": DT, "id": ID}


@dataclass(frozen=True)
class StreamSpec:
    """One list route: what it filters on, which timestamps hide rows, how its ids look."""

    name: str
    code: int
    filters: dict[str, str] = field(default_factory=dict)
    # Filter column -> the link key whose id it holds, where the two names differ.
    link_aliases: dict[str, tuple[str, ...]] = field(default_factory=dict)
    has_id: bool = True

    @property
    def hidden(self) -> tuple[str, ...]:
        """Timestamps that hide a row by default (those this route can filter on)."""
        return tuple(f for f in HIDE_FIELDS if f in self.filters)


def _spec(name: str, code: int, extra: dict[str, str], **kwargs) -> StreamSpec:
    return StreamSpec(name=name, code=code, filters={**_BASE, **extra}, **kwargs)


_ARCH = {"archived_at": DT}
_ARCH_DEL = {"archived_at": DT, "deleted_at": DT}

STREAMS: dict[str, StreamSpec] = {
    s.name: s
    for s in [
        _spec(
            "patients",
            1,
            {
                **_ARCH,
                "accepted_privacy_policy": BOOL,
                "date_of_birth": DATE,
                "email": STR,
                "first_name": STR,
                "last_name": STR,
                "old_reference_id": STR,
                "preferred_first_name": STR,
            },
        ),
        _spec(
            "practitioners",
            2,
            {"active": BOOL, "show_in_online_bookings": BOOL, "user_id": ID},
        ),
        _spec("users", 3, {}),
        _spec(
            "businesses",
            4,
            {**_ARCH_DEL, "appointment_type_ids": ARR, "show_in_online_bookings": BOOL},
        ),
        _spec(
            "appointment_types",
            5,
            {
                **_ARCH,
                "appointment_confirmation_template_ids": ARR,
                "appointment_follow_up_template_ids": ARR,
                "appointment_reminder_template_ids": ARR,
                "category": STR,
                "online_payments_mode": STR,
                "show_in_online_bookings": BOOL,
            },
        ),
        _spec(
            "appointment_type_billable_items",
            6,
            {"appointment_type_id": ID, "billable_item_id": ID},
        ),
        _spec("appointment_type_products", 7, {"appointment_type_id": ID, "product_id": ID}),
        _spec(
            "individual_appointments",
            8,
            {
                **_ARCH_DEL,
                "cancelled_at": DT,
                "appointment_type_id": ID,
                "business_id": ID,
                "did_not_arrive": BOOL,
                "ends_at": DT,
                "patient_id": ID,
                "practitioner_id": ID,
                "repeated_from_id": ID,
                "starts_at": DT,
            },
        ),
        _spec(
            "group_appointments",
            9,
            {
                **_ARCH_DEL,
                "appointment_type_id": ID,
                "business_id": ID,
                "ends_at": DT,
                "patient_ids": ARR,
                "practitioner_id": ID,
                "repeated_from_id": ID,
                "starts_at": DT,
            },
        ),
        _spec(
            "attendees",
            10,
            {
                **_ARCH_DEL,
                "cancelled_at": DT,
                "appointment_id": ID,
                "booking_id": ID,
                "patient_case_id": ID,
                "patient_id": ID,
            },
            # Both filters select on the attendee's booking (the appointment it belongs to).
            link_aliases={"appointment_id": ("booking",), "booking_id": ("booking",)},
        ),
        _spec(
            "unavailable_blocks",
            11,
            {
                **_ARCH_DEL,
                "business_id": ID,
                "ends_at": DT,
                "practitioner_id": ID,
                "repeated_from_id": ID,
                "starts_at": DT,
                "unavailable_block_type_id": ID,
            },
        ),
        _spec("unavailable_block_types", 12, {**_ARCH}),
        _spec(
            "availability_blocks",
            13,
            {"business_id": ID, "practitioner_id": ID, "starts_at": DT},
        ),
        _spec("daily_availabilities", 14, {"business_id": ID, "practitioner_id": ID}),
        # Services have no id, no timestamps and no filters (cliniko-api.md §11.13).
        StreamSpec(name="services", code=15, filters={}, has_id=False),
        _spec(
            "invoices",
            16,
            {
                **_ARCH_DEL,
                "appointment_id": ID,
                "attendee_id": ID,
                "business_id": ID,
                "closed_at": DT,
                "issue_date": DATE,
                "number": INT,
                "original_invoice_id": ID,
                "patient_id": ID,
                "practitioner_id": ID,
                "status": INT,
            },
        ),
        _spec(
            "invoice_items",
            17,
            {**_ARCH_DEL, "invoice_id": ID, "source_item_id": ID},
            # The line's source is whichever of billable item or product it was made from.
            link_aliases={"source_item_id": ("billable_item", "product")},
        ),
        _spec("billable_items", 18, {**_ARCH, "tax_id": ID}),
        _spec("products", 19, {**_ARCH, "name": STR, "tax_id": ID}),
        _spec("product_suppliers", 20, {"name": STR}),
        _spec("stock_adjustments", 21, {**_ARCH, "product_id": ID}),
        _spec("taxes", 22, {}),
        _spec("concession_types", 23, {**_ARCH}),
        _spec("concession_prices", 24, {"billable_item_id": ID, "concession_type_id": ID}),
        _spec(
            "treatment_notes",
            25,
            {
                **_ARCH_DEL,
                "attendee_id": ID,
                "booking_id": ID,
                "draft": BOOL,
                "patient_id": ID,
                "practitioner_id": ID,
                "treatment_note_template_id": ID,
            },
        ),
        _spec("treatment_note_templates", 26, {**_ARCH_DEL}),
        _spec("medical_alerts", 27, {**_ARCH_DEL, "patient_id": ID}),
        _spec(
            "patient_forms",
            28,
            {**_ARCH, "attendee_id": ID, "completed_at": DT, "patient_id": ID},
        ),
        _spec("patient_form_templates", 29, {**_ARCH}),
        _spec(
            "patient_attachments",
            30,
            {
                **_ARCH,
                "content_type": STR,
                "description": STR,
                "filename": STR,
                "patient_id": ID,
                "processed_at": DT,
                "size": INT,
                "user_id": ID,
            },
        ),
        _spec(
            "patient_cases",
            31,
            {
                **_ARCH,
                "closed_at": DT,
                "expiry_date": DATE,
                "issue_date": DATE,
                "name": STR,
                "patient_id": ID,
                "referral_type": STR,
            },
        ),
        _spec("relationships", 32, {**_ARCH, "patient_id": ID}),
        _spec(
            "referral_sources",
            33,
            {**_ARCH, "referral_source_type_id": ID, "referrer_id": ID},
            link_aliases={"referrer_id": ("referrer",)},
        ),
        _spec("referral_source_types", 34, {**_ARCH}),
        _spec(
            "contacts",
            35,
            {
                **_ARCH_DEL,
                "company_name": STR,
                "email": STR,
                "first_name": STR,
                "last_name": STR,
                "occupation": STR,
                "type_code": INT,
            },
        ),
        _spec(
            "communications",
            36,
            {**_ARCH, "category_code": INT, "letter_id": ID, "patient_id": ID, "type_code": INT},
        ),
        _spec(
            "practitioner_reference_numbers",
            37,
            {"business_id": ID, "practitioner_id": ID, "reference_number": STR},
        ),
    ]
}

# `settings` is the 38th stream: a single object, not a list route.
SINGLETON_STREAMS = ("settings",)
ALL_STREAMS = (*STREAMS, *SINGLETON_STREAMS)

# Routes without a single-record GET in the 2025 description.
NO_GET_ROUTE = frozenset({"services", "referral_sources"})

ID_BASE = 1_100_000_000_000_000_000
ID_STRIDE = 10**14


def make_id(stream: str, n: int) -> int:
    """The n-th id of a stream: 19 digits like Cliniko's, unique across streams."""
    return ID_BASE + STREAMS[stream].code * ID_STRIDE + n
