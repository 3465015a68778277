-- One row per third-party contact (doctor, payer, other).
-- Ids renamed and types cast; cliniko_source() keeps only the latest version of each record.
with source as (
    select * from {{ cliniko_source('contacts') }}
),

renamed as (
    select
        cast(id as varchar) as contact_id,
        {{ address_columns(lines=3) }}
        try_cast(archived_at as timestamp with time zone) as archived_at,
        nullif(company_name, '') as company_name,
        try_cast(deleted_at as timestamp with time zone) as deleted_at,
        nullif(doctor_type, '') as doctor_type,
        nullif(email, '') as email,
        nullif(first_name, '') as first_name,
        nullif(last_name, '') as last_name,
        nullif(notes, '') as notes,
        nullif(occupation, '') as occupation,
        try_cast(phone_numbers as json) as phone_numbers,
        nullif(preferred_name, '') as preferred_name,
        nullif(provider_number, '') as provider_number,
        nullif(title, '') as title,
        nullif(type, '') as type,
        try_cast(type_code as bigint) as type_code,
        try_cast(created_at as timestamp with time zone) as created_at,
        try_cast(updated_at as timestamp with time zone) as updated_at,
        deleted_at is not null or _sdc_deleted_at is not null as is_deleted,
        archived_at is not null as is_archived,
        _sdc_extracted_at,
        _sdc_received_at
    from source
)

select * from renamed
