-- One row per patient with no email address (a CRM may reject or fail to deduplicate them).
select
    patient_id,
    is_archived,
    has_appointment
from {{ ref('int_patients__joined') }}
where email is null
