-- One row per sellable item: products, billable items (services and other fees) and appointment types
-- (priced from their billable items), with how often and when last each was invoiced.
with products as (
    select
        'product' as source_entity,
        products.product_id as source_record_id,
        products.name,
        products.item_code,
        'Product' as item_type,
        products.notes as description,
        products.price_ex_tax as unit_price,
        products.price_including_tax,
        products.cost_price,
        products.stock_level,
        products.tax_id,
        coalesce(suppliers.name, products.product_supplier_name) as supplier_name,
        cast(null as varchar) as category,
        products.is_archived,
        products.created_at,
        products.updated_at
    from {{ ref('stg_cliniko__products') }} as products
    left join {{ ref('stg_cliniko__product_suppliers') }} as suppliers
        on products.product_supplier_id = suppliers.product_supplier_id
),

billable_items as (
    select
        'billable_item' as source_entity,
        billable_item_id as source_record_id,
        name,
        item_code,
        item_type,
        price as unit_price,
        tax_id,
        is_archived,
        created_at,
        updated_at
    from {{ ref('stg_cliniko__billable_items') }}
),

appointment_type_prices as (
    select
        links.appointment_type_id,
        sum(coalesce(links.quantity, 1) * items.price) as price
    from {{ ref('stg_cliniko__appointment_type_billable_items') }} as links
    inner join {{ ref('stg_cliniko__billable_items') }} as items
        on links.billable_item_id = items.billable_item_id
    group by links.appointment_type_id
),

appointment_types as (
    select
        'appointment_type' as source_entity,
        types.appointment_type_id as source_record_id,
        types.name,
        'Appointment type' as item_type,
        types.description,
        prices.price as unit_price,
        types.category,
        types.duration_in_minutes as duration_minutes,
        types.color,
        types.max_attendees,
        types.is_archived,
        types.created_at,
        types.updated_at
    from {{ ref('stg_cliniko__appointment_types') }} as types
    left join appointment_type_prices as prices
        on types.appointment_type_id = prices.appointment_type_id
),

unioned as (
    select * from products
    union all by name
    select * from billable_items
    union all by name
    select * from appointment_types
),

invoiced as (
    select
        items.item_key,
        count(*) as times_invoiced,
        max(invoices.issue_date) as last_invoiced_on
    from {{ ref('int_invoice_items__described') }} as items
    inner join {{ ref('stg_cliniko__invoices') }} as invoices
        on items.invoice_id = invoices.invoice_id
    where items.item_key is not null and not invoices.is_deleted
    group by items.item_key
)

select
    unioned.source_entity || ':' || unioned.source_record_id as item_key,
    unioned.*,
    taxes.name as tax_name,
    taxes.rate as tax_rate,
    coalesce(invoiced.times_invoiced, 0) as times_invoiced,
    invoiced.last_invoiced_on
from unioned
left join {{ ref('stg_cliniko__taxes') }} as taxes on unioned.tax_id = taxes.tax_id
left join invoiced on unioned.source_entity || ':' || unioned.source_record_id = invoiced.item_key
