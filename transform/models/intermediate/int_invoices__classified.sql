-- One row per invoice that is not deleted: its payment status at as_of and a one-line summary of its
-- items. Open invoices are overdue once var invoice_payment_terms_days have passed since issue.
with invoices as (
    select * from {{ ref('stg_cliniko__invoices') }}
    where not is_deleted
),

item_summaries as (
    select
        invoice_id,
        count(*) as line_item_count,
        string_agg(line_description, '; ' order by created_at, invoice_item_id) as line_items_summary
    from {{ ref('int_invoice_items__described') }}
    group by invoice_id
),

classified as (
    select
        invoices.*,
        invoices.issue_date + to_days({{ var('invoice_payment_terms_days') }}) as due_date,
        statuses.invoice_status as seed_status_description,
        statuses.payment_status as status_payment_status
    from invoices
    left join {{ ref('cliniko_invoice_statuses') }} as statuses
        on invoices.status = statuses.invoice_status_code
)

select
    classified.invoice_id,
    classified.number as invoice_number,
    classified.patient_id,
    classified.practitioner_id,
    classified.business_id,
    classified.appointment_id,
    classified.attendee_id,
    classified.original_invoice_id,
    classified.issue_date,
    cast(classified.due_date as date) as due_date,
    classified.status as status_code,
    coalesce(classified.status_description, classified.seed_status_description) as status_description,
    -- Cliniko exposes no payments, so an open invoice is open or overdue, never "partial".
    case
        when classified.status_payment_status = 'open'
            and classified.due_date < cast({{ as_of() }} as date) then 'overdue'
        else classified.status_payment_status
    end as payment_status,
    classified.total_amount,
    classified.net_amount,
    classified.tax_amount,
    classified.discounted_amount,
    classified.invoice_to,
    classified.notes,
    classified.closed_at,
    coalesce(item_summaries.line_item_count, 0) as line_item_count,
    item_summaries.line_items_summary,
    classified.is_archived,
    classified.created_at,
    classified.updated_at
from classified
left join item_summaries on classified.invoice_id = item_summaries.invoice_id
