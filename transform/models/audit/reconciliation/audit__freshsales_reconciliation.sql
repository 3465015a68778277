-- One row per (Cliniko entity, where its records went in Freshsales): in a Freshsales stream, in a
-- contact's cf_treatment_notes field, or in a row that says why it is left out. The rows of an
-- entity add up to `cliniko_count` (tests/reconciliation/assert_freshsales_reconciliation_adds_up.sql
-- proves it); macros/cliniko_reconciliation.sql holds the rules every CRM shares.
{{ cliniko_reconciliation(
    crm='freshsales',
    streams=['contacts', 'leads', 'tasks', 'appointments', 'notes', 'deals', 'products',
        'sales_accounts'],
    file_stream='documents',
    too_large_reason="'larger than Freshsales accepts ("
        ~ var('attachment_size_limits_mb')['freshsales']
        ~ " MB): listed in audit.freshsales__attachments_too_large'",
    practitioner_reason="'written only when their email matches no Freshsales user'",
    placed_in_field={
        'model': 'freshsales__treatment_notes_placed',
        'destination': 'cf_treatment_notes',
        'reason': "long note, in the contact''s or lead''s cf_treatment_notes field",
    },
) }}
