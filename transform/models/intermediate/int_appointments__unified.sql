-- One row per patient booking: every individual appointment and every attendee of a group appointment.
-- Deleted and archived bookings are left out (Cliniko archives an appointment to delete it).
with individual as (
    select
        'individual_appointment' as source_entity,
        individual_appointment_id as source_record_id,
        individual_appointment_id as booking_id,
        'individual' as appointment_kind,
        patient_id,
        practitioner_id,
        business_id,
        appointment_type_id,
        patient_case_id,
        starts_at,
        ends_at,
        cancelled_at,
        cancellation_reason as cancellation_reason_code,
        cancellation_reason_description,
        cancellation_note,
        did_not_arrive,
        patient_arrived as arrived,
        notes,
        telehealth_url,
        invoice_status,
        treatment_note_status,
        created_at,
        updated_at
    from {{ ref('stg_cliniko__individual_appointments') }}
    where not is_deleted and not is_archived
),

group_attendees as (
    select
        'attendee' as source_entity,
        attendees.attendee_id as source_record_id,
        groups.group_appointment_id as booking_id,
        'group' as appointment_kind,
        attendees.patient_id,
        groups.practitioner_id,
        groups.business_id,
        groups.appointment_type_id,
        attendees.patient_case_id,
        groups.starts_at,
        groups.ends_at,
        attendees.cancelled_at,
        attendees.cancellation_reason,
        attendees.cancellation_reason_description,
        attendees.cancellation_note,
        -- Attendees have no did-not-arrive flag in the API, only `arrived`, which stays null or
        -- false until someone marks it, so a missing arrival is not treated as a no-show.
        cast(null as boolean) as did_not_arrive,
        attendees.arrived,
        coalesce(attendees.notes, groups.notes) as notes,
        coalesce(attendees.telehealth_url, groups.telehealth_url) as telehealth_url,
        attendees.invoice_status,
        attendees.treatment_note_status,
        attendees.created_at,
        greatest(attendees.updated_at, groups.updated_at) as updated_at
    from {{ ref('stg_cliniko__attendees') }} as attendees
    inner join {{ ref('stg_cliniko__group_appointments') }} as groups
        on attendees.booking_id = groups.group_appointment_id
    where not attendees.is_deleted and not attendees.is_archived
        and not groups.is_deleted and not groups.is_archived
),

unioned as (
    select * from individual
    union all
    select * from group_attendees
)

select
    unioned.source_entity || ':' || unioned.source_record_id as appointment_key,
    unioned.*,
    -- A cancellation wins, then a did-not-arrive mark; otherwise a booking that has ended by as_of
    -- is completed and one that has not (upcoming or under way) is future.
    case
        when unioned.cancelled_at is not null then 'cancelled'
        when coalesce(unioned.did_not_arrive, false) then 'did_not_arrive'
        when unioned.ends_at <= {{ as_of() }} then 'completed'
        else 'future'
    end as appointment_status,
    case
        when unioned.cancelled_at is not null
            then coalesce(reasons.cancellation_reason, unioned.cancellation_reason_description)
    end as cancellation_reason,
    datediff('minute', unioned.starts_at, unioned.ends_at) as duration_minutes,
    appointment_types.name as appointment_type_name,
    appointment_types.category as appointment_type_category,
    businesses.business_name
from unioned
left join {{ ref('cliniko_cancellation_reasons') }} as reasons
    on unioned.cancellation_reason_code = reasons.cancellation_reason_code
left join {{ ref('stg_cliniko__appointment_types') }} as appointment_types
    on unioned.appointment_type_id = appointment_types.appointment_type_id
left join {{ ref('int_businesses__ranked') }} as businesses
    on unioned.business_id = businesses.business_id
