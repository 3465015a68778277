-- One row per patient that is not deleted: counts and dates of their bookings, invoices and forms,
-- and the practitioner they see most.
with bookings as (
    select
        patient_id,
        count(*) as appointment_count,
        count(*) filter (where appointment_status = 'completed') as completed_appointment_count,
        count(*) filter (where appointment_status = 'future') as future_appointment_count,
        count(*) filter (where appointment_status = 'cancelled') as cancelled_appointment_count,
        count(*) filter (where appointment_status = 'did_not_arrive') as did_not_arrive_count,
        min(starts_at) filter (where appointment_status <> 'cancelled') as first_appointment_at,
        max(starts_at) filter (where appointment_status = 'completed') as last_appointment_at,
        min(starts_at) filter (where appointment_status = 'future') as next_appointment_at
    from {{ ref('int_appointments__unified') }}
    where patient_id is not null
    group by patient_id
),

main_practitioner as (
    -- Who sees the patient most (bookings that were kept first, then the latest): the natural owner.
    select patient_id, practitioner_id
    from {{ ref('int_appointments__unified') }}
    where patient_id is not null and practitioner_id is not null
    group by patient_id, practitioner_id
    qualify row_number() over (
        partition by patient_id
        order by
            count(*) filter (where appointment_status <> 'cancelled') desc,
            max(starts_at) desc,
            practitioner_id
    ) = 1
),

invoices as (
    select
        patient_id,
        count(*) as invoice_count,
        sum(total_amount) as invoiced_total,
        sum(total_amount) filter (where payment_status in ('open', 'overdue')) as outstanding_total,
        max(issue_date) as last_invoice_date
    from {{ ref('int_invoices__classified') }}
    where patient_id is not null
    group by patient_id
),

forms as (
    select patient_id, max(completed_at) as last_form_completed_at
    from {{ ref('stg_cliniko__patient_forms') }}
    where patient_id is not null and completed_at is not null and not is_archived
    group by patient_id
),

patient_ids as (
    select patient_id from {{ ref('stg_cliniko__patients') }}
    where not is_deleted
)

select
    patient_ids.patient_id,
    coalesce(bookings.appointment_count, 0) as appointment_count,
    coalesce(bookings.completed_appointment_count, 0) as completed_appointment_count,
    coalesce(bookings.future_appointment_count, 0) as future_appointment_count,
    coalesce(bookings.cancelled_appointment_count, 0) as cancelled_appointment_count,
    coalesce(bookings.did_not_arrive_count, 0) as did_not_arrive_count,
    bookings.first_appointment_at,
    bookings.last_appointment_at,
    bookings.next_appointment_at,
    main_practitioner.practitioner_id as primary_practitioner_id,
    coalesce(invoices.invoice_count, 0) as invoice_count,
    coalesce(invoices.invoiced_total, 0) as invoiced_total,
    coalesce(invoices.outstanding_total, 0) as outstanding_total,
    invoices.last_invoice_date,
    forms.last_form_completed_at
from patient_ids
left join bookings on patient_ids.patient_id = bookings.patient_id
left join main_practitioner on patient_ids.patient_id = main_practitioner.patient_id
left join invoices on patient_ids.patient_id = invoices.patient_id
left join forms on patient_ids.patient_id = forms.patient_id
