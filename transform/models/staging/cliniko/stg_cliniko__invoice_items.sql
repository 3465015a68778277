-- One row per invoice line item.
-- Ids renamed and types cast; cliniko_source() keeps only the latest version of each record.
with source as (
    select * from {{ cliniko_source('invoice_items') }}
),

renamed as (
    select
        cast(id as varchar) as invoice_item_id,
        cast(billable_item_id as varchar) as billable_item_id,
        cast(invoice_id as varchar) as invoice_id,
        cast(product_id as varchar) as product_id,
        try_cast(archived_at as timestamp with time zone) as archived_at,
        nullif(code, '') as code,
        nullif(concession_type_name, '') as concession_type_name,
        try_cast(deleted_at as timestamp with time zone) as deleted_at,
        try_cast(discount_percentage as decimal(18, 4)) as discount_percentage,
        try_cast(discounted_amount as decimal(18, 4)) as discounted_amount,
        try_cast(is_monetary_discount as boolean) as is_monetary_discount,
        nullif(name, '') as name,
        try_cast(net_price as decimal(18, 4)) as net_price,
        try_cast(quantity as decimal(18, 4)) as quantity,
        try_cast(tax_amount as decimal(18, 4)) as tax_amount,
        nullif(tax_name, '') as tax_name,
        try_cast(tax_rate as decimal(18, 4)) as tax_rate,
        try_cast(total_including_tax as decimal(18, 4)) as total_including_tax,
        try_cast(unit_price as decimal(18, 4)) as unit_price,
        try_cast(created_at as timestamp with time zone) as created_at,
        try_cast(updated_at as timestamp with time zone) as updated_at,
        deleted_at is not null or _sdc_deleted_at is not null as is_deleted,
        archived_at is not null as is_archived,
        _sdc_extracted_at,
        _sdc_received_at
    from source
)

select * from renamed
