-- One row per Cliniko product or billable item as a Product2: IsActive from archiving, ProductCode
-- from the item code, stock on hand as a custom field (Product2 keeps no inventory).
select
    item_key as _source_id,
    item_key as "Cliniko_Id__c",
    left(coalesce(nullif(trim(name), ''), item_key), 255) as "Name",
    left(item_code, 255) as "ProductCode",
    left(description, 4000) as "Description",
    not coalesce(is_archived, false) as "IsActive",
    cast(coalesce(cost_price, unit_price) as decimal(18, 2)) as "Unit_Cost__c",
    cast(stock_level as double) as "Stock_On_Hand__c",
    left(coalesce(item_type, source_entity), 40) as "Item_Type__c",
    item_key in (select source_id from {{ ref('int_sample__members') }}) as _in_sample
from {{ ref('int_products__unified') }}
where source_entity in ('product', 'billable_item')
