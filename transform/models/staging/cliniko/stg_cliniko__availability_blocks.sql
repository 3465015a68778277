-- One row per extra-availability block of a practitioner.
-- Ids renamed and types cast; cliniko_source() keeps only the latest version of each record.
with source as (
    select * from {{ cliniko_source('availability_blocks') }}
),

renamed as (
    select
        cast(id as varchar) as availability_block_id,
        cast(business_id as varchar) as business_id,
        cast(practitioner_id as varchar) as practitioner_id,
        try_cast(ends_at as timestamp with time zone) as ends_at,
        try_cast(repeat_rule as json) as repeat_rule,
        try_cast(starts_at as timestamp with time zone) as starts_at,
        try_cast(created_at as timestamp with time zone) as created_at,
        try_cast(updated_at as timestamp with time zone) as updated_at,
        _sdc_extracted_at,
        _sdc_received_at
    from source
)

select * from renamed
