"""The stated rates of real-world mess and the per-patient ratios (docs/sandbox.md lists them)."""

# Per patient (averages over all patients, including those without appointments).
NO_APPOINTMENTS = 0.15  # patients who never booked
MAX_APPOINTMENTS = 22  # a booking patient has 1..MAX individual appointments (mean ~11.5)
GROUP_APPOINTMENTS_PER_PATIENT = 0.05  # group classes, 2-6 attendees each
NOTE_PER_ATTENDED = 0.72  # treatment note written for an attended appointment -> ~5 per patient
INVOICE_PER_ATTENDED = 0.88  # invoice raised for an attended appointment -> ~6 per patient
REPEATING_SERIES = 0.02  # of appointments: the first of a weekly series of four
CREDIT_INVOICE = 0.02  # of invoices: an "Open credit" invoice reversing another
ATTACHMENTS_PER_PATIENT = 0.3
LARGE_ATTACHMENTS_PER_1000 = 2  # declared > 25 MB; at least one per clinic
MEDICAL_ALERTS_PER_PATIENT = 0.3
CASES_PER_PATIENT = 0.15
RELATIONSHIPS_PER_PATIENT = 0.05
REFERRAL_SOURCE = 0.4
FORMS_PER_PATIENT = 0.3

# Appointment outcomes (individual appointments).
FUTURE = 0.13
CANCELLED = 0.10
DID_NOT_ARRIVE = 0.04
ARCHIVED_APPOINTMENT = 0.005
DELETED_APPOINTMENT = 0.005

# Mess in patient records.
MISSING_EMAIL = 0.12
DUPLICATE_PATIENT = 0.02  # same first name, last name and birth date as an earlier patient
MERGED_DUPLICATE = 0.5  # of duplicates: merged into the original (archived + merged_at)
ARCHIVED_PATIENT = 0.03
UNICODE_NAME = 0.08  # accented, Greek, Cyrillic, CJK ...
RTL_NAME = 0.03  # Arabic, Hebrew, Persian
EMOJI = 0.02  # emoji in a preferred name or a note
HTML_IN_NOTES = 0.05  # HTML markup in the patient's free-text notes
INVALID_PHONE = 0.04
MISSING_DATE_OF_BIRTH = 0.03
LONG_TREATMENT_NOTE = 0.005  # content longer than 32,768 characters
DRAFT_NOTE = 0.05
ARCHIVED_NOTE = 0.005
DELETED_NOTE = 0.003

# Practitioners whose user email is not a CRM user (every 4th practitioner).
CRM_UNMATCHED_EVERY = 4
