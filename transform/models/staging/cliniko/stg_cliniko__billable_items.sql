-- One row per billable item (price list entry).
-- Ids renamed and types cast; cliniko_source() keeps only the latest version of each record.
with source as (
    select * from {{ cliniko_source('billable_items') }}
),

renamed as (
    select
        cast(id as varchar) as billable_item_id,
        cast(tax_id as varchar) as tax_id,
        try_cast(archived_at as timestamp with time zone) as archived_at,
        nullif(item_code, '') as item_code,
        nullif(item_type, '') as item_type,
        nullif(name, '') as name,
        try_cast(price as decimal(18, 4)) as price,
        try_cast(created_at as timestamp with time zone) as created_at,
        try_cast(updated_at as timestamp with time zone) as updated_at,
        archived_at is not null as is_archived,
        _sdc_extracted_at,
        _sdc_received_at
    from source
)

select * from renamed
