-- One row per business (clinic location) that is not deleted, in the order the account created them.
-- The first one is the account's default location, the fallback for patients with no appointment.
with businesses as (
    select * from {{ ref('stg_cliniko__businesses') }}
    where not is_deleted
),

ranked as (
    select
        business_id,
        coalesce(business_name, display_name, label) as business_name,
        display_name,
        address_1,
        address_2,
        city,
        state,
        post_code,
        country_code,
        country,
        contact_information,
        email_reply_to,
        website_address,
        business_registration_name,
        business_registration_value,
        time_zone_identifier,
        is_archived,
        created_at,
        updated_at,
        row_number() over (order by is_archived, created_at, business_id) as business_rank
    from businesses
)

select
    *,
    business_rank = 1 as is_account_default
from ranked
