-- One row per concession type.
-- Ids renamed and types cast; cliniko_source() keeps only the latest version of each record.
with source as (
    select * from {{ cliniko_source('concession_types') }}
),

renamed as (
    select
        cast(id as varchar) as concession_type_id,
        try_cast(archived_at as timestamp with time zone) as archived_at,
        nullif(name, '') as name,
        try_cast(created_at as timestamp with time zone) as created_at,
        try_cast(updated_at as timestamp with time zone) as updated_at,
        archived_at is not null as is_archived,
        _sdc_extracted_at,
        _sdc_received_at
    from source
)

select * from renamed
