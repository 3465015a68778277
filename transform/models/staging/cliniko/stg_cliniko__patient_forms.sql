-- One row per patient form.
-- Ids renamed and types cast; cliniko_source() keeps only the latest version of each record.
with source as (
    select * from {{ cliniko_source('patient_forms') }}
),

renamed as (
    select
        cast(id as varchar) as patient_form_id,
        cast(attendee_id as varchar) as attendee_id,
        cast(booking_id as varchar) as booking_id,
        cast(business_id as varchar) as business_id,
        cast(patient_id as varchar) as patient_id,
        cast(signatures_id as varchar) as signatures_id,
        try_cast(archived_at as timestamp with time zone) as archived_at,
        try_cast(completed_at as timestamp with time zone) as completed_at,
        try_cast(content as json) as content,
        try_cast(edited_at as timestamp with time zone) as edited_at,
        try_cast(email_to_patient_on_completion as boolean) as email_to_patient_on_completion,
        nullif(name, '') as name,
        try_cast(restricted_to_practitioner as boolean) as restricted_to_practitioner,
        try_cast(signature_ids as json) as signature_ids,
        nullif(url, '') as url,
        try_cast(created_at as timestamp with time zone) as created_at,
        try_cast(updated_at as timestamp with time zone) as updated_at,
        archived_at is not null as is_archived,
        _sdc_extracted_at,
        _sdc_received_at
    from source
)

select * from renamed
