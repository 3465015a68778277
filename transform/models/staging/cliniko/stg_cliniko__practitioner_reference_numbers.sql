-- One row per practitioner reference (provider) number at a business.
-- Ids renamed and types cast; cliniko_source() keeps only the latest version of each record.
with source as (
    select * from {{ cliniko_source('practitioner_reference_numbers') }}
),

renamed as (
    select
        cast(id as varchar) as practitioner_reference_number_id,
        cast(business_id as varchar) as business_id,
        cast(practitioner_id as varchar) as practitioner_id,
        nullif(name, '') as name,
        nullif(reference_number, '') as reference_number,
        try_cast(created_at as timestamp with time zone) as created_at,
        try_cast(updated_at as timestamp with time zone) as updated_at,
        _sdc_extracted_at,
        _sdc_received_at
    from source
)

select * from renamed
