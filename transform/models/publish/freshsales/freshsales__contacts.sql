-- One row per Freshsales contact: each patient the lead rule makes a contact, then each practitioner
-- (written only when their email matches no Freshsales user: target-freshsales decides at write time).
with sample as (
    select source_id from {{ ref('int_sample__members') }}
),

patients as (
    select
        * exclude (
            patient_id, crm_stream, business_id, company_source_id,
            medical_history_text, allergies_text, patient_notes_text
        ),
        cast(null as varchar) as cf_practitioner_role,
        -- A patient referred by a company links to its account (the seed's rule), else their clinic.
        case
            when {{ var('freshsales_link_contacts_to_referrer_company', true) }}
                and company_source_id is not null then company_source_id
            else 'business:' || business_id
        end as _ref__sales_account_id
    from {{ ref('freshsales__persons') }}
    where crm_stream = 'contacts'
),

practitioners as (
    select
        'practitioner:' || practitioner_id as _source_id,
        'practitioner:' || practitioner_id as cf_cliniko_id,
        left(first_name, 255) as first_name,
        left(coalesce(last_name, display_name), 255) as last_name,
        left(email, 255) as email,
        left(designation, 255) as job_title,
        'Treating Practitioner' as cf_practitioner_role,
        'business:' || primary_business_id as _ref__sales_account_id,
        email as _owner_email
    from {{ ref('int_practitioners__joined') }}
),

contacts as (
    select * from patients
    union all by name
    select * from practitioners
)

select
    contacts.*,
    contacts._source_id in (select source_id from sample) as _in_sample
from contacts
