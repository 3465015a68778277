-- One row per patient-to-patient relationship.
-- Ids renamed and types cast; cliniko_source() keeps only the latest version of each record.
with source as (
    select * from {{ cliniko_source('relationships') }}
),

renamed as (
    select
        cast(id as varchar) as relationship_id,
        cast(patient_id as varchar) as patient_id,
        cast(related_patient_id as varchar) as related_patient_id,
        try_cast(archived_at as timestamp with time zone) as archived_at,
        try_cast(relation as bigint) as relation,
        nullif(relation_description, '') as relation_description,
        try_cast(created_at as timestamp with time zone) as created_at,
        try_cast(updated_at as timestamp with time zone) as updated_at,
        archived_at is not null as is_archived,
        _sdc_extracted_at,
        _sdc_received_at
    from source
)

select * from renamed
