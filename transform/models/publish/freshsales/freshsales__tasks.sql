-- One row per past booking of a migrated patient (completed, cancelled or did not arrive) as a
-- Freshsales task on the contact or lead, with its outcome, original start, end and duration.
select
    appointment_key as _source_id,
    appointment_key as cf_cliniko_id,
    left('Appointment: ' || appointment_type_name, 255) as title,
    left(nullif(concat_ws(chr(10),
        'Location: ' || location,
        'Practitioner: ' || practitioner_name,
        'Notes: ' || notes,
        'Cancellation note: ' || cancellation_note
    ), ''), 32768) as description,
    starts_at as due_date,
    -- Freshsales task status: 1 completed, 0 open ("Not Completed" for cancellations and no-shows).
    case when appointment_status = 'completed' then 1 else 0 end as status,
    case appointment_status
        when 'completed' then 'Completed'
        when 'cancelled' then 'Cancelled'
        when 'did_not_arrive' then 'Did not arrive'
    end as cf_outcome,
    left(cancellation_reason, 255) as cf_cancellation_reason,
    ends_at as cf_ends_at,
    duration_minutes as cf_duration_minutes,
    _ref__targetable_id,
    _owner_email,
    _in_sample
from {{ ref('freshsales__bookings') }}
where appointment_status in ('completed', 'cancelled', 'did_not_arrive')
