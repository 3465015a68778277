-- One row per migrated patient whose email is not an address a CRM accepts: the patient migrates
-- without it (int_patients__joined keeps valid addresses only). Ids only: the value is clinic data.
select
    patients.patient_id,
    staged.email like '%@%' as has_at_sign
from {{ ref('int_patients__joined') }} as patients
inner join {{ ref('stg_cliniko__patients') }} as staged
    on patients.patient_id = staged.patient_id
where patients.email is null
    and nullif(trim(staged.email), '') is not null
