"""Every stream the tap offers, as one table, in the order they are synced (docs/contracts.md).

Each row names a Cliniko list route and its fields; ``spec.StreamSpec`` makes the singer-sdk
stream class. Behaviour lives in the base classes of ``client``: ``ClinikoStream`` (incremental
on updated_at), ``ClinikoFullTableStream`` (services) and ``ClinikoSettingsStream`` (settings).
"""

from __future__ import annotations

from tap_cliniko.client import (
    ARCHIVED,
    CANCELLED,
    DELETED,
    ClinikoFullTableStream,
    ClinikoSettingsStream,
)
from tap_cliniko.schema import (
    arrays,
    booleans,
    dates,
    datetimes,
    decimals,
    integers,
    links,
    objects,
    phone_numbers,
    string_arrays,
    strings,
)
from tap_cliniko.streams.spec import StreamSpec

# Field groups several streams share.
ADDRESS = strings("address_1", "address_2", "address_3", "city", "state", "post_code")
WHEN = datetimes("starts_at", "ends_at")
AT_PLACE = links(business="businesses", practitioner="practitioners")
# cancelled_at itself comes with the CANCELLED soft-delete filter of the streams using this.
CANCELLATION = [
    *strings("cancellation_note", "cancellation_reason_description"),
    *integers("cancellation_reason"),
]
BOOKING_FLAGS = [
    *strings("booking_ip_address", "telehealth_url", "notes"),
    *booleans("online_booking_policy_accepted", "email_reminder_sent", "sms_reminder_sent"),
    *integers("invoice_status", "treatment_note_status"),
]
APPOINTMENT_TYPE_ITEM = [
    *decimals("quantity", "discount_percentage", "discounted_amount"),
    *booleans("is_monetary_discount"),
]
FORM_SETTINGS = booleans("restricted_to_practitioner", "email_to_patient_on_completion")
SETTINGS_SECTIONS = (
    "account",
    "calendar",
    "documents_and_printing",
    "integrations",
    "online_bookings",
    "online_payments",
    "patient_custom_fields_definition",
    "patient_privacy",
    "reminders",
    "sms",
    "terminology",
    "wait_list",
)

STREAMS: tuple[StreamSpec, ...] = (
    StreamSpec(
        "patients",
        "Patients, archived and merged ones included.",
        hidden=(ARCHIVED,),
        fields=[
            datetimes("deleted_at", "merged_at"),
            strings("title", "first_name", "last_name", "preferred_first_name", "label"),
            dates("date_of_birth"),
            strings("sex", "gender_identity", "gender", "email", "country_code", "country"),
            objects("pronouns", "custom_fields"),
            phone_numbers("patient_phone_numbers"),
            ADDRESS,
            strings("occupation", "emergency_contact", "notes", "appointment_notes"),
            strings("medicare", "medicare_reference_number", "dva_card_number", "old_reference_id"),
            strings("invoice_default_to", "invoice_email", "invoice_extra_information"),
            strings("referral_source", "reminder_type", "time_zone"),
            booleans("receives_confirmation_emails", "receives_cancellation_emails"),
            booleans(
                "accepted_privacy_policy", "accepted_email_marketing", "accepted_sms_marketing"
            ),
            links(
                concession_type="concession_types",
                referring_doctor="contacts",
                merged_with_patient="patients",
                latest_booking="bookings",
            ),
        ],
    ),
    StreamSpec(
        "practitioners",
        "Active and inactive practitioners in one stream (Cliniko lists them on two routes).",
        fields=[
            booleans("active", "show_in_online_bookings"),
            strings("title", "first_name", "last_name", "display_name", "label"),
            strings("designation", "description"),
            links(user="users", default_appointment_type="appointment_types"),
        ],
        paths=("/practitioners", "/practitioners/inactive"),
    ),
    StreamSpec(
        "users",
        "Cliniko users (staff logins); practitioners link to them.",
        fields=[
            strings("title", "first_name", "last_name", "email", "role"),
            booleans("active", "user_active"),
            strings("time_zone", "time_zone_identifier"),
            phone_numbers("phone_numbers"),
        ],
    ),
    StreamSpec(
        "businesses",
        "The clinic's locations.",
        hidden=(ARCHIVED, DELETED),
        fields=[
            strings("business_name", "display_name", "label", "address_1", "address_2", "city"),
            strings("state", "post_code", "country", "country_code", "contact_information"),
            strings("email_reply_to", "website_address", "additional_information"),
            strings("business_registration_name", "business_registration_value"),
            strings("additional_invoice_information", "time_zone", "time_zone_identifier"),
            booleans("appointment_reminders_enabled", "show_in_online_bookings"),
            string_arrays("appointment_type_ids"),
        ],
    ),
    StreamSpec(
        "appointment_types",
        "Kinds of appointment (duration, price defaults, online booking rules).",
        hidden=(ARCHIVED,),
        fields=[
            strings("name", "category", "description", "color", "online_payments_mode"),
            integers("duration_in_minutes", "max_attendees", "online_bookings_lead_time_hours"),
            booleans("show_in_online_bookings", "telehealth_enabled", "online_payments_enabled"),
            booleans("add_deposit_to_account_credit"),
            decimals("deposit_price"),
            string_arrays(
                "appointment_confirmation_template_ids",
                "appointment_follow_up_template_ids",
                "appointment_reminder_template_ids",
            ),
            links(
                billable_item="billable_items",
                product="products",
                treatment_note_template="treatment_note_templates",
            ),
        ],
    ),
    StreamSpec(
        "appointment_type_billable_items",
        "Billable items an appointment type adds to its invoice.",
        fields=[
            APPOINTMENT_TYPE_ITEM,
            links(appointment_type="appointment_types", billable_item="billable_items"),
        ],
    ),
    StreamSpec(
        "appointment_type_products",
        "Products an appointment type adds to its invoice.",
        fields=[
            APPOINTMENT_TYPE_ITEM,
            links(appointment_type="appointment_types", product="products"),
        ],
    ),
    StreamSpec(
        "individual_appointments",
        "One-patient appointments, cancelled and archived ones included.",
        hidden=(ARCHIVED, CANCELLED, DELETED),
        fields=[
            WHEN,
            CANCELLATION,
            BOOKING_FLAGS,
            strings("patient_name"),
            booleans("did_not_arrive", "patient_arrived", "has_patient_appointment_notes"),
            objects("repeat_rule"),
            AT_PLACE,
            links(
                appointment_type="appointment_types",
                patient="patients",
                patient_case="patient_cases",
                repeated_from="individual_appointments",
            ),
        ],
    ),
    StreamSpec(
        "group_appointments",
        "Classes and other many-patient appointments (patients attend via attendees).",
        hidden=(ARCHIVED, DELETED),
        fields=[
            WHEN,
            strings("notes", "telehealth_url"),
            integers("max_attendees"),
            string_arrays("patient_ids"),
            objects("repeat_rule"),
            AT_PLACE,
            links(appointment_type="appointment_types", repeated_from="group_appointments"),
        ],
    ),
    StreamSpec(
        "attendees",
        "A patient's place in an appointment (individual or group).",
        hidden=(ARCHIVED, CANCELLED, DELETED),
        fields=[
            CANCELLATION,
            BOOKING_FLAGS,
            strings("cancellation_url"),
            booleans("arrived"),
            integers(
                "sent_email_reminders_count",
                "sent_sms_reminders_count",
                "sent_email_follow_ups_count",
                "sent_sms_follow_ups_count",
            ),
            links(booking="bookings", patient="patients", patient_case="patient_cases"),
        ],
    ),
    StreamSpec(
        "unavailable_blocks",
        "Time a practitioner is unavailable (leave, meetings).",
        hidden=(ARCHIVED, DELETED),
        fields=[
            WHEN,
            strings("notes"),
            objects("repeat_rule"),
            AT_PLACE,
            links(
                unavailable_block_type="unavailable_block_types",
                repeated_from="unavailable_blocks",
            ),
        ],
    ),
    StreamSpec(
        "unavailable_block_types",
        "Kinds of unavailable block.",
        hidden=(ARCHIVED,),
        fields=[
            strings("name", "color"),
            integers("duration_in_minutes"),
            booleans("system_controlled"),
        ],
    ),
    StreamSpec(
        "availability_blocks",
        "Extra working time outside the weekly roster.",
        fields=[
            WHEN,
            objects("repeat_rule"),
            AT_PLACE,
        ],
    ),
    StreamSpec(
        "daily_availabilities",
        "A practitioner's weekly roster at a business, one row per weekday.",
        fields=[
            integers("day_of_week"),
            arrays("availabilities"),
            strings("time_zone", "time_zone_identifier"),
            AT_PLACE,
        ],
    ),
    StreamSpec(
        "services",
        "Which appointment types each business offers, and by which practitioners.",
        fields=[
            links(business="businesses", appointment_type="appointment_types"),
            string_arrays("practitioner_ids"),
        ],
        primary_keys=("business_id", "appointment_type_id"),
        key=None,
        base=ClinikoFullTableStream,
    ),
    StreamSpec(
        "invoices",
        "Invoices (read-only in the API), reversed and deleted ones included.",
        hidden=(ARCHIVED, DELETED),
        fields=[
            datetimes("closed_at"),
            integers("number", "status", "calculation_method"),
            dates("issue_date"),
            strings("status_description", "calculation_method_description"),
            decimals("total_amount", "net_amount", "tax_amount", "discounted_amount"),
            strings("invoice_to", "notes", "patient_extra_information", "online_payment_url"),
            links(
                patient="patients",
                practitioner="practitioners",
                business="businesses",
                appointment="appointments",
                attendee="attendees",
                original_invoice="invoices",
                signature="signatures",
            ),
        ],
    ),
    StreamSpec(
        "invoice_items",
        "Invoice lines; each is for a billable item or a product.",
        hidden=(ARCHIVED, DELETED),
        fields=[
            strings("name", "code", "tax_name", "concession_type_name"),
            decimals("quantity", "unit_price", "net_price", "discount_percentage"),
            decimals("discounted_amount", "tax_rate", "tax_amount", "total_including_tax"),
            booleans("is_monetary_discount"),
            links(invoice="invoices", billable_item="billable_items", product="products"),
        ],
    ),
    StreamSpec(
        "billable_items",
        "Services and other items the clinic bills for.",
        hidden=(ARCHIVED,),
        fields=[
            strings("name", "item_code", "item_type"),
            decimals("price"),
            links(tax="taxes"),
        ],
    ),
    StreamSpec(
        "products",
        "Products the clinic sells.",
        hidden=(ARCHIVED,),
        fields=[
            strings("name", "item_code", "serial_number", "notes", "product_supplier_name"),
            decimals("cost_price", "price_ex_tax", "price_including_tax", "stock_level"),
            links(tax="taxes", product_supplier="product_suppliers"),
        ],
    ),
    StreamSpec(
        "product_suppliers",
        "Suppliers of products.",
        fields=[strings("name")],
    ),
    StreamSpec(
        "stock_adjustments",
        "Changes to a product's stock level (append-only).",
        hidden=(ARCHIVED,),
        fields=[
            decimals("quantity"),
            strings("adjustment_type", "comment", "notes"),
            links(product="products", user="users"),
        ],
    ),
    StreamSpec(
        "taxes",
        "Tax rates.",
        fields=[
            strings("name"),
            decimals("rate", "amount"),
        ],
    ),
    StreamSpec(
        "concession_types",
        "Concession categories (pensioner, student ...).",
        hidden=(ARCHIVED,),
        fields=[strings("name")],
    ),
    StreamSpec(
        "concession_prices",
        "A billable item's price for a concession type.",
        fields=[
            decimals("price"),
            links(billable_item="billable_items", concession_type="concession_types"),
        ],
    ),
    StreamSpec(
        "treatment_notes",
        "Clinical notes written against a patient (and usually an appointment).",
        hidden=(ARCHIVED, DELETED),
        fields=[
            datetimes("finalized_at", "pinned_at"),
            strings("title", "author_name"),
            booleans("draft"),
            objects("content"),
            links(
                patient="patients",
                practitioner="practitioners",
                treatment_note_template="treatment_note_templates",
                booking="bookings",
                attendee="attendees",
            ),
        ],
    ),
    StreamSpec(
        "treatment_note_templates",
        "Templates treatment notes are written from.",
        hidden=(ARCHIVED, DELETED),
        fields=[
            strings("name"),
            objects("content", "print_settings"),
        ],
    ),
    StreamSpec(
        "medical_alerts",
        "Alerts on a patient (allergies, conditions).",
        hidden=(ARCHIVED, DELETED),
        fields=[
            strings("name"),
            links(patient="patients"),
        ],
    ),
    StreamSpec(
        "patient_forms",
        "Forms sent to or filled in by patients.",
        hidden=(ARCHIVED,),
        fields=[
            datetimes("completed_at", "edited_at"),
            strings("name", "url"),
            FORM_SETTINGS,
            objects("content"),
            links(
                patient="patients",
                attendee="attendees",
                booking="bookings",
                business="businesses",
                signatures="signatures",
            ),
            # The 2025 spec sends one signatures link; the legacy API sent an array of them.
            string_arrays("signature_ids"),
        ],
    ),
    StreamSpec(
        "patient_form_templates",
        "Templates patient forms are made from.",
        hidden=(ARCHIVED,),
        fields=[
            strings("name"),
            FORM_SETTINGS,
            objects("content"),
        ],
    ),
    StreamSpec(
        "patient_attachments",
        "Files attached to patients; with download_attachments the contents are saved too.",
        hidden=(ARCHIVED,),
        fields=[
            datetimes("processed_at", "pinned_at"),
            strings("filename", "content_type", "description"),
            integers("size"),
            booleans("processing_completed"),
            links(patient="patients", user="users"),
            strings("content_path", "content_sha256"),
            integers("content_size"),
        ],
        # The content link is a download URL, not a relation; the tap downloads it instead.
        dropped=("content",),
        downloads_content=True,
    ),
    StreamSpec(
        "patient_cases",
        "Cases grouping a patient's appointments (referrals, claims).",
        hidden=(ARCHIVED,),
        fields=[
            datetimes("closed_at"),
            strings("name", "notes", "referral_type"),
            booleans("closed", "referral", "include_cancelled_attendees", "include_dna_attendees"),
            dates("issue_date", "expiry_date"),
            integers("max_sessions"),
            decimals("max_invoiceable_amount"),
            string_arrays("attendee_ids"),
            links(patient="patients", contact="contacts"),
        ],
    ),
    StreamSpec(
        "relationships",
        "Patient-to-patient relations (parent, spouse ...).",
        hidden=(ARCHIVED,),
        fields=[
            integers("relation"),
            strings("relation_description"),
            links(patient="patients", related_patient="patients"),
        ],
    ),
    StreamSpec(
        "referral_sources",
        "How each patient was referred.",
        hidden=(ARCHIVED,),
        fields=[
            strings("notes", "subcategory", "referrer_type"),
            links(
                patient="patients",
                referral_source_type="referral_source_types",
                referrer="patients",
            ),
        ],
    ),
    StreamSpec(
        "referral_source_types",
        "The clinic's referral source categories.",
        hidden=(ARCHIVED,),
        fields=[
            strings("name", "referrer_type"),
            string_arrays("subcategories"),
        ],
    ),
    StreamSpec(
        "contacts",
        "Third parties: referring doctors, payers, other contacts.",
        hidden=(ARCHIVED, DELETED),
        fields=[
            strings("title", "first_name", "last_name", "preferred_name", "company_name"),
            strings("occupation", "email", "notes", "provider_number", "country", "country_code"),
            ADDRESS,
            phone_numbers("phone_numbers"),
            strings("type", "doctor_type"),
            integers("type_code"),
        ],
    ),
    StreamSpec(
        "communications",
        "The log of SMS, email, calls and memos with patients.",
        hidden=(ARCHIVED,),
        fields=[
            strings("category", "type", "direction_description", "from", "to"),
            strings("content", "content_subject"),
            integers("category_code", "type_code", "direction_code"),
            booleans("confidential"),
            links(
                patient="patients",
                attendee="attendees",
                booking="bookings",
                invoice="invoices",
                letter="letters",
                payment="payments",
            ),
        ],
    ),
    StreamSpec(
        "practitioner_reference_numbers",
        "Provider numbers, per practitioner per business.",
        fields=[
            strings("name", "reference_number"),
            links(practitioner="practitioners", business="businesses"),
        ],
    ),
    StreamSpec(
        "settings",
        "GET /settings: one record keyed by the account id, one JSON column per section.",
        fields=[objects(*SETTINGS_SECTIONS)],
        timestamped=False,
        base=ClinikoSettingsStream,
    ),
)
