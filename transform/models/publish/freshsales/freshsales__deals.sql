-- One row per invoice as a Freshsales deal: amount, issue date, payment status, line items, the
-- clinic's account and the patient (linked when the patient is a contact; a lead cannot be).
with invoices as (
    select
        invoices.*,
        patients.patient_id as migrated_patient_id,
        patients_joined.business_id as patient_business_id,
        patients_joined.primary_practitioner_email
    from {{ ref('int_invoices__classified') }} as invoices
    left join {{ ref('freshsales__patients_routed') }} as patients
        on invoices.patient_id = patients.patient_id
    left join {{ ref('int_patients__joined') }} as patients_joined
        on invoices.patient_id = patients_joined.patient_id
)

select
    'invoice:' || invoices.invoice_id as _source_id,
    'invoice:' || invoices.invoice_id as cf_cliniko_id,
    left('Invoice ' || coalesce(cast(invoices.invoice_number as varchar), invoices.invoice_id), 255)
        as name,
    cast(coalesce(invoices.total_amount, 0) as decimal(18, 2)) as amount,
    invoices.due_date as expected_close,
    cast(case when invoices.payment_status in ('paid', 'closed') then invoices.closed_at end as date)
        as closed_date,
    statuses.freshsales_payment_status as cf_payment_status,
    cast(invoices.invoice_number as varchar) as cf_invoice_number,
    invoices.issue_date as cf_issue_date,
    left(invoices.line_items_summary, 32768) as cf_line_items_summary,
    -- Freshsales requires an account on a deal: the invoice's clinic, else the patient's, else the
    -- account's default clinic (an invoice whose business and patient were not extracted).
    'business:' || coalesce(
        businesses.business_id,
        invoices.patient_business_id,
        (select business_id from {{ ref('int_businesses__ranked') }} where is_account_default)
    ) as _ref__sales_account_id,
    'patient:' || invoices.migrated_patient_id as _ref__contact_id,
    coalesce(practitioners.email, invoices.primary_practitioner_email) as _owner_email,
    'invoice:' || invoices.invoice_id in (select source_id from {{ ref('int_sample__members') }})
        as _in_sample
from invoices
left join {{ ref('freshsales_payment_statuses') }} as statuses
    on invoices.payment_status = statuses.payment_status
left join {{ ref('int_businesses__ranked') }} as businesses
    on invoices.business_id = businesses.business_id
left join {{ ref('int_practitioners__joined') }} as practitioners
    on invoices.practitioner_id = practitioners.practitioner_id
