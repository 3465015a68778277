-- One row per migrated patient without a first or a last name. Salesforce needs a LastName (the
-- full name, else 'Unknown', takes its place); Freshsales takes the record as it is.
select
    patient_id,
    first_name is null as missing_first_name,
    last_name is null as missing_last_name
from {{ ref('int_patients__joined') }}
where first_name is null or trim(first_name) = '' or last_name is null or trim(last_name) = ''
