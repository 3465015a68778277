-- One row per product stock adjustment.
-- Ids renamed and types cast; cliniko_source() keeps only the latest version of each record.
with source as (
    select * from {{ cliniko_source('stock_adjustments') }}
),

renamed as (
    select
        cast(id as varchar) as stock_adjustment_id,
        cast(product_id as varchar) as product_id,
        cast(user_id as varchar) as user_id,
        nullif(adjustment_type, '') as adjustment_type,
        try_cast(archived_at as timestamp with time zone) as archived_at,
        nullif(comment, '') as comment,
        nullif(notes, '') as notes,
        try_cast(quantity as decimal(18, 4)) as quantity,
        try_cast(created_at as timestamp with time zone) as created_at,
        try_cast(updated_at as timestamp with time zone) as updated_at,
        archived_at is not null as is_archived,
        _sdc_extracted_at,
        _sdc_received_at
    from source
)

select * from renamed
