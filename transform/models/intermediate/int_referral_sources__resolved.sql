-- One row per patient with a referral source: its type, the referring patient or contact, and a label.
-- A referrer contact with a company name is a company referrer (it may become a CRM account).
with referral_sources as (
    select * from {{ ref('stg_cliniko__referral_sources') }}
    where patient_id is not null
    qualify row_number() over (partition by patient_id order by updated_at desc nulls last) = 1
),

contacts as (
    select * from {{ ref('stg_cliniko__contacts') }}
    where not is_deleted
),

resolved as (
    select
        referral_sources.referral_source_id,
        referral_sources.patient_id,
        referral_source_types.name as referral_source_type,
        referral_sources.subcategory,
        coalesce(referral_sources.referrer_type, referral_source_types.referrer_type) as referrer_type,
        referral_sources.referrer_id,
        coalesce(
            nullif(trim(concat_ws(' ', contacts.first_name, contacts.last_name)), ''),
            nullif(trim(concat_ws(' ', referrer_patients.first_name, referrer_patients.last_name)), ''),
            contacts.company_name
        ) as referrer_name,
        contacts.company_name as referrer_company_name,
        referral_sources.notes,
        referral_sources.created_at,
        referral_sources.updated_at
    from referral_sources
    left join {{ ref('stg_cliniko__referral_source_types') }} as referral_source_types
        on referral_sources.referral_source_type_id = referral_source_types.referral_source_type_id
    left join contacts
        on referral_sources.referrer_id = contacts.contact_id
        and coalesce(referral_sources.referrer_type, 'Contact') = 'Contact'
    left join {{ ref('stg_cliniko__patients') }} as referrer_patients
        on referral_sources.referrer_id = referrer_patients.patient_id
        and referral_sources.referrer_type = 'Patient'
)

select
    referral_source_id,
    patient_id,
    referral_source_type,
    subcategory,
    referrer_type,
    case when referrer_type = 'Contact' then referrer_id end as referrer_contact_id,
    case when referrer_type = 'Patient' then referrer_id end as referrer_patient_id,
    referrer_name,
    referrer_company_name,
    referrer_company_name is not null as is_company_referrer,
    -- "Type: detail", the detail being the subcategory or the referrer's name.
    concat_ws(': ', referral_source_type, coalesce(subcategory, referrer_name)) as referral_source_label,
    notes,
    created_at,
    updated_at
from resolved
