-- One row per migrated patient: the Freshsales stream it goes to (var freshsales_lead_rule) and its
-- status. Cliniko has no patient status, so the split reads the patient's bookings.
{{ config(schema='intermediate') }}
{%- set rule = var('freshsales_lead_rule', 'no_appointment') %}
{#- Which patients are leads, per rule: none booked at all, none kept (only cancelled), nobody. #}
{%- set lead_conditions = {
    'no_appointment': 'appointment_count = 0',
    'no_kept_appointment': 'attended_or_booked_count = 0',
    'never': 'false',
} %}
{%- if rule not in lead_conditions %}
    {{ exceptions.raise_compiler_error(
        "dbt var 'freshsales_lead_rule' must be one of " ~ lead_conditions.keys() | join(', ')
        ~ ", got '" ~ rule ~ "'"
    ) }}
{%- endif %}
with patients as (
    select
        patient_id,
        is_archived,
        appointment_count,
        completed_appointment_count + future_appointment_count as kept_appointment_count,
        completed_appointment_count + future_appointment_count + did_not_arrive_count
            as attended_or_booked_count
    from {{ ref('int_patients__joined') }}
),

routed as (
    select
        *,
        case when {{ lead_conditions[rule] }} then 'leads' else 'contacts' end as crm_stream
    from patients
)

select
    patient_id,
    'patient:' || patient_id as source_id,
    crm_stream,
    -- active: a completed or upcoming booking; inactive: only cancelled or missed ones.
    case
        when crm_stream = 'leads' then 'prospect'
        when is_archived then 'archived'
        when kept_appointment_count > 0 then 'active'
        else 'inactive'
    end as patient_status
from routed
