-- One row per treatment note.
-- Ids renamed and types cast; cliniko_source() keeps only the latest version of each record.
with source as (
    select * from {{ cliniko_source('treatment_notes') }}
),

renamed as (
    select
        cast(id as varchar) as treatment_note_id,
        cast(attendee_id as varchar) as attendee_id,
        cast(booking_id as varchar) as booking_id,
        cast(patient_id as varchar) as patient_id,
        cast(practitioner_id as varchar) as practitioner_id,
        cast(treatment_note_template_id as varchar) as treatment_note_template_id,
        try_cast(archived_at as timestamp with time zone) as archived_at,
        nullif(author_name, '') as author_name,
        try_cast(content as json) as content,
        try_cast(deleted_at as timestamp with time zone) as deleted_at,
        try_cast(draft as boolean) as draft,
        try_cast(finalized_at as timestamp with time zone) as finalized_at,
        try_cast(pinned_at as timestamp with time zone) as pinned_at,
        nullif(title, '') as title,
        try_cast(created_at as timestamp with time zone) as created_at,
        try_cast(updated_at as timestamp with time zone) as updated_at,
        deleted_at is not null or _sdc_deleted_at is not null as is_deleted,
        archived_at is not null as is_archived,
        _sdc_extracted_at,
        _sdc_received_at
    from source
)

select * from renamed
