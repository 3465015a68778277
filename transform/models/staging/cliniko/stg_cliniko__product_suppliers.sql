-- One row per product supplier.
-- Ids renamed and types cast; cliniko_source() keeps only the latest version of each record.
with source as (
    select * from {{ cliniko_source('product_suppliers') }}
),

renamed as (
    select
        cast(id as varchar) as product_supplier_id,
        nullif(name, '') as name,
        try_cast(created_at as timestamp with time zone) as created_at,
        try_cast(updated_at as timestamp with time zone) as updated_at,
        _sdc_extracted_at,
        _sdc_received_at
    from source
)

select * from renamed
