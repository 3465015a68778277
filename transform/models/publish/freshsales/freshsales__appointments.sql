-- One row per upcoming booking of a migrated patient as a Freshsales appointment (calendar event)
-- on the contact or lead: original start and end, location, practitioner as owner.
select
    appointment_key as _source_id,
    appointment_key as cf_cliniko_id,
    left(appointment_type_name, 255) as title,
    left(nullif(concat_ws(chr(10),
        'Practitioner: ' || practitioner_name,
        'Telehealth: ' || telehealth_url,
        'Notes: ' || notes
    ), ''), 32768) as description,
    starts_at as from_date,
    ends_at as end_date,
    location,
    duration_minutes as cf_duration_minutes,
    _ref__targetable_id,
    _owner_email,
    _in_sample
from {{ ref('freshsales__bookings') }}
where appointment_status = 'future'
