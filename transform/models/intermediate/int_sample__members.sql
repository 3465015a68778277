-- One row per record in the sample: var sample_size patients (the lowest md5 of their id, so the same
-- patients every run) plus every record they reference or that references them.
{%- set sample_size = var('sample_size') | int %}
{%- if sample_size <= 0 %}
    {{ exceptions.raise_compiler_error(
        "dbt var 'sample_size' must be a positive number of patients, got '" ~ var('sample_size') ~ "'"
    ) }}
{%- endif %}
{%- set of_sampled_patients = 'where patient_id in (select patient_id from sampled_patients)' %}
with sampled_patients as (
    select patient_id
    from {{ ref('int_patients__joined') }}
    order by md5(patient_id), patient_id
    limit {{ sample_size }}
),

patients as (
    select * from {{ ref('int_patients__joined') }} {{ of_sampled_patients }}
),

appointments as (
    select * from {{ ref('int_appointments__unified') }} {{ of_sampled_patients }}
),

notes as (
    select * from {{ ref('int_treatment_notes__rendered') }} {{ of_sampled_patients }}
),

invoices as (
    select * from {{ ref('int_invoices__classified') }} {{ of_sampled_patients }}
),

invoice_items as (
    select * from {{ ref('int_invoice_items__described') }}
    where invoice_id in (select invoice_id from invoices)
),

referrals as (
    select * from {{ ref('int_referral_sources__resolved') }} {{ of_sampled_patients }}
),

members as (
    select 'patient' as entity, patient_id as entity_id from patients
    union all select 'patient', referrer_patient_id from referrals
    union all select 'referral_source', referral_source_id from referrals
    union all select 'contact', referrer_contact_id from referrals
    union all select 'contact', referring_doctor_id from patients
    union all select 'business', business_id from patients
    union all select 'practitioner', primary_practitioner_id from patients
    union all select source_entity, source_record_id from appointments
    union all select 'business', business_id from appointments
    union all select 'practitioner', practitioner_id from appointments
    union all select 'appointment_type', appointment_type_id from appointments
    union all select 'treatment_note', treatment_note_id from notes
    union all select 'practitioner', practitioner_id from notes
    union all select 'invoice', invoice_id from invoices
    union all select 'business', business_id from invoices
    union all select 'practitioner', practitioner_id from invoices
    union all select 'invoice_item', invoice_item_id from invoice_items
    union all select split_part(item_key, ':', 1), split_part(item_key, ':', 2) from invoice_items
    union all
    select 'patient_attachment', patient_attachment_id
    from {{ ref('int_patient_attachments__sized') }} {{ of_sampled_patients }}
    union all
    select 'medical_alert', medical_alert_id
    from {{ ref('stg_cliniko__medical_alerts') }} {{ of_sampled_patients }}
)

select distinct
    entity,
    entity_id,
    entity || ':' || entity_id as source_id
from members
where entity_id is not null
