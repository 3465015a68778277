-- One row per unavailable block in a practitioner's diary.
-- Ids renamed and types cast; cliniko_source() keeps only the latest version of each record.
with source as (
    select * from {{ cliniko_source('unavailable_blocks') }}
),

renamed as (
    select
        cast(id as varchar) as unavailable_block_id,
        cast(business_id as varchar) as business_id,
        cast(practitioner_id as varchar) as practitioner_id,
        cast(repeated_from_id as varchar) as repeated_from_id,
        cast(unavailable_block_type_id as varchar) as unavailable_block_type_id,
        try_cast(archived_at as timestamp with time zone) as archived_at,
        try_cast(deleted_at as timestamp with time zone) as deleted_at,
        try_cast(ends_at as timestamp with time zone) as ends_at,
        nullif(notes, '') as notes,
        try_cast(repeat_rule as json) as repeat_rule,
        try_cast(starts_at as timestamp with time zone) as starts_at,
        try_cast(created_at as timestamp with time zone) as created_at,
        try_cast(updated_at as timestamp with time zone) as updated_at,
        deleted_at is not null or _sdc_deleted_at is not null as is_deleted,
        archived_at is not null as is_archived,
        _sdc_extracted_at,
        _sdc_received_at
    from source
)

select * from renamed
