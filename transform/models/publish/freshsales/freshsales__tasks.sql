-- One row per past booking of a migrated patient (completed, cancelled or did not arrive) as a
-- Freshsales task on the contact or lead, with its outcome, original start, end and duration.
with bookings as (
    select bookings.*
    from {{ ref('int_appointments__unified') }} as bookings
    inner join {{ ref('freshsales__patients_routed') }} as patients
        on bookings.patient_id = patients.patient_id
    where bookings.appointment_status in ('completed', 'cancelled', 'did_not_arrive')
)

select
    bookings.appointment_key as _source_id,
    bookings.appointment_key as cf_cliniko_id,
    left('Appointment: ' || coalesce(bookings.appointment_type_name, 'Appointment'), 255) as title,
    left(nullif(concat_ws(chr(10),
        'Location: ' || bookings.business_name,
        'Practitioner: ' || practitioners.display_name,
        'Notes: ' || bookings.notes,
        'Cancellation note: ' || bookings.cancellation_note
    ), ''), 32768) as description,
    bookings.starts_at as due_date,
    -- Freshsales task status: 1 completed, 0 open ("Not Completed" for cancellations and no-shows).
    case when bookings.appointment_status = 'completed' then 1 else 0 end as status,
    case bookings.appointment_status
        when 'completed' then 'Completed'
        when 'cancelled' then 'Cancelled'
        when 'did_not_arrive' then 'Did not arrive'
    end as cf_outcome,
    left(bookings.cancellation_reason, 255) as cf_cancellation_reason,
    bookings.ends_at as cf_ends_at,
    bookings.duration_minutes as cf_duration_minutes,
    'patient:' || bookings.patient_id as _ref__targetable_id,
    practitioners.email as _owner_email,
    bookings.appointment_key in (select source_id from {{ ref('int_sample__members') }})
        as _in_sample
from bookings
left join {{ ref('int_practitioners__joined') }} as practitioners
    on bookings.practitioner_id = practitioners.practitioner_id
