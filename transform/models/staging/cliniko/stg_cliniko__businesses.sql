-- One row per business (clinic location).
-- Ids renamed and types cast; cliniko_source() keeps only the latest version of each record.
with source as (
    select * from {{ cliniko_source('businesses') }}
),

renamed as (
    select
        cast(id as varchar) as business_id,
        {{ address_columns(lines=2) }}
        nullif(additional_information, '') as additional_information,
        nullif(additional_invoice_information, '') as additional_invoice_information,
        try_cast(appointment_reminders_enabled as boolean) as appointment_reminders_enabled,
        try_cast(appointment_type_ids as json) as appointment_type_ids,
        try_cast(archived_at as timestamp with time zone) as archived_at,
        nullif(business_name, '') as business_name,
        nullif(business_registration_name, '') as business_registration_name,
        nullif(business_registration_value, '') as business_registration_value,
        nullif(contact_information, '') as contact_information,
        try_cast(deleted_at as timestamp with time zone) as deleted_at,
        nullif(display_name, '') as display_name,
        nullif(email_reply_to, '') as email_reply_to,
        nullif(label, '') as label,
        try_cast(show_in_online_bookings as boolean) as show_in_online_bookings,
        nullif(time_zone, '') as time_zone,
        nullif(time_zone_identifier, '') as time_zone_identifier,
        nullif(website_address, '') as website_address,
        try_cast(created_at as timestamp with time zone) as created_at,
        try_cast(updated_at as timestamp with time zone) as updated_at,
        deleted_at is not null or _sdc_deleted_at is not null as is_deleted,
        archived_at is not null as is_archived,
        _sdc_extracted_at,
        _sdc_received_at
    from source
)

select * from renamed
