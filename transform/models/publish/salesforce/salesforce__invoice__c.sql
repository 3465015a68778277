-- One row per invoice as an Invoice__c record: Contact and Account lookups, totals, the payment
-- status mapped value by value (seed salesforce_payment_statuses), issued and paid dates.
select
    'invoice:' || invoices.invoice_id as _source_id,
    'invoice:' || invoices.invoice_id as "Cliniko_Id__c",
    left('Invoice ' || coalesce(cast(invoices.invoice_number as varchar), invoices.invoice_id), 80)
        as "Name",
    left(cast(invoices.invoice_number as varchar), 80) as "Invoice_Number__c",
    cast(invoices.total_amount as decimal(18, 2)) as "Total_Amount__c",
    cast(invoices.tax_amount as decimal(18, 2)) as "Tax_Amount__c",
    statuses.salesforce_payment_status as "Payment_Status__c",
    invoices.issue_date as "Date_Issued__c",
    case when invoices.payment_status = 'paid' then cast(invoices.closed_at as date) end
        as "Date_Paid__c",
    left(invoices.line_items_summary, 32768) as "Line_Items__c",
    contacts._source_id as "_ref__Contact__c",
    coalesce(accounts._source_id, 'account:unassigned') as "_ref__Account__c",
    'invoice:' || invoices.invoice_id in (select source_id from {{ ref('int_sample__members') }})
        as _in_sample
from {{ ref('int_invoices__classified') }} as invoices
inner join {{ ref('salesforce_payment_statuses') }} as statuses
    on invoices.payment_status = statuses.payment_status
left join {{ ref('salesforce__contact') }} as contacts
    on contacts._source_id = 'patient:' || invoices.patient_id
left join {{ ref('salesforce__account') }} as accounts
    on accounts._source_id = 'business:' || invoices.business_id
