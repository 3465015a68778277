-- One row per invoice.
-- Ids renamed and types cast; cliniko_source() keeps only the latest version of each record.
with source as (
    select * from {{ cliniko_source('invoices') }}
),

renamed as (
    select
        cast(id as varchar) as invoice_id,
        cast(appointment_id as varchar) as appointment_id,
        cast(attendee_id as varchar) as attendee_id,
        cast(business_id as varchar) as business_id,
        cast(original_invoice_id as varchar) as original_invoice_id,
        cast(patient_id as varchar) as patient_id,
        cast(practitioner_id as varchar) as practitioner_id,
        cast(signature_id as varchar) as signature_id,
        try_cast(archived_at as timestamp with time zone) as archived_at,
        try_cast(calculation_method as bigint) as calculation_method,
        nullif(calculation_method_description, '') as calculation_method_description,
        try_cast(closed_at as timestamp with time zone) as closed_at,
        try_cast(deleted_at as timestamp with time zone) as deleted_at,
        try_cast(discounted_amount as decimal(18, 4)) as discounted_amount,
        nullif(invoice_to, '') as invoice_to,
        try_cast(issue_date as date) as issue_date,
        try_cast(net_amount as decimal(18, 4)) as net_amount,
        nullif(notes, '') as notes,
        try_cast(number as bigint) as number,
        nullif(online_payment_url, '') as online_payment_url,
        nullif(patient_extra_information, '') as patient_extra_information,
        try_cast(status as bigint) as status,
        nullif(status_description, '') as status_description,
        try_cast(tax_amount as decimal(18, 4)) as tax_amount,
        try_cast(total_amount as decimal(18, 4)) as total_amount,
        try_cast(created_at as timestamp with time zone) as created_at,
        try_cast(updated_at as timestamp with time zone) as updated_at,
        deleted_at is not null or _sdc_deleted_at is not null as is_deleted,
        archived_at is not null as is_archived,
        _sdc_extracted_at,
        _sdc_received_at
    from source
)

select * from renamed
