-- No CRM receives a birth date after the clinic's "now" (a typing error in Cliniko): such dates
-- are left out in int_patients__joined and listed in audit__patients_unusable_birth_date.
select 'freshsales' as crm, _source_id from {{ ref('freshsales__persons') }}
where cf_date_of_birth > cast({{ as_of() }} as date)
union all
select 'salesforce', _source_id from {{ ref('salesforce__contact') }}
where "Birthdate" > cast({{ as_of() }} as date)
