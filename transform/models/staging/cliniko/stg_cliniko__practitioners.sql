-- One row per practitioner (active and inactive).
-- Ids renamed and types cast; cliniko_source() keeps only the latest version of each record.
with source as (
    select * from {{ cliniko_source('practitioners') }}
),

renamed as (
    select
        cast(id as varchar) as practitioner_id,
        cast(default_appointment_type_id as varchar) as default_appointment_type_id,
        cast(user_id as varchar) as user_id,
        try_cast(active as boolean) as active,
        nullif(description, '') as description,
        nullif(designation, '') as designation,
        nullif(display_name, '') as display_name,
        nullif(first_name, '') as first_name,
        nullif(label, '') as label,
        nullif(last_name, '') as last_name,
        try_cast(show_in_online_bookings as boolean) as show_in_online_bookings,
        nullif(title, '') as title,
        try_cast(created_at as timestamp with time zone) as created_at,
        try_cast(updated_at as timestamp with time zone) as updated_at,
        _sdc_extracted_at,
        _sdc_received_at
    from source
)

select * from renamed
