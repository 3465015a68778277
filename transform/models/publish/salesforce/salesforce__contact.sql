-- One row per patient (neither deleted nor merged away) as a Salesforce Contact. AccountId is the
-- patient's business (int_patients__primary_business), else the default 'Unassigned' account.
-- Insurance lands in the Contact custom fields the seed names (Medicare, health fund, EPC).
select
    'patient:' || patients.patient_id as _source_id,
    'patient:' || patients.patient_id as "Cliniko_Id__c",
    left(patients.first_name, 40) as "FirstName",
    -- LastName is required: a patient with none keeps the full name, else a placeholder.
    left(coalesce(nullif(trim(patients.last_name), ''), nullif(trim(patients.full_name), ''),
        'Unknown'), 80) as "LastName",
    -- Salesforce refuses a malformed email for the whole record: such values are left out.
    case
        when regexp_matches(patients.email, '^[^@\s]+@[^@\s]+\.[^@\s]+$') and length(patients.email) <= 80
            then patients.email
    end as "Email",
    left(patients.mobile_phone, 40) as "MobilePhone",
    left(patients.home_phone, 40) as "HomePhone",
    left(coalesce(patients.work_phone, patients.other_phone), 40) as "Phone",
    patients.date_of_birth as "Birthdate",
    left(nullif(concat_ws(chr(10), patients.address_1, patients.address_2, patients.address_3), ''),
        255) as "MailingStreet",
    left(patients.city, 40) as "MailingCity",
    left(patients.state, 80) as "MailingState",
    left(patients.post_code, 20) as "MailingPostalCode",
    left(coalesce(patients.country, patients.country_code), 80) as "MailingCountry",
    left(patients.occupation, 128) as "Title",
    left(patients.notes, 32000) as "Description",
    left(patients.medicare_number, 20) as "Medicare_Number__c",
    left(patients.health_fund, 80) as "Health_Fund__c",
    -- Several providers are kept semicolon-separated in one field (seed 001).
    left(nullif(concat_ws('; ', patients.insurance_carrier, patients.insurance_type), ''), 255)
        as "Insurance_Provider__c",
    coalesce(
        try_cast(patients.epc_expiry as date),
        case when patients.referral_case_type ilike '%epc%' then patients.referral_case_expiry_date end
    ) as "EPC_Expiry__c",
    left(coalesce(patients.gender_identity, patients.sex), 40) as "Gender__c",
    case when patients.is_archived then 'Archived' else 'Active' end as "Patient_Status__c",
    left(patients.referral_source, 255) as "Referral_Source__c",
    patients.created_at as "Cliniko_Created_At__c",
    left(patients.medical_alerts, 32768) as "Medical_Alerts__c",
    case
        when accounts._source_id is not null then accounts._source_id
        else 'account:unassigned'
    end as "_ref__AccountId",
    patients.primary_practitioner_email as _owner_email,
    'patient:' || patients.patient_id in (select source_id from {{ ref('int_sample__members') }})
        as _in_sample
from {{ ref('int_patients__joined') }} as patients
left join {{ ref('salesforce__account') }} as accounts
    on accounts._source_id = 'business:' || patients.business_id
