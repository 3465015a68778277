-- One row per tax rate.
-- Ids renamed and types cast; cliniko_source() keeps only the latest version of each record.
with source as (
    select * from {{ cliniko_source('taxes') }}
),

renamed as (
    select
        cast(id as varchar) as tax_id,
        try_cast(amount as decimal(18, 4)) as amount,
        nullif(name, '') as name,
        try_cast(rate as decimal(18, 4)) as rate,
        try_cast(created_at as timestamp with time zone) as created_at,
        try_cast(updated_at as timestamp with time zone) as updated_at,
        _sdc_extracted_at,
        _sdc_received_at
    from source
)

select * from renamed
