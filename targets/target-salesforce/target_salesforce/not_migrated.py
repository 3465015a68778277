"""Cliniko features with no Salesforce counterpart the API can fill, and what to rebuild by hand.

Shown in the migration report (`crmsync report`); the CRM package owns the wording.
"""

from __future__ import annotations

NOT_MIGRATED: tuple[dict[str, str], ...] = (
    {
        "feature": "SMS and email appointment reminders and other templates",
        "rebuild": "Record-triggered or scheduled Flows on Appointment__c (Start__c) sending email "
        "alerts; SMS needs an AppExchange SMS app. Copy the wording from Cliniko's Settings > "
        "Communications.",
    },
    {
        "feature": "Online booking, availability and practitioner calendars",
        "rebuild": "Salesforce Scheduler or a booking tool; Appointment__c and Appointment_Type__c "
        "hold the history, not the availability rules.",
    },
    {
        "feature": "Invoice line items, payments, taxes and stock adjustments",
        "rebuild": "Invoice__c carries totals, status and a line-item summary; keep the ledger "
        "in the accounting system. Product prices need Price Books (PricebookEntry), not "
        "migrated.",
    },
    {
        "feature": "Treatment note templates and patient form templates",
        "rebuild": "Notes migrate as ContentNote text; rebuild templates as Quick Text or "
        "OmniStudio forms, or keep clinical forms in Cliniko.",
    },
    {
        "feature": "Account hierarchy (ParentId)",
        "rebuild": "Cliniko has no parent company: set Parent Account on the clinic Accounts by "
        "hand if the practice wants one.",
    },
)
