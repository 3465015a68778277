-- One row per Freshsales lead: each patient the lead rule (var freshsales_lead_rule) makes a lead.
select
    * exclude (
        lifecycle_stage_id, patient_id, crm_stream, business_id, company_source_id,
        medical_history_text, allergies_text, patient_notes_text
    ),
    _source_id in (select source_id from {{ ref('int_sample__members') }}) as _in_sample
from {{ ref('freshsales__persons') }}
where crm_stream = 'leads'
