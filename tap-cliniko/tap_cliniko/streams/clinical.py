"""Streams holding clinical records: notes, alerts, forms, attachments, cases, messages."""

from __future__ import annotations

from tap_cliniko.client import ARCHIVED, DELETED, ClinikoStream
from tap_cliniko.schema import (
    booleans,
    dates,
    datetimes,
    decimals,
    integers,
    links,
    objects,
    record_schema,
    string_arrays,
    strings,
)

FORM_SETTINGS = booleans("restricted_to_practitioner", "email_to_patient_on_completion")


class TreatmentNotesStream(ClinikoStream):
    """Clinical notes written against a patient (and usually an appointment)."""

    name = "treatment_notes"
    hidden_row_filters = (ARCHIVED, DELETED)
    schema = record_schema(
        datetimes("archived_at", "deleted_at", "finalized_at", "pinned_at"),
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
    )


class TreatmentNoteTemplatesStream(ClinikoStream):
    """Templates treatment notes are written from."""

    name = "treatment_note_templates"
    hidden_row_filters = (ARCHIVED, DELETED)
    schema = record_schema(
        datetimes("archived_at", "deleted_at"),
        strings("name"),
        objects("content", "print_settings"),
    )


class MedicalAlertsStream(ClinikoStream):
    """Alerts on a patient (allergies, conditions)."""

    name = "medical_alerts"
    hidden_row_filters = (ARCHIVED, DELETED)
    schema = record_schema(
        datetimes("archived_at", "deleted_at"),
        strings("name"),
        links(patient="patients"),
    )


class PatientFormsStream(ClinikoStream):
    """Forms sent to or filled in by patients."""

    name = "patient_forms"
    hidden_row_filters = (ARCHIVED,)
    schema = record_schema(
        datetimes("archived_at", "completed_at", "edited_at"),
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
    )


class PatientFormTemplatesStream(ClinikoStream):
    """Templates patient forms are made from."""

    name = "patient_form_templates"
    hidden_row_filters = (ARCHIVED,)
    schema = record_schema(
        datetimes("archived_at"),
        strings("name"),
        FORM_SETTINGS,
        objects("content"),
    )


class PatientAttachmentsStream(ClinikoStream):
    """Files attached to patients; with download_attachments the contents are saved too."""

    name = "patient_attachments"
    hidden_row_filters = (ARCHIVED,)
    # The content link is a download URL, not a relation; the tap downloads it instead.
    dropped_fields = ("content",)
    downloads_content = True
    schema = record_schema(
        datetimes("archived_at", "processed_at", "pinned_at"),
        strings("filename", "content_type", "description"),
        integers("size"),
        booleans("processing_completed"),
        links(patient="patients", user="users"),
        strings("content_path", "content_sha256"),
        integers("content_size"),
    )


class PatientCasesStream(ClinikoStream):
    """Cases grouping a patient's appointments (referrals, claims)."""

    name = "patient_cases"
    hidden_row_filters = (ARCHIVED,)
    schema = record_schema(
        datetimes("archived_at", "closed_at"),
        strings("name", "notes", "referral_type"),
        booleans("closed", "referral", "include_cancelled_attendees", "include_dna_attendees"),
        dates("issue_date", "expiry_date"),
        integers("max_sessions"),
        decimals("max_invoiceable_amount"),
        string_arrays("attendee_ids"),
        links(patient="patients", contact="contacts"),
    )


class CommunicationsStream(ClinikoStream):
    """The log of SMS, email, calls and memos with patients."""

    name = "communications"
    hidden_row_filters = (ARCHIVED,)
    schema = record_schema(
        datetimes("archived_at"),
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
    )
