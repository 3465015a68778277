-- One row per practitioner: their user's email and role, their main business (where most of their
-- bookings are, else where they hold a reference number, else where they offer a service) and their
-- reference numbers.
with practitioners as (
    select * from {{ ref('stg_cliniko__practitioners') }}
),

reference_numbers as (
    select
        numbers.practitioner_id,
        string_agg(
            concat_ws(' ', coalesce(numbers.name, 'Reference'), numbers.reference_number)
            || coalesce(' (' || businesses.business_name || ')', ''),
            '; ' order by numbers.created_at, numbers.practitioner_reference_number_id
        ) as reference_numbers,
        min_by(businesses.business_id, numbers.created_at)
            filter (where businesses.business_id is not null) as first_reference_business_id
    from {{ ref('stg_cliniko__practitioner_reference_numbers') }} as numbers
    left join {{ ref('int_businesses__ranked') }} as businesses
        on numbers.business_id = businesses.business_id
    where numbers.reference_number is not null
    group by numbers.practitioner_id
),

bookings as (
    select
        practitioner_id,
        count(*) as appointment_count,
        count(*) filter (where appointment_status = 'future') as future_appointment_count
    from {{ ref('int_appointments__unified') }}
    where practitioner_id is not null
    group by practitioner_id
),

service_business as (
    -- Businesses list the practitioners who offer each appointment type there (services).
    select
        listed.practitioner_id,
        min(services.business_id) as business_id
    from {{ ref('stg_cliniko__services') }} as services,
        unnest(from_json(services.practitioner_ids, '["varchar"]')) as listed (practitioner_id)
    where services.business_id in (select business_id from {{ ref('int_businesses__ranked') }})
    group by 1
),

most_booked_business as (
    select practitioner_id, business_id
    from {{ ref('int_appointments__unified') }}
    -- Only businesses that are migrated: a deleted business cannot be anyone's location.
    where practitioner_id is not null
        and business_id in (select business_id from {{ ref('int_businesses__ranked') }})
    group by practitioner_id, business_id
    qualify row_number() over (partition by practitioner_id order by count(*) desc, business_id) = 1
)

select
    practitioners.practitioner_id,
    practitioners.user_id,
    practitioners.title,
    coalesce(practitioners.first_name, users.first_name) as first_name,
    coalesce(practitioners.last_name, users.last_name) as last_name,
    coalesce(
        practitioners.display_name,
        practitioners.label,
        concat_ws(' ', practitioners.first_name, practitioners.last_name)
    ) as display_name,
    practitioners.designation,
    practitioners.description,
    nullif(lower(trim(users.email)), '') as email,
    users.role as user_role,
    coalesce(practitioners.active, users.active, true) as is_active,
    coalesce(
        most_booked_business.business_id,
        reference_numbers.first_reference_business_id,
        service_business.business_id
    ) as primary_business_id,
    reference_numbers.reference_numbers,
    coalesce(bookings.appointment_count, 0) as appointment_count,
    coalesce(bookings.future_appointment_count, 0) as future_appointment_count,
    practitioners.created_at,
    practitioners.updated_at
from practitioners
left join {{ ref('stg_cliniko__users') }} as users on practitioners.user_id = users.user_id
left join reference_numbers on practitioners.practitioner_id = reference_numbers.practitioner_id
left join bookings on practitioners.practitioner_id = bookings.practitioner_id
left join most_booked_business
    on practitioners.practitioner_id = most_booked_business.practitioner_id
left join service_business on practitioners.practitioner_id = service_business.practitioner_id
