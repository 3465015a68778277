-- One row per weekday roster of a practitioner at a business.
-- Ids renamed and types cast; cliniko_source() keeps only the latest version of each record.
with source as (
    select * from {{ cliniko_source('daily_availabilities') }}
),

renamed as (
    select
        cast(id as varchar) as daily_availability_id,
        cast(business_id as varchar) as business_id,
        cast(practitioner_id as varchar) as practitioner_id,
        try_cast(availabilities as json) as availabilities,
        try_cast(day_of_week as bigint) as day_of_week,
        nullif(time_zone, '') as time_zone,
        nullif(time_zone_identifier, '') as time_zone_identifier,
        try_cast(created_at as timestamp with time zone) as created_at,
        try_cast(updated_at as timestamp with time zone) as updated_at,
        _sdc_extracted_at,
        _sdc_received_at
    from source
)

select * from renamed
