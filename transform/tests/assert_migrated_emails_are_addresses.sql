-- Every email a CRM receives is a well-formed address: a malformed one would make Salesforce
-- refuse the whole record and Freshsales store an address nobody can write to. Fails with the
-- publish rows (ids only) that break it.
select 'freshsales' as crm, _source_id from {{ ref('freshsales__persons') }}
where email is not null
    and not regexp_matches(email, '^[^@\s]+@[^@\s.]+(\.[^@\s.]+)+$')
union all
select 'salesforce', _source_id from {{ ref('salesforce__contact') }}
where "Email" is not null
    and not regexp_matches("Email", '^[^@\s]+@[^@\s.]+(\.[^@\s.]+)+$')
