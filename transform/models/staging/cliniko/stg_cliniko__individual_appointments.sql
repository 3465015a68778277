-- One row per individual appointment.
-- Ids renamed and types cast; cliniko_source() keeps only the latest version of each record.
with source as (
    select * from {{ cliniko_source('individual_appointments') }}
),

renamed as (
    select
        cast(id as varchar) as individual_appointment_id,
        cast(appointment_type_id as varchar) as appointment_type_id,
        cast(business_id as varchar) as business_id,
        cast(patient_case_id as varchar) as patient_case_id,
        cast(patient_id as varchar) as patient_id,
        cast(practitioner_id as varchar) as practitioner_id,
        cast(repeated_from_id as varchar) as repeated_from_id,
        try_cast(archived_at as timestamp with time zone) as archived_at,
        nullif(booking_ip_address, '') as booking_ip_address,
        nullif(cancellation_note, '') as cancellation_note,
        try_cast(cancellation_reason as bigint) as cancellation_reason,
        nullif(cancellation_reason_description, '') as cancellation_reason_description,
        try_cast(cancelled_at as timestamp with time zone) as cancelled_at,
        try_cast(deleted_at as timestamp with time zone) as deleted_at,
        try_cast(did_not_arrive as boolean) as did_not_arrive,
        try_cast(email_reminder_sent as boolean) as email_reminder_sent,
        try_cast(ends_at as timestamp with time zone) as ends_at,
        try_cast(has_patient_appointment_notes as boolean) as has_patient_appointment_notes,
        try_cast(invoice_status as bigint) as invoice_status,
        nullif(notes, '') as notes,
        try_cast(online_booking_policy_accepted as boolean) as online_booking_policy_accepted,
        try_cast(patient_arrived as boolean) as patient_arrived,
        nullif(patient_name, '') as patient_name,
        try_cast(repeat_rule as json) as repeat_rule,
        try_cast(sms_reminder_sent as boolean) as sms_reminder_sent,
        try_cast(starts_at as timestamp with time zone) as starts_at,
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
