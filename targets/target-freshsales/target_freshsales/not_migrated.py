"""Cliniko features with no Freshsales counterpart the API can fill, and what to rebuild by hand.

Shown in the migration report (`crmsync report`); the CRM package owns the wording.
"""

from __future__ import annotations

NOT_MIGRATED: tuple[dict[str, str], ...] = (
    {
        "feature": "SMS and email appointment reminder templates",
        "rebuild": "Freshsales workflows (Admin Settings > Workflows) that send an email or SMS "
        "a set time before an appointment's from_date; copy the wording from Cliniko's "
        "Settings > Communications.",
    },
    {
        "feature": "Other SMS and email templates (confirmations, follow-ups, marketing)",
        "rebuild": "Freshsales email templates and sequences; SMS needs a Freshsales phone "
        "add-on or a marketplace SMS app.",
    },
    {
        "feature": "Online booking settings (bookable types, practitioners, hours)",
        "rebuild": "A scheduler (Freshsales meeting scheduler or a booking tool integrated with "
        "it); Cliniko's availability rules and appointment types are not Freshsales objects.",
    },
    {
        "feature": "Appointment types, availability and practitioner calendars",
        "rebuild": "Not migrated as objects: appointments carry the type in their title; keep "
        "scheduling in Cliniko or the booking tool.",
    },
    {
        "feature": "Invoices' line-item accounting, payments and stock adjustments",
        "rebuild": "Deals carry the total, status and a line-item summary; keep the ledger in "
        "the accounting system (Xero, MYOB, QuickBooks).",
    },
    {
        "feature": "Treatment note templates and patient form templates",
        "rebuild": "Notes migrate as text; recreate templates as Freshsales custom forms or keep "
        "clinical forms in Cliniko.",
    },
)
