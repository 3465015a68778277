-- One row per attachment of a migrated patient larger than Freshsales accepts: not sent; to be
-- downloaded from Cliniko and attached by hand. Ids and sizes only (file names can name patients).
{{ config(schema='audit') }}
select
    attachments.patient_attachment_id,
    attachments.patient_id,
    patients.crm_stream,
    attachments.size_bytes,
    attachments.size_mb,
    {{ var('attachment_size_limits_mb')['freshsales'] }} as limit_mb,
    attachments.content_type,
    attachments.created_at
from {{ ref('int_patient_attachments__sized') }} as attachments
inner join {{ ref('freshsales__patients_routed') }} as patients
    on attachments.patient_id = patients.patient_id
where attachments.exceeds_freshsales_limit
