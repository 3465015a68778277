-- One row per appointment (individual, group attendance) as an Appointment__c record: status mapped
-- value by value (seed salesforce_appointment_statuses), start and end, notes, the original
-- create date, and lookups to the patient's Contact, the type and the practitioner.
select
    appointments.appointment_key as _source_id,
    appointments.appointment_key as "Cliniko_Id__c",
    left(concat_ws(' ', coalesce(appointments.appointment_type_name, 'Appointment'),
        strftime(appointments.starts_at, '%Y-%m-%d %H:%M')), 80) as "Name",
    appointments.starts_at as "Start__c",
    appointments.ends_at as "End__c",
    statuses.salesforce_appointment_status as "Status__c",
    left(appointments.cancellation_reason, 255) as "Cancellation_Reason__c",
    left(nullif(concat_ws(chr(10), appointments.notes,
        'Cancellation note: ' || appointments.cancellation_note), ''), 32768) as "Notes__c",
    appointments.created_at as "Cliniko_Created_At__c",
    contacts._source_id as "_ref__Contact__c",
    types._source_id as "_ref__Appointment_Type__c",
    practitioners._source_id as "_ref__Practitioner__c",
    appointments.appointment_key in (select source_id from {{ ref('int_sample__members') }})
        as _in_sample
from {{ ref('int_appointments__unified') }} as appointments
inner join {{ ref('salesforce_appointment_statuses') }} as statuses
    on appointments.appointment_status = statuses.appointment_status
left join {{ ref('salesforce__contact') }} as contacts
    on contacts._source_id = 'patient:' || appointments.patient_id
left join {{ ref('salesforce__appointment_type__c') }} as types
    on types._source_id = 'appointment_type:' || appointments.appointment_type_id
left join {{ ref('salesforce__practitioner__c') }} as practitioners
    on practitioners._source_id = 'practitioner:' || appointments.practitioner_id
