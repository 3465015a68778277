-- One row per migrated patient with every Freshsales contact/lead field (contacts and leads select
-- from here). Text is cut to Freshsales' limits; what a text area cannot hold goes to notes.
{{ config(schema='intermediate') }}
with patients as (
    select
        patients.*,
        routed.source_id,
        routed.crm_stream,
        routed.patient_status,
        nullif(concat_ws(chr(10) || chr(10),
            patients.medical_history,
            'Medical alerts: ' || patients.medical_alerts
        ), '') as medical_history_text,
        companies.company_source_id,
        companies.company_name as referrer_company
    from {{ ref('int_patients__joined') }} as patients
    inner join {{ ref('freshsales__patients_routed') }} as routed
        on patients.patient_id = routed.patient_id
    left join {{ ref('freshsales__referrer_companies') }} as companies
        on patients.patient_id = companies.patient_id
),

treatment_notes as (
    select patient_id, string_agg(block_text, chr(10) || chr(10) order by noted_at, treatment_note_id)
        as treatment_notes
    from {{ ref('freshsales__treatment_notes_placed') }}
    where placement = 'contact_field'
    group by patient_id
)

select
    patients.source_id as _source_id,
    patients.source_id as cf_cliniko_id,
    patients.patient_id as cf_cliniko_patient_id,
    left(patients.first_name, 255) as first_name,
    left(patients.last_name, 255) as last_name,
    left(patients.email, 255) as email,
    left(patients.mobile_phone, 255) as mobile_number,
    left(patients.work_phone, 255) as work_number,
    -- Numbers without a dedicated Freshsales field go to the phone list.
    nullif(to_json(list_filter([
        {'value': patients.home_phone, 'label': 'Home'},
        {'value': patients.fax_phone, 'label': 'Fax'},
        {'value': patients.other_phone, 'label': 'Other'}
    ], lambda phone: phone.value is not null)), '[]') as phone_numbers,
    left(nullif(concat_ws(', ', patients.address_1, patients.address_2, patients.address_3), ''), 255)
        as address,
    left(patients.city, 255) as city,
    left(patients.state, 255) as state,
    left(patients.post_code, 255) as zipcode,
    left(coalesce(patients.country, patients.country_code), 255) as country,
    left(patients.occupation, 255) as job_title,
    stages.lifecycle_stage_id,
    patients.patient_status as cf_patient_status,
    patients.date_of_birth as cf_date_of_birth,
    left(coalesce(patients.gender_identity, patients.sex), 255) as cf_gender,
    left(coalesce(patients.insurance_carrier, patients.health_fund), 255) as cf_insurance_carrier,
    left(coalesce(patients.insurance_policy_number, patients.health_fund_member_number), 255)
        as cf_insurance_policy_number,
    left(patients.insurance_group_number, 255) as cf_insurance_group,
    insurance.freshsales_insurance_status as cf_insurance_status,
    left(nullif(concat_ws(chr(10),
        'Insurance type: ' || patients.insurance_type,
        'Coverage: ' || patients.insurance_coverage_details,
        'Health fund: ' || patients.health_fund,
        'Health fund member number: ' || patients.health_fund_member_number,
        'Medicare: ' || patients.medicare_number
            || coalesce(' (reference ' || patients.medicare_reference_number || ')', ''),
        'DVA card: ' || patients.dva_card_number,
        'EPC expiry: ' || patients.epc_expiry,
        'NDIS plan: ' || patients.ndis_plan_number,
        'Concession: ' || patients.concession_type
    ), ''), 32768) as cf_insurance_details,
    case
        when coalesce(patients.referral_source_type, patients.referral_source,
            patients.referring_doctor_id) is null then null
        when referral_types.referral_source is not null then referral_types.referral_source
        when patients.referrer_company ilike '%hospital%' then 'Hospital'
        when patients.referring_doctor_id is not null or patients.referrer_company is not null
            then 'Doctor'
        else 'Other'
    end as cf_referral_source,
    left(coalesce(patients.referral_source, patients.referring_doctor_name), 255) as cf_referral_detail,
    left(patients.medical_history_text, 32768) as cf_medical_history,
    left(patients.allergies, 32768) as cf_allergies,
    left(patients.notes, 32768) as cf_notes,
    treatment_notes.treatment_notes as cf_treatment_notes,
    patients.last_form_completed_at as cf_form_submitted_at,
    patients.primary_practitioner_email as _owner_email,
    -- Not Freshsales fields: the split, the account links and the text the fields cannot hold.
    patients.patient_id,
    patients.crm_stream,
    patients.business_id,
    patients.company_source_id,
    patients.medical_history_text,
    patients.allergies as allergies_text,
    patients.notes as patient_notes_text
from patients
left join {{ ref('freshsales_lifecycle_stages') }} as stages
    on patients.patient_status = stages.patient_status
left join {{ ref('freshsales_insurance_statuses') }} as insurance
    on lower(trim(patients.insurance_status)) = insurance.insurance_status
left join {{ ref('freshsales_referral_sources') }} as referral_types
    on lower(trim(coalesce(patients.referral_source_type, patients.referral_source)))
        = referral_types.referral_source_type
left join treatment_notes on patients.patient_id = treatment_notes.patient_id
