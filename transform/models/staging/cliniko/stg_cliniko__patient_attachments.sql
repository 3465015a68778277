-- One row per patient attachment (file).
-- Ids renamed and types cast; cliniko_source() keeps only the latest version of each record.
with source as (
    select * from {{ cliniko_source('patient_attachments') }}
),

renamed as (
    select
        cast(id as varchar) as patient_attachment_id,
        cast(patient_id as varchar) as patient_id,
        cast(user_id as varchar) as user_id,
        try_cast(archived_at as timestamp with time zone) as archived_at,
        nullif(content_path, '') as content_path,
        nullif(content_sha256, '') as content_sha256,
        try_cast(content_size as bigint) as content_size,
        nullif(content_type, '') as content_type,
        nullif(description, '') as description,
        nullif(filename, '') as filename,
        try_cast(pinned_at as timestamp with time zone) as pinned_at,
        try_cast(processed_at as timestamp with time zone) as processed_at,
        try_cast(processing_completed as boolean) as processing_completed,
        try_cast(size as bigint) as size,
        try_cast(created_at as timestamp with time zone) as created_at,
        try_cast(updated_at as timestamp with time zone) as updated_at,
        archived_at is not null as is_archived,
        _sdc_extracted_at,
        _sdc_received_at
    from source
)

select * from renamed
