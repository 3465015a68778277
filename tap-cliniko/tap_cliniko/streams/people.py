"""Streams about people: patients, practitioners, users, contacts and how they relate."""

from __future__ import annotations

from tap_cliniko.client import ARCHIVED, DELETED, ClinikoStream
from tap_cliniko.schema import (
    booleans,
    dates,
    datetimes,
    integers,
    links,
    objects,
    phone_numbers,
    record_schema,
    string_arrays,
    strings,
)

ADDRESS = strings("address_1", "address_2", "address_3", "city", "state", "post_code")


class PatientsStream(ClinikoStream):
    """Patients, archived and merged ones included."""

    name = "patients"
    hidden_row_filters = (ARCHIVED,)
    schema = record_schema(
        datetimes("archived_at", "deleted_at", "merged_at"),
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
        booleans("accepted_privacy_policy", "accepted_email_marketing", "accepted_sms_marketing"),
        links(
            concession_type="concession_types",
            referring_doctor="contacts",
            merged_with_patient="patients",
            latest_booking="bookings",
        ),
    )


class PractitionersStream(ClinikoStream):
    """Active and inactive practitioners in one stream (Cliniko lists them on two routes)."""

    name = "practitioners"
    paths = ("/practitioners", "/practitioners/inactive")
    schema = record_schema(
        booleans("active", "show_in_online_bookings"),
        strings("title", "first_name", "last_name", "display_name", "label"),
        strings("designation", "description"),
        links(user="users", default_appointment_type="appointment_types"),
    )


class UsersStream(ClinikoStream):
    """Cliniko users (staff logins); practitioners link to them."""

    name = "users"
    schema = record_schema(
        strings("title", "first_name", "last_name", "email", "role"),
        booleans("active", "user_active"),
        strings("time_zone", "time_zone_identifier"),
        phone_numbers("phone_numbers"),
    )


class ContactsStream(ClinikoStream):
    """Third parties: referring doctors, payers, other contacts."""

    name = "contacts"
    hidden_row_filters = (ARCHIVED, DELETED)
    schema = record_schema(
        datetimes("archived_at", "deleted_at"),
        strings("title", "first_name", "last_name", "preferred_name", "company_name"),
        strings("occupation", "email", "notes", "provider_number", "country", "country_code"),
        ADDRESS,
        phone_numbers("phone_numbers"),
        strings("type", "doctor_type"),
        integers("type_code"),
    )


class RelationshipsStream(ClinikoStream):
    """Patient-to-patient relations (parent, spouse ...)."""

    name = "relationships"
    hidden_row_filters = (ARCHIVED,)
    schema = record_schema(
        datetimes("archived_at"),
        integers("relation"),
        strings("relation_description"),
        links(patient="patients", related_patient="patients"),
    )


class ReferralSourcesStream(ClinikoStream):
    """How each patient was referred."""

    name = "referral_sources"
    hidden_row_filters = (ARCHIVED,)
    schema = record_schema(
        datetimes("archived_at"),
        strings("notes", "subcategory", "referrer_type"),
        links(
            patient="patients",
            referral_source_type="referral_source_types",
            referrer="patients",
        ),
    )


class ReferralSourceTypesStream(ClinikoStream):
    """The clinic's referral source categories."""

    name = "referral_source_types"
    hidden_row_filters = (ARCHIVED,)
    schema = record_schema(
        datetimes("archived_at"),
        strings("name", "referrer_type"),
        string_arrays("subcategories"),
    )
