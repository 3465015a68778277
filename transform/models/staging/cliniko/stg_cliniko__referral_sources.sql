-- One row per patient referral source.
-- Ids renamed and types cast; cliniko_source() keeps only the latest version of each record.
with source as (
    select * from {{ cliniko_source('referral_sources', key=['coalesce(id, patient_id)']) }}
),

renamed as (
    select
        cast(coalesce(id, patient_id) as varchar) as referral_source_id,
        cast(patient_id as varchar) as patient_id,
        cast(referral_source_type_id as varchar) as referral_source_type_id,
        cast(referrer_id as varchar) as referrer_id,
        try_cast(archived_at as timestamp with time zone) as archived_at,
        nullif(notes, '') as notes,
        nullif(referrer_type, '') as referrer_type,
        nullif(subcategory, '') as subcategory,
        try_cast(created_at as timestamp with time zone) as created_at,
        try_cast(updated_at as timestamp with time zone) as updated_at,
        archived_at is not null as is_archived,
        _sdc_extracted_at,
        _sdc_received_at
    from source
)

select * from renamed
