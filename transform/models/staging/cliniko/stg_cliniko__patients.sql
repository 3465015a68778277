-- One row per patient.
-- Ids renamed and types cast; cliniko_source() keeps only the latest version of each record.
with source as (
    select * from {{ cliniko_source('patients') }}
),

renamed as (
    select
        cast(id as varchar) as patient_id,
        cast(concession_type_id as varchar) as concession_type_id,
        cast(latest_booking_id as varchar) as latest_booking_id,
        cast(merged_with_patient_id as varchar) as merged_with_patient_id,
        cast(referring_doctor_id as varchar) as referring_doctor_id,
        {{ address_columns(lines=3) }}
        try_cast(accepted_email_marketing as boolean) as accepted_email_marketing,
        try_cast(accepted_privacy_policy as boolean) as accepted_privacy_policy,
        try_cast(accepted_sms_marketing as boolean) as accepted_sms_marketing,
        nullif(appointment_notes, '') as appointment_notes,
        try_cast(archived_at as timestamp with time zone) as archived_at,
        try_cast(custom_fields as json) as custom_fields,
        try_cast(date_of_birth as date) as date_of_birth,
        try_cast(deleted_at as timestamp with time zone) as deleted_at,
        nullif(dva_card_number, '') as dva_card_number,
        nullif(email, '') as email,
        nullif(emergency_contact, '') as emergency_contact,
        nullif(first_name, '') as first_name,
        nullif(gender, '') as gender,
        nullif(gender_identity, '') as gender_identity,
        nullif(invoice_default_to, '') as invoice_default_to,
        nullif(invoice_email, '') as invoice_email,
        nullif(invoice_extra_information, '') as invoice_extra_information,
        nullif(label, '') as label,
        nullif(last_name, '') as last_name,
        nullif(medicare, '') as medicare,
        nullif(medicare_reference_number, '') as medicare_reference_number,
        try_cast(merged_at as timestamp with time zone) as merged_at,
        nullif(notes, '') as notes,
        nullif(occupation, '') as occupation,
        nullif(old_reference_id, '') as old_reference_id,
        try_cast(patient_phone_numbers as json) as patient_phone_numbers,
        nullif(preferred_first_name, '') as preferred_first_name,
        try_cast(pronouns as json) as pronouns,
        try_cast(receives_cancellation_emails as boolean) as receives_cancellation_emails,
        try_cast(receives_confirmation_emails as boolean) as receives_confirmation_emails,
        nullif(referral_source, '') as referral_source,
        nullif(reminder_type, '') as reminder_type,
        nullif(sex, '') as sex,
        nullif(time_zone, '') as time_zone,
        nullif(title, '') as title,
        try_cast(created_at as timestamp with time zone) as created_at,
        try_cast(updated_at as timestamp with time zone) as updated_at,
        deleted_at is not null or _sdc_deleted_at is not null as is_deleted,
        archived_at is not null as is_archived,
        _sdc_extracted_at,
        _sdc_received_at
    from source
)

select * from renamed
