-- One row per product.
-- Ids renamed and types cast; cliniko_source() keeps only the latest version of each record.
with source as (
    select * from {{ cliniko_source('products') }}
),

renamed as (
    select
        cast(id as varchar) as product_id,
        cast(product_supplier_id as varchar) as product_supplier_id,
        cast(tax_id as varchar) as tax_id,
        try_cast(archived_at as timestamp with time zone) as archived_at,
        try_cast(cost_price as decimal(18, 4)) as cost_price,
        nullif(item_code, '') as item_code,
        nullif(name, '') as name,
        nullif(notes, '') as notes,
        try_cast(price_ex_tax as decimal(18, 4)) as price_ex_tax,
        try_cast(price_including_tax as decimal(18, 4)) as price_including_tax,
        nullif(product_supplier_name, '') as product_supplier_name,
        nullif(serial_number, '') as serial_number,
        try_cast(stock_level as decimal(18, 4)) as stock_level,
        try_cast(created_at as timestamp with time zone) as created_at,
        try_cast(updated_at as timestamp with time zone) as updated_at,
        archived_at is not null as is_archived,
        _sdc_extracted_at,
        _sdc_received_at
    from source
)

select * from renamed
