-- One row per attendee (a patient booked into an individual or group appointment).
-- Ids renamed and types cast; cliniko_source() keeps only the latest version of each record.
with source as (
    select * from {{ cliniko_source('attendees') }}
),

renamed as (
    select
        cast(id as varchar) as attendee_id,
        cast(booking_id as varchar) as booking_id,
        cast(patient_case_id as varchar) as patient_case_id,
        cast(patient_id as varchar) as patient_id,
        try_cast(archived_at as timestamp with time zone) as archived_at,
        try_cast(arrived as boolean) as arrived,
        nullif(booking_ip_address, '') as booking_ip_address,
        nullif(cancellation_note, '') as cancellation_note,
        try_cast(cancellation_reason as bigint) as cancellation_reason,
        nullif(cancellation_reason_description, '') as cancellation_reason_description,
        nullif(cancellation_url, '') as cancellation_url,
        try_cast(cancelled_at as timestamp with time zone) as cancelled_at,
        try_cast(deleted_at as timestamp with time zone) as deleted_at,
        try_cast(email_reminder_sent as boolean) as email_reminder_sent,
        try_cast(invoice_status as bigint) as invoice_status,
        nullif(notes, '') as notes,
        try_cast(online_booking_policy_accepted as boolean) as online_booking_policy_accepted,
        try_cast(sent_email_follow_ups_count as bigint) as sent_email_follow_ups_count,
        try_cast(sent_email_reminders_count as bigint) as sent_email_reminders_count,
        try_cast(sent_sms_follow_ups_count as bigint) as sent_sms_follow_ups_count,
        try_cast(sent_sms_reminders_count as bigint) as sent_sms_reminders_count,
        try_cast(sms_reminder_sent as boolean) as sms_reminder_sent,
        nullif(telehealth_url, '') as telehealth_url,
        try_cast(treatment_note_status as bigint) as treatment_note_status,
        try_cast(created_at as timestamp with time zone) as created_at,
        try_cast(updated_at as timestamp with time zone) as updated_at,
        deleted_at is not null or _sdc_deleted_at is not null as is_deleted,
        archived_at is not null as is_archived,
        _sdc_extracted_at,
        _sdc_received_at
    from source
)

select * from renamed
