-- One row per patient that is neither deleted nor merged into another: contact details, business,
-- referral, concession, insurance, Medicare/DVA (and referral case), custom fields, medical alerts
-- and activity.
{%- set phone_types = {'mobile': 'Mobile', 'home': 'Home', 'work': 'Work', 'fax': 'Fax', 'other': 'Other'} %}
with patients as (
    select
        *,
        json_extract(patient_phone_numbers, '$[*]') as phone_list
    from {{ ref('stg_cliniko__patients') }}
    where not is_deleted and merged_at is null
)

select
    patients.patient_id,
    patients.title,
    patients.first_name,
    patients.last_name,
    patients.preferred_first_name,
    coalesce(patients.label, concat_ws(' ', patients.first_name, patients.last_name)) as full_name,
    -- A birth date after the clinic's "now" is a typing error: left out, and listed in
    -- audit__patients_unusable_birth_date.
    case
        when patients.date_of_birth <= cast({{ as_of() }} as date) then patients.date_of_birth
    end as date_of_birth,
    patients.sex,
    coalesce(patients.gender_identity, patients.gender) as gender_identity,
    -- Only an address a CRM accepts (one @, a dotted domain, no blanks or "..") is migrated; the
    -- patient still is. The others are listed in audit__patients_invalid_email.
    case
        when regexp_matches(lower(trim(patients.email)), '^[^@\s]+@[^@\s.]+(\.[^@\s.]+)+$')
            then lower(trim(patients.email))
    end as email,
    {%- for column, phone_type in phone_types.items() %}
    list_filter(phone_list, lambda phone: phone ->> 'phone_type' = '{{ phone_type }}')[1] ->> 'number'
        as {{ column }}_phone,
    {%- endfor %}
    patients.address_1,
    patients.address_2,
    patients.address_3,
    patients.city,
    patients.state,
    patients.post_code,
    patients.country_code,
    patients.country,
    patients.occupation,
    patients.emergency_contact,
    patients.notes,
    patients.time_zone,
    patients.reminder_type,
    patients.accepted_privacy_policy,
    patients.accepted_email_marketing,
    patients.accepted_sms_marketing,
    patients.old_reference_id,
    business.business_id,
    business.business_source,
    patients.concession_type_id,
    concession_types.name as concession_type,
    patients.referring_doctor_id,
    nullif(trim(concat_ws(' ', doctors.title, doctors.first_name, doctors.last_name)), '')
        as referring_doctor_name,
    doctors.email as referring_doctor_email,
    doctors.provider_number as referring_doctor_provider_number,
    referrals.referral_source_id,
    coalesce(referrals.referral_source_label, patients.referral_source) as referral_source,
    referrals.referral_source_type,
    referrals.referrer_company_name,
    coalesce(referrals.is_company_referrer, false) as is_company_referrer,
    coalesce(custom.medicare_number, patients.medicare) as medicare_number,
    patients.medicare_reference_number,
    patients.dva_card_number,
    patients.invoice_default_to,
    patients.invoice_email,
    patients.invoice_extra_information,
    custom.* exclude (patient_id, medicare_number, epc_expiry, allergies),
    -- A Medicare referral case's expiry is the EPC plan's expiry when no custom field says otherwise.
    coalesce(
        custom.epc_expiry,
        case
            when referral_case.referral_type = 'medicare'
                then cast(referral_case.referral_expiry_date as varchar)
        end
    ) as epc_expiry,
    referral_case.referral_type as referral_case_type,
    referral_case.referral_expiry_date as referral_case_expiry_date,
    referral_case.referral_max_sessions as referral_case_max_sessions,
    nullif(concat_ws('; ', alerts.allergies, custom.allergies), '') as allergies,
    alerts.medical_alerts,
    coalesce(alerts.medical_alert_count, 0) as medical_alert_count,
    activity.* exclude (patient_id),
    practitioners.email as primary_practitioner_email,
    activity.appointment_count > 0 as has_appointment,
    patients.is_archived,
    patients.archived_at,
    patients.created_at,
    patients.updated_at
from patients
left join {{ ref('int_patients__primary_business') }} as business
    on patients.patient_id = business.patient_id
left join {{ ref('stg_cliniko__concession_types') }} as concession_types
    on patients.concession_type_id = concession_types.concession_type_id
left join {{ ref('stg_cliniko__contacts') }} as doctors
    on patients.referring_doctor_id = doctors.contact_id
left join {{ ref('int_referral_sources__resolved') }} as referrals
    on patients.patient_id = referrals.patient_id
left join {{ ref('int_patient_cases__latest_referral') }} as referral_case
    on patients.patient_id = referral_case.patient_id
left join {{ ref('int_patients__custom_fields_flattened') }} as custom
    on patients.patient_id = custom.patient_id
left join {{ ref('int_patients__medical_alerts_aggregated') }} as alerts
    on patients.patient_id = alerts.patient_id
left join {{ ref('int_patients__activity_summarised') }} as activity
    on patients.patient_id = activity.patient_id
left join {{ ref('int_practitioners__joined') }} as practitioners
    on activity.primary_practitioner_id = practitioners.practitioner_id
