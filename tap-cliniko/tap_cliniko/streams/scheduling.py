"""Streams about the calendar: businesses, appointment types, appointments and availability."""

from __future__ import annotations

from tap_cliniko.client import ARCHIVED, CANCELLED, DELETED, ClinikoFullTableStream, ClinikoStream
from tap_cliniko.schema import (
    arrays,
    booleans,
    datetimes,
    decimals,
    integers,
    links,
    objects,
    record_schema,
    string_arrays,
    strings,
)

WHEN = datetimes("starts_at", "ends_at")
AT_PLACE = links(business="businesses", practitioner="practitioners")
CANCELLATION = [
    *datetimes("cancelled_at"),
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


class BusinessesStream(ClinikoStream):
    """The clinic's locations."""

    name = "businesses"
    hidden_row_filters = (ARCHIVED, DELETED)
    schema = record_schema(
        datetimes("archived_at", "deleted_at"),
        strings("business_name", "display_name", "label", "address_1", "address_2", "city"),
        strings("state", "post_code", "country", "country_code", "contact_information"),
        strings("email_reply_to", "website_address", "additional_information"),
        strings("business_registration_name", "business_registration_value"),
        strings("additional_invoice_information", "time_zone", "time_zone_identifier"),
        booleans("appointment_reminders_enabled", "show_in_online_bookings"),
        string_arrays("appointment_type_ids"),
    )


class AppointmentTypesStream(ClinikoStream):
    """Kinds of appointment (duration, price defaults, online booking rules)."""

    name = "appointment_types"
    hidden_row_filters = (ARCHIVED,)
    schema = record_schema(
        datetimes("archived_at"),
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
    )


class AppointmentTypeBillableItemsStream(ClinikoStream):
    """Billable items an appointment type adds to its invoice."""

    name = "appointment_type_billable_items"
    schema = record_schema(
        APPOINTMENT_TYPE_ITEM,
        links(appointment_type="appointment_types", billable_item="billable_items"),
    )


class AppointmentTypeProductsStream(ClinikoStream):
    """Products an appointment type adds to its invoice."""

    name = "appointment_type_products"
    schema = record_schema(
        APPOINTMENT_TYPE_ITEM,
        links(appointment_type="appointment_types", product="products"),
    )


class IndividualAppointmentsStream(ClinikoStream):
    """One-patient appointments, cancelled and archived ones included."""

    name = "individual_appointments"
    hidden_row_filters = (ARCHIVED, CANCELLED, DELETED)
    schema = record_schema(
        datetimes("archived_at", "deleted_at"),
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
    )


class GroupAppointmentsStream(ClinikoStream):
    """Classes and other many-patient appointments (patients attend via attendees)."""

    name = "group_appointments"
    hidden_row_filters = (ARCHIVED, DELETED)
    schema = record_schema(
        datetimes("archived_at", "deleted_at"),
        WHEN,
        strings("notes", "telehealth_url"),
        integers("max_attendees"),
        string_arrays("patient_ids"),
        objects("repeat_rule"),
        AT_PLACE,
        links(appointment_type="appointment_types", repeated_from="group_appointments"),
    )


class AttendeesStream(ClinikoStream):
    """A patient's place in an appointment (individual or group)."""

    name = "attendees"
    hidden_row_filters = (ARCHIVED, CANCELLED, DELETED)
    schema = record_schema(
        datetimes("archived_at", "deleted_at"),
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
    )


class UnavailableBlocksStream(ClinikoStream):
    """Time a practitioner is unavailable (leave, meetings)."""

    name = "unavailable_blocks"
    hidden_row_filters = (ARCHIVED, DELETED)
    schema = record_schema(
        datetimes("archived_at", "deleted_at"),
        WHEN,
        strings("notes"),
        objects("repeat_rule"),
        AT_PLACE,
        links(
            unavailable_block_type="unavailable_block_types",
            repeated_from="unavailable_blocks",
        ),
    )


class UnavailableBlockTypesStream(ClinikoStream):
    """Kinds of unavailable block."""

    name = "unavailable_block_types"
    hidden_row_filters = (ARCHIVED,)
    schema = record_schema(
        datetimes("archived_at"),
        strings("name", "color"),
        integers("duration_in_minutes"),
        booleans("system_controlled"),
    )


class AvailabilityBlocksStream(ClinikoStream):
    """Extra working time outside the weekly roster."""

    name = "availability_blocks"
    schema = record_schema(WHEN, objects("repeat_rule"), AT_PLACE)


class DailyAvailabilitiesStream(ClinikoStream):
    """A practitioner's weekly roster at a business, one row per weekday."""

    name = "daily_availabilities"
    schema = record_schema(
        integers("day_of_week"),
        arrays("availabilities"),
        strings("time_zone", "time_zone_identifier"),
        AT_PLACE,
    )


class ServicesStream(ClinikoFullTableStream):
    """Which appointment types each business offers, and by which practitioners."""

    name = "services"
    primary_keys = ("business_id", "appointment_type_id")
    schema = record_schema(
        links(business="businesses", appointment_type="appointment_types"),
        string_arrays("practitioner_ids"),
        key=None,
    )
