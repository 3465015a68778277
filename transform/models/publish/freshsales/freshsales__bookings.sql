-- One row per booking of a migrated patient with what both Freshsales tasks and appointments carry:
-- the patient reference, the practitioner (owner), the location and the sample flag.
{{ config(schema='intermediate') }}
select
    bookings.appointment_key,
    bookings.appointment_status,
    coalesce(bookings.appointment_type_name, 'Appointment') as appointment_type_name,
    bookings.starts_at,
    bookings.ends_at,
    bookings.duration_minutes,
    bookings.cancellation_reason,
    bookings.cancellation_note,
    bookings.notes,
    bookings.telehealth_url,
    practitioners.display_name as practitioner_name,
    left(nullif(concat_ws(', ', businesses.business_name, businesses.address_1, businesses.city), ''), 255)
        as location,
    'patient:' || bookings.patient_id as _ref__targetable_id,
    practitioners.email as _owner_email,
    bookings.appointment_key in (select source_id from {{ ref('int_sample__members') }})
        as _in_sample
from {{ ref('int_appointments__unified') }} as bookings
inner join {{ ref('freshsales__patients_routed') }} as patients
    on bookings.patient_id = patients.patient_id
left join {{ ref('int_practitioners__joined') }} as practitioners
    on bookings.practitioner_id = practitioners.practitioner_id
left join {{ ref('int_businesses__ranked') }} as businesses
    on bookings.business_id = businesses.business_id
