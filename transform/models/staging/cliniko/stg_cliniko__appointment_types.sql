-- One row per appointment type (service definition).
-- Ids renamed and types cast; cliniko_source() keeps only the latest version of each record.
with source as (
    select * from {{ cliniko_source('appointment_types') }}
),

renamed as (
    select
        cast(id as varchar) as appointment_type_id,
        cast(billable_item_id as varchar) as billable_item_id,
        cast(product_id as varchar) as product_id,
        cast(treatment_note_template_id as varchar) as treatment_note_template_id,
        try_cast(add_deposit_to_account_credit as boolean) as add_deposit_to_account_credit,
        try_cast(appointment_confirmation_template_ids as json) as appointment_confirmation_template_ids,
        try_cast(appointment_follow_up_template_ids as json) as appointment_follow_up_template_ids,
        try_cast(appointment_reminder_template_ids as json) as appointment_reminder_template_ids,
        try_cast(archived_at as timestamp with time zone) as archived_at,
        nullif(category, '') as category,
        nullif(color, '') as color,
        try_cast(deposit_price as decimal(18, 4)) as deposit_price,
        nullif(description, '') as description,
        try_cast(duration_in_minutes as bigint) as duration_in_minutes,
        try_cast(max_attendees as bigint) as max_attendees,
        nullif(name, '') as name,
        try_cast(online_bookings_lead_time_hours as bigint) as online_bookings_lead_time_hours,
        try_cast(online_payments_enabled as boolean) as online_payments_enabled,
        nullif(online_payments_mode, '') as online_payments_mode,
        try_cast(show_in_online_bookings as boolean) as show_in_online_bookings,
        try_cast(telehealth_enabled as boolean) as telehealth_enabled,
        try_cast(created_at as timestamp with time zone) as created_at,
        try_cast(updated_at as timestamp with time zone) as updated_at,
        archived_at is not null as is_archived,
        _sdc_extracted_at,
        _sdc_received_at
    from source
)

select * from renamed
