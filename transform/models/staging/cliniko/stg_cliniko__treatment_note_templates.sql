-- One row per treatment note template.
-- Ids renamed and types cast; cliniko_source() keeps only the latest version of each record.
with source as (
    select * from {{ cliniko_source('treatment_note_templates') }}
),

renamed as (
    select
        cast(id as varchar) as treatment_note_template_id,
        try_cast(archived_at as timestamp with time zone) as archived_at,
        try_cast(content as json) as content,
        try_cast(deleted_at as timestamp with time zone) as deleted_at,
        nullif(name, '') as name,
        try_cast(print_settings as json) as print_settings,
        try_cast(created_at as timestamp with time zone) as created_at,
        try_cast(updated_at as timestamp with time zone) as updated_at,
        deleted_at is not null or _sdc_deleted_at is not null as is_deleted,
        archived_at is not null as is_archived,
        _sdc_extracted_at,
        _sdc_received_at
    from source
)

select * from renamed
