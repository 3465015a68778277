-- Fails with one row per Cliniko entity whose destinations do not add up to its count in staging,
-- or that has records no publish model and no known exclusion explains.
{{ reconciliation_does_not_add_up(ref('audit__salesforce_reconciliation')) }}
