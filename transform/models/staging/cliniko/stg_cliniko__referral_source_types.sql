-- One row per referral source type.
-- Ids renamed and types cast; cliniko_source() keeps only the latest version of each record.
with source as (
    select * from {{ cliniko_source('referral_source_types') }}
),

renamed as (
    select
        cast(id as varchar) as referral_source_type_id,
        try_cast(archived_at as timestamp with time zone) as archived_at,
        nullif(name, '') as name,
        nullif(referrer_type, '') as referrer_type,
        try_cast(subcategories as json) as subcategories,
        try_cast(created_at as timestamp with time zone) as created_at,
        try_cast(updated_at as timestamp with time zone) as updated_at,
        archived_at is not null as is_archived,
        _sdc_extracted_at,
        _sdc_received_at
    from source
)

select * from renamed
