-- One row per Cliniko account (its settings sections as JSON).
-- Ids renamed and types cast; cliniko_source() keeps only the latest version of each record.
with source as (
    select * from {{ cliniko_source('settings') }}
),

renamed as (
    select
        cast(id as varchar) as account_id,
        try_cast(account as json) as account,
        try_cast(calendar as json) as calendar,
        try_cast(documents_and_printing as json) as documents_and_printing,
        try_cast(integrations as json) as integrations,
        try_cast(online_bookings as json) as online_bookings,
        try_cast(online_payments as json) as online_payments,
        try_cast(patient_custom_fields_definition as json) as patient_custom_fields_definition,
        try_cast(patient_privacy as json) as patient_privacy,
        try_cast(reminders as json) as reminders,
        try_cast(sms as json) as sms,
        try_cast(terminology as json) as terminology,
        try_cast(wait_list as json) as wait_list,
        _sdc_extracted_at,
        _sdc_received_at
    from source
)

select * from renamed
