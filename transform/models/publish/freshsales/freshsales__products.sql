-- One row per Cliniko product and billable item as a Freshsales (CPQ) product: name, code, price,
-- stock, and where in Cliniko it came from and how often it was invoiced.
with items as (
    select * from {{ ref('int_products__unified') }}
    -- Appointment types are priced from their billable items, which migrate themselves.
    where source_entity in ('product', 'billable_item')
)

select
    item_key as _source_id,
    item_key as cf_cliniko_id,
    left(name, 255) as name,
    left(item_code, 255) as product_code,
    left(description, 32768) as description,
    not is_archived as is_active,
    case when unit_price is not null then to_json([{
        'currency_code': '{{ var("freshsales_currency_code", "AUD") }}',
        'unit_price': cast(unit_price as decimal(18, 2))
    }]) end as product_pricings_attributes,
    stock_level as cf_stock_quantity,
    left(concat_ws(' ',
        'Cliniko ' || replace(source_entity, '_', ' '),
        '(' || item_type || ')',
        case when times_invoiced > 0 then
            '— on ' || times_invoiced || ' invoice(s), last ' || strftime(last_invoiced_on, '%Y-%m-%d')
        end
    ), 255) as cf_product_source,
    left(item_type, 255) as cf_item_type,
    item_key in (select source_id from {{ ref('int_sample__members') }}) as _in_sample
from items
