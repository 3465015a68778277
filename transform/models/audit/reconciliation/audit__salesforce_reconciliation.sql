-- One row per (Cliniko entity, where its records went in Salesforce): in a publish_salesforce
-- stream or in a row that says why it is left out. The rows of an entity add up to
-- `cliniko_count` (tests/reconciliation/assert_salesforce_reconciliation_adds_up.sql proves it);
-- macros/cliniko_reconciliation.sql holds the rules every CRM shares. Salesforce differs from
-- Freshsales in three ways: a practitioner who is a user is still written (User__c links them),
-- every treatment note is a ContentNote (no field placement), and appointment types migrate.
{{ cliniko_reconciliation(
    crm='salesforce',
    streams=['contact', 'practitioner__c', 'appointment__c', 'contentnote', 'invoice__c',
        'product2', 'account', 'appointment_type__c'],
    file_stream='contentversion',
    too_large_reason="'larger than Salesforce accepts ("
        ~ var('attachment_size_limits_mb')['salesforce']
        ~ " MB): upload it by hand'",
    appointment_types=true,
) }}
