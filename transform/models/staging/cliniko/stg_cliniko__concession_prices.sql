-- One row per concession price of a billable item.
-- Ids renamed and types cast; cliniko_source() keeps only the latest version of each record.
with source as (
    select * from {{ cliniko_source('concession_prices') }}
),

renamed as (
    select
        cast(id as varchar) as concession_price_id,
        cast(billable_item_id as varchar) as billable_item_id,
        cast(concession_type_id as varchar) as concession_type_id,
        try_cast(price as decimal(18, 4)) as price,
        try_cast(created_at as timestamp with time zone) as created_at,
        try_cast(updated_at as timestamp with time zone) as updated_at,
        _sdc_extracted_at,
        _sdc_received_at
    from source
)

select * from renamed
