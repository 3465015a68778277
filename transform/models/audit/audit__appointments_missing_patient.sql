-- One row per booking whose patient is absent from the migrated patients (no patient, or one that is
-- deleted, merged away or was not extracted).
select
    appointments.appointment_key,
    appointments.patient_id,
    appointments.appointment_status
from {{ ref('int_appointments__unified') }} as appointments
left join {{ ref('int_patients__joined') }} as patients
    on appointments.patient_id = patients.patient_id
where patients.patient_id is null
