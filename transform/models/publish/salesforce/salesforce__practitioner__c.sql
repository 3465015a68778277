-- One row per practitioner as a Practitioner__c record: profession, registration number (from the
-- practitioner reference numbers), qualifications and the clinic account. The target links User__c
-- to the Salesforce user whose email matches Email__c, and that user owns the record.
select
    'practitioner:' || practitioners.practitioner_id as _source_id,
    'practitioner:' || practitioners.practitioner_id as "Cliniko_Id__c",
    left(coalesce(
        nullif(trim(practitioners.display_name), ''),
        nullif(trim(concat_ws(' ', practitioners.first_name, practitioners.last_name)), ''),
        'Practitioner ' || practitioners.practitioner_id
    ), 80) as "Name",
    case
        when regexp_matches(practitioners.email, '^[^@\s]+@[^@\s]+\.[^@\s]+$')
            and length(practitioners.email) <= 80
            then practitioners.email
    end as "Email__c",
    left(practitioners.designation, 80) as "Profession__c",
    left(practitioners.reference_numbers, 80) as "Registration_Number__c",
    left(practitioners.description, 255) as "Qualifications__c",
    coalesce(practitioners.is_active, false) as "Active__c",
    accounts._source_id as "_ref__Clinic_Account__c",
    practitioners.email as _owner_email,
    'practitioner:' || practitioners.practitioner_id
    in (select source_id from {{ ref('int_sample__members') }}) as _in_sample
from {{ ref('int_practitioners__joined') }} as practitioners
left join {{ ref('salesforce__account') }} as accounts
    on accounts._source_id = 'business:' || practitioners.primary_business_id
