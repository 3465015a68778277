-- One row per product attached to an appointment type.
-- Ids renamed and types cast; cliniko_source() keeps only the latest version of each record.
with source as (
    select * from {{ cliniko_source('appointment_type_products') }}
),

renamed as (
    select
        cast(id as varchar) as appointment_type_product_id,
        cast(appointment_type_id as varchar) as appointment_type_id,
        cast(product_id as varchar) as product_id,
        try_cast(discount_percentage as decimal(18, 4)) as discount_percentage,
        try_cast(discounted_amount as decimal(18, 4)) as discounted_amount,
        try_cast(is_monetary_discount as boolean) as is_monetary_discount,
        try_cast(quantity as decimal(18, 4)) as quantity,
        try_cast(created_at as timestamp with time zone) as created_at,
        try_cast(updated_at as timestamp with time zone) as updated_at,
        _sdc_extracted_at,
        _sdc_received_at
    from source
)

select * from renamed
