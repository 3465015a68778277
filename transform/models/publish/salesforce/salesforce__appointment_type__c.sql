-- One row per Cliniko appointment type as an Appointment_Type__c record (re-used by appointments).
select
    item_key as _source_id,
    item_key as "Cliniko_Id__c",
    left(coalesce(nullif(trim(name), ''), 'Appointment type ' || source_record_id), 80) as "Name",
    cast(duration_minutes as double) as "Duration_In_Minutes__c",
    left(color, 20) as "Colour__c",
    left(description, 32768) as "Description__c",
    left(category, 80) as "Category__c",
    item_key in (select source_id from {{ ref('int_sample__members') }}) as _in_sample
from {{ ref('int_products__unified') }}
where source_entity = 'appointment_type'
