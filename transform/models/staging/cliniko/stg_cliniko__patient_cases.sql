-- One row per patient case.
-- Ids renamed and types cast; cliniko_source() keeps only the latest version of each record.
with source as (
    select * from {{ cliniko_source('patient_cases') }}
),

renamed as (
    select
        cast(id as varchar) as patient_case_id,
        cast(contact_id as varchar) as contact_id,
        cast(patient_id as varchar) as patient_id,
        try_cast(archived_at as timestamp with time zone) as archived_at,
        try_cast(attendee_ids as json) as attendee_ids,
        try_cast(closed as boolean) as closed,
        try_cast(closed_at as timestamp with time zone) as closed_at,
        try_cast(expiry_date as date) as expiry_date,
        try_cast(include_cancelled_attendees as boolean) as include_cancelled_attendees,
        try_cast(include_dna_attendees as boolean) as include_dna_attendees,
        try_cast(issue_date as date) as issue_date,
        try_cast(max_invoiceable_amount as decimal(18, 4)) as max_invoiceable_amount,
        try_cast(max_sessions as bigint) as max_sessions,
        nullif(name, '') as name,
        nullif(notes, '') as notes,
        try_cast(referral as boolean) as referral,
        nullif(referral_type, '') as referral_type,
        try_cast(created_at as timestamp with time zone) as created_at,
        try_cast(updated_at as timestamp with time zone) as updated_at,
        archived_at is not null as is_archived,
        _sdc_extracted_at,
        _sdc_received_at
    from source
)

select * from renamed
