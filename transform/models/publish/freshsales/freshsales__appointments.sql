-- One row per upcoming booking of a migrated patient as a Freshsales appointment (calendar event)
-- on the contact or lead: original start and end, location, practitioner as owner.
with bookings as (
    select bookings.*
    from {{ ref('int_appointments__unified') }} as bookings
    inner join {{ ref('freshsales__patients_routed') }} as patients
        on bookings.patient_id = patients.patient_id
    where bookings.appointment_status = 'future'
)

select
    bookings.appointment_key as _source_id,
    bookings.appointment_key as cf_cliniko_id,
    left(coalesce(bookings.appointment_type_name, 'Appointment'), 255) as title,
    left(nullif(concat_ws(chr(10),
        'Practitioner: ' || practitioners.display_name,
        'Telehealth: ' || bookings.telehealth_url,
        'Notes: ' || bookings.notes
    ), ''), 32768) as description,
    bookings.starts_at as from_date,
    bookings.ends_at as end_date,
    left(nullif(concat_ws(', ', businesses.business_name, businesses.address_1, businesses.city), ''), 255)
        as location,
    bookings.duration_minutes as cf_duration_minutes,
    'patient:' || bookings.patient_id as _ref__targetable_id,
    practitioners.email as _owner_email,
    bookings.appointment_key in (select source_id from {{ ref('int_sample__members') }})
        as _in_sample
from bookings
left join {{ ref('int_practitioners__joined') }} as practitioners
    on bookings.practitioner_id = practitioners.practitioner_id
left join {{ ref('int_businesses__ranked') }} as businesses
    on bookings.business_id = businesses.business_id
