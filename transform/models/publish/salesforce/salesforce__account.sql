-- One row per Salesforce Account: each clinic location (business), plus the default 'Unassigned'
-- account that a patient or invoice without a business links to (Contact.AccountId is never null).
-- A multi-location practice is a hierarchy: its Cliniko account (the practice, named in the
-- account settings) is a parent Account and each clinic's ParentId points at it. A single clinic
-- has no parent (docs/mapping-salesforce.md).
with sample as (
    select source_id from {{ ref('int_sample__members') }}
),

is_multi_location as (
    select count(*) > 1 as answer from {{ ref('int_businesses__ranked') }}
),

settings as (
    select account from {{ ref('stg_cliniko__settings') }}
    order by _sdc_extracted_at desc
    limit 1
),

practice as (
    select
        'account:practice' as _source_id,
        left(coalesce(nullif(trim(settings.account ->> 'name'), ''), 'Practice'), 255) as "Name",
        cast(null as varchar) as "BillingStreet",
        cast(null as varchar) as "BillingCity",
        cast(null as varchar) as "BillingState",
        cast(null as varchar) as "BillingPostalCode",
        left(settings.account ->> 'country', 80) as "BillingCountry",
        cast(null as varchar) as "Phone",
        cast(null as varchar) as "Website",
        'Practice' as "Location_Type__c",
        cast(null as varchar) as "_ref__ParentId"
    from is_multi_location
    left join settings on true
    where is_multi_location.answer
),

clinics as (
    select
        'business:' || business_id as _source_id,
        left(business_name, 255) as "Name",
        left(nullif(concat_ws(', ', address_1, address_2), ''), 255) as "BillingStreet",
        left(city, 40) as "BillingCity",
        left(state, 80) as "BillingState",
        left(post_code, 20) as "BillingPostalCode",
        left(coalesce(country, country_code), 80) as "BillingCountry",
        -- Cliniko keeps phone numbers in free-text contact information ("Phone: 9999 9999").
        left(nullif(trim(regexp_extract(contact_information, '\+?[0-9][0-9 ()-]{5,}[0-9]')), ''), 40)
            as "Phone",
        left(website_address, 255) as "Website",
        'Clinic' as "Location_Type__c",
        case when (select answer from is_multi_location) then 'account:practice' end
            as "_ref__ParentId"
    from {{ ref('int_businesses__ranked') }}
),

unassigned as (
    select
        'account:unassigned' as _source_id,
        'Unassigned' as "Name",
        cast(null as varchar) as "BillingStreet",
        cast(null as varchar) as "BillingCity",
        cast(null as varchar) as "BillingState",
        cast(null as varchar) as "BillingPostalCode",
        cast(null as varchar) as "BillingCountry",
        cast(null as varchar) as "Phone",
        cast(null as varchar) as "Website",
        'Unassigned' as "Location_Type__c",
        cast(null as varchar) as "_ref__ParentId"
)

select
    accounts._source_id,
    accounts._source_id as "Cliniko_Id__c",
    accounts."Name",
    accounts."BillingStreet",
    accounts."BillingCity",
    accounts."BillingState",
    accounts."BillingPostalCode",
    accounts."BillingCountry",
    accounts."Phone",
    accounts."Website",
    accounts."Location_Type__c",
    accounts."_ref__ParentId",
    -- Every sample keeps the default and the practice account: sampled clinics link to them.
    accounts._source_id in (select source_id from sample)
    or accounts._source_id in ('account:unassigned', 'account:practice') as _in_sample
from (
    select * from practice
    union all by name select * from clinics
    union all by name select * from unassigned
) as accounts
