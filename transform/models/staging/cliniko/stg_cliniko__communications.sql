-- One row per logged communication (SMS, email, phone call, memo).
-- Ids renamed and types cast; cliniko_source() keeps only the latest version of each record.
with source as (
    select * from {{ cliniko_source('communications') }}
),

renamed as (
    select
        cast(id as varchar) as communication_id,
        cast(attendee_id as varchar) as attendee_id,
        cast(booking_id as varchar) as booking_id,
        cast(invoice_id as varchar) as invoice_id,
        cast(letter_id as varchar) as letter_id,
        cast(patient_id as varchar) as patient_id,
        cast(payment_id as varchar) as payment_id,
        try_cast(archived_at as timestamp with time zone) as archived_at,
        nullif(category, '') as category,
        try_cast(category_code as bigint) as category_code,
        try_cast(confidential as boolean) as confidential,
        nullif(content, '') as content,
        nullif(content_subject, '') as content_subject,
        try_cast(direction_code as bigint) as direction_code,
        nullif(direction_description, '') as direction_description,
        nullif("from", '') as from_address,
        nullif("to", '') as to_address,
        nullif(type, '') as type,
        try_cast(type_code as bigint) as type_code,
        try_cast(created_at as timestamp with time zone) as created_at,
        try_cast(updated_at as timestamp with time zone) as updated_at,
        archived_at is not null as is_archived,
        _sdc_extracted_at,
        _sdc_received_at
    from source
)

select * from renamed
