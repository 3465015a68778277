-- One row per Freshsales account: each clinic location (business), then each company that referred
-- a migrated patient (a doctor's practice, a hospital).
with sample as (
    select source_id from {{ ref('int_sample__members') }}
),

sampled_links as (
    -- Accounts a sampled contact links to (a sampled referrer patient's clinic is not a sample
    -- member itself), and a sampled practitioner's main business.
    select 'business:' || persons.business_id as source_id
    from {{ ref('freshsales__persons') }} as persons
    inner join sample on persons._source_id = sample.source_id
    union all
    select persons.company_source_id
    from {{ ref('freshsales__persons') }} as persons
    inner join sample on persons._source_id = sample.source_id
    union all
    select 'business:' || practitioners.primary_business_id
    from {{ ref('int_practitioners__joined') }} as practitioners
    inner join sample on 'practitioner:' || practitioners.practitioner_id = sample.source_id
),

clinics as (
    select
        'business:' || business_id as _source_id,
        left(business_name, 255) as name,
        left(nullif(concat_ws(', ', address_1, address_2), ''), 255) as address,
        left(city, 255) as city,
        left(state, 255) as state,
        left(post_code, 255) as zipcode,
        left(coalesce(country, country_code), 255) as country,
        -- Cliniko keeps phone numbers in free-text contact information ("Phone: 9999 9999").
        left(nullif(trim(regexp_extract(contact_information, '\+?[0-9][0-9 ()-]{5,}[0-9]')), ''), 255)
            as phone,
        left(website_address, 255) as website,
        'Clinic' as cf_account_type,
        business_id as cf_location_id
    from {{ ref('int_businesses__ranked') }}
),

companies as (
    select
        companies.company_source_id as _source_id,
        left(min_by(companies.company_name, companies.contact_id), 255) as name,
        left(nullif(concat_ws(', ',
            min_by(contacts.address_1, companies.contact_id),
            min_by(contacts.address_2, companies.contact_id)
        ), ''), 255) as address,
        left(min_by(contacts.city, companies.contact_id), 255) as city,
        left(min_by(contacts.state, companies.contact_id), 255) as state,
        left(min_by(contacts.post_code, companies.contact_id), 255) as zipcode,
        left(min_by(coalesce(contacts.country, contacts.country_code), companies.contact_id), 255)
            as country,
        cast(null as varchar) as phone,
        cast(null as varchar) as website,
        'Referrer' as cf_account_type,
        cast(null as varchar) as cf_location_id
    from {{ ref('freshsales__referrer_companies') }} as companies
    inner join {{ ref('stg_cliniko__contacts') }} as contacts
        on companies.contact_id = contacts.contact_id
    group by companies.company_source_id
),

accounts as (
    select * from clinics
    union all by name
    select * from companies
)

select
    accounts._source_id,
    accounts._source_id as cf_cliniko_id,
    accounts.name,
    accounts.address,
    accounts.city,
    accounts.state,
    accounts.zipcode,
    accounts.country,
    accounts.phone,
    accounts.website,
    accounts.cf_account_type,
    accounts.cf_location_id,
    accounts._source_id in (select source_id from sample)
    or accounts._source_id in (select source_id from sampled_links where source_id is not null)
        as _in_sample
from accounts
