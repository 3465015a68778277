-- One row per patient referred by a company (the referrer contact's or the referring doctor's
-- company): the company's Freshsales account key. One account per company name, case ignored.
{{ config(schema='intermediate') }}
with referrers as (
    select patient_id, referrer_contact_id as contact_id, 1 as preference
    from {{ ref('int_referral_sources__resolved') }}
    where referrer_contact_id is not null
    union all
    select patient_id, referring_doctor_id, 2
    from {{ ref('int_patients__joined') }}
    where referring_doctor_id is not null
),

companies as (
    select
        referrers.patient_id,
        referrers.contact_id,
        trim(contacts.company_name) as company_name,
        referrers.preference
    from referrers
    inner join {{ ref('stg_cliniko__contacts') }} as contacts
        on referrers.contact_id = contacts.contact_id
    where not contacts.is_deleted and nullif(trim(contacts.company_name), '') is not null
)

select
    patient_id,
    contact_id,
    company_name,
    'referrer_company:' || lower(company_name) as company_source_id
from companies
-- A patient with both a referral source and a referring doctor links to the referral source's.
qualify row_number() over (partition by patient_id order by preference, contact_id) = 1
