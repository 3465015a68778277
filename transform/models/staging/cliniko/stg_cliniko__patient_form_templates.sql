-- One row per patient form template.
-- Ids renamed and types cast; cliniko_source() keeps only the latest version of each record.
with source as (
    select * from {{ cliniko_source('patient_form_templates') }}
),

renamed as (
    select
        cast(id as varchar) as patient_form_template_id,
        try_cast(archived_at as timestamp with time zone) as archived_at,
        try_cast(content as json) as content,
        try_cast(email_to_patient_on_completion as boolean) as email_to_patient_on_completion,
        nullif(name, '') as name,
        try_cast(restricted_to_practitioner as boolean) as restricted_to_practitioner,
        try_cast(created_at as timestamp with time zone) as created_at,
        try_cast(updated_at as timestamp with time zone) as updated_at,
        archived_at is not null as is_archived,
        _sdc_extracted_at,
        _sdc_received_at
    from source
)

select * from renamed
