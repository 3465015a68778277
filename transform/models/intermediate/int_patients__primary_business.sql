-- One row per patient: the business (location) a patient belongs to. Cliniko links patients to no
-- business, so it is the business of most of their bookings that were not cancelled (then of most of
-- all their bookings, then of the latest), else the account's first business.
with patients as (
    select patient_id from {{ ref('stg_cliniko__patients') }}
    where not is_deleted
),

business_bookings as (
    select
        patient_id,
        business_id,
        count(*) filter (where appointment_status <> 'cancelled') as kept_bookings,
        count(*) as all_bookings,
        max(starts_at) as latest_starts_at
    from {{ ref('int_appointments__unified') }}
    -- Only businesses that are migrated: a deleted business cannot be anyone's location.
    where patient_id is not null
        and business_id in (select business_id from {{ ref('int_businesses__ranked') }})
    group by patient_id, business_id
),

most_booked as (
    select patient_id, business_id
    from business_bookings
    qualify row_number() over (
        partition by patient_id
        order by kept_bookings desc, all_bookings desc, latest_starts_at desc, business_id
    ) = 1
),

account_default as (
    select business_id from {{ ref('int_businesses__ranked') }}
    where is_account_default
)

select
    patients.patient_id,
    coalesce(most_booked.business_id, account_default.business_id) as business_id,
    case
        when most_booked.business_id is not null then 'appointments'
        when account_default.business_id is not null then 'account_default'
        else 'none'
    end as business_source
from patients
left join most_booked on patients.patient_id = most_booked.patient_id
left join account_default on true
