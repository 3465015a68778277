"""The account's settings, as one record."""

from __future__ import annotations

from tap_cliniko.client import ClinikoSettingsStream
from tap_cliniko.schema import objects, record_schema

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


class SettingsStream(ClinikoSettingsStream):
    """GET /settings: one record keyed by the account id, one JSON column per section."""

    name = "settings"
    schema = record_schema(objects(*SETTINGS_SECTIONS), timestamped=False)
