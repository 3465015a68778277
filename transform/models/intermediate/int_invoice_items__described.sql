-- One row per invoice line that is not deleted, with the item it sells and a readable line
-- ("2 x Initial consult @ 90.00").
with items as (
    select * from {{ ref('stg_cliniko__invoice_items') }}
    where not is_deleted
)

select
    invoice_item_id,
    invoice_id,
    case
        when product_id is not null then 'product:' || product_id
        when billable_item_id is not null then 'billable_item:' || billable_item_id
    end as item_key,
    product_id,
    billable_item_id,
    name,
    code,
    quantity,
    unit_price,
    discount_percentage,
    discounted_amount,
    is_monetary_discount,
    net_price,
    tax_name,
    tax_rate,
    total_including_tax,
    concession_type_name,
    -- Quantities are decimal(18, 4): "2.0000" reads "2" and "1.5000" reads "1.5".
    rtrim(rtrim(cast(coalesce(quantity, 0) as varchar), '0'), '.')
        || ' x ' || coalesce(name, code, 'Item')
        || ' @ ' || cast(cast(round(coalesce(unit_price, 0), 2) as decimal(18, 2)) as varchar)
        as line_description,
    created_at,
    updated_at
from items
