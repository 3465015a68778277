-- One row per record in the sample: var sample_size patients (the lowest md5 of their id, so the same
-- patients every run) plus every record they reference or that references them.
{%- set sample_size = var('sample_size') | int %}
{%- if sample_size <= 0 %}
    {{ exceptions.raise_compiler_error(
        "dbt var 'sample_size' must be a positive number of patients, got '" ~ var('sample_size') ~ "'"
    ) }}
{%- endif %}
with sampled_patients as (
    select patient_id
    from {{ ref('int_patients__joined') }}
    order by md5(patient_id), patient_id
    limit {{ sample_size }}
),

appointments as (
    select appointments.*
    from {{ ref('int_appointments__unified') }} as appointments
    inner join sampled_patients on appointments.patient_id = sampled_patients.patient_id
),

notes as (
    select notes.*
    from {{ ref('int_treatment_notes__rendered') }} as notes
    inner join sampled_patients on notes.patient_id = sampled_patients.patient_id
),

invoices as (
    select invoices.*
    from {{ ref('int_invoices__classified') }} as invoices
    inner join sampled_patients on invoices.patient_id = sampled_patients.patient_id
),

invoice_items as (
    select items.*
    from {{ ref('int_invoice_items__described') }} as items
    inner join invoices on items.invoice_id = invoices.invoice_id
),

patients as (
    select patients.*
    from {{ ref('int_patients__joined') }} as patients
    inner join sampled_patients on patients.patient_id = sampled_patients.patient_id
),

referrals as (
    select referrals.*
    from {{ ref('int_referral_sources__resolved') }} as referrals
    inner join sampled_patients on referrals.patient_id = sampled_patients.patient_id
),

members as (
    select 'patient' as entity, patient_id as entity_id from sampled_patients
    union all
    select 'patient', referrer_patient_id from referrals
    union all
    select source_entity, source_record_id from appointments
    union all
    select 'treatment_note', treatment_note_id from notes
    union all
    select 'invoice', invoice_id from invoices
    union all
    select 'invoice_item', invoice_item_id from invoice_items
    union all
    select 'patient_attachment', attachments.patient_attachment_id
    from {{ ref('int_patient_attachments__sized') }} as attachments
    inner join sampled_patients on attachments.patient_id = sampled_patients.patient_id
    union all
    select 'medical_alert', alerts.medical_alert_id
    from {{ ref('stg_cliniko__medical_alerts') }} as alerts
    inner join sampled_patients on alerts.patient_id = sampled_patients.patient_id
    union all
    select 'referral_source', referral_source_id from referrals
    union all
    select 'contact', referrer_contact_id from referrals
    union all
    select 'contact', referring_doctor_id from patients
    union all
    select 'business', business_id from patients
    union all
    select 'practitioner', primary_practitioner_id from patients
    union all
    select 'business', business_id from appointments
    union all
    select 'business', business_id from invoices
    union all
    select 'practitioner', practitioner_id from appointments
    union all
    select 'practitioner', practitioner_id from notes
    union all
    select 'practitioner', practitioner_id from invoices
    union all
    select 'appointment_type', appointment_type_id from appointments
    union all
    select split_part(item_key, ':', 1), split_part(item_key, ':', 2) from invoice_items
)

select distinct
    entity,
    entity_id,
    entity || ':' || entity_id as source_id
from members
where entity_id is not null
