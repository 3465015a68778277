-- One row per business and appointment type offered there.
-- Ids renamed and types cast; cliniko_source() keeps only the latest version of each record.
with source as (
    select * from {{ cliniko_source('services', key=['business_id', 'appointment_type_id']) }}
),

renamed as (
    select
        cast(business_id as varchar) || ':' || cast(appointment_type_id as varchar) as service_id,
        cast(appointment_type_id as varchar) as appointment_type_id,
        cast(business_id as varchar) as business_id,
        try_cast(practitioner_ids as json) as practitioner_ids,
        _sdc_extracted_at,
        _sdc_received_at
    from source
)

select * from renamed
