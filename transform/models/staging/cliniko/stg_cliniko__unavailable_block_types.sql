-- One row per unavailable block type.
-- Ids renamed and types cast; cliniko_source() keeps only the latest version of each record.
with source as (
    select * from {{ cliniko_source('unavailable_block_types') }}
),

renamed as (
    select
        cast(id as varchar) as unavailable_block_type_id,
        try_cast(archived_at as timestamp with time zone) as archived_at,
        nullif(color, '') as color,
        try_cast(duration_in_minutes as bigint) as duration_in_minutes,
        nullif(name, '') as name,
        try_cast(system_controlled as boolean) as system_controlled,
        try_cast(created_at as timestamp with time zone) as created_at,
        try_cast(updated_at as timestamp with time zone) as updated_at,
        archived_at is not null as is_archived,
        _sdc_extracted_at,
        _sdc_received_at
    from source
)

select * from renamed
