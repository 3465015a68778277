-- One row per Cliniko user.
-- Ids renamed and types cast; cliniko_source() keeps only the latest version of each record.
with source as (
    select * from {{ cliniko_source('users') }}
),

renamed as (
    select
        cast(id as varchar) as user_id,
        try_cast(active as boolean) as active,
        nullif(email, '') as email,
        nullif(first_name, '') as first_name,
        nullif(last_name, '') as last_name,
        try_cast(phone_numbers as json) as phone_numbers,
        nullif(role, '') as role,
        nullif(time_zone, '') as time_zone,
        nullif(time_zone_identifier, '') as time_zone_identifier,
        nullif(title, '') as title,
        try_cast(user_active as boolean) as user_active,
        try_cast(created_at as timestamp with time zone) as created_at,
        try_cast(updated_at as timestamp with time zone) as updated_at,
        _sdc_extracted_at,
        _sdc_received_at
    from source
)

select * from renamed
