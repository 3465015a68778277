-- One row per patient attachment Freshsales accepts (≤ var attachment_size_limits_mb.freshsales),
-- linked to the contact or lead. `_file_path` is null when tap-cliniko did not download the file.
select
    'patient_attachment:' || attachments.patient_attachment_id as _source_id,
    left(coalesce(attachments.filename, 'attachment-' || attachments.patient_attachment_id), 255)
        as name,
    false as is_shared,
    'patient:' || attachments.patient_id as _ref__targetable_id,
    attachments.content_path as _file_path,
    left(coalesce(attachments.filename, 'attachment-' || attachments.patient_attachment_id), 255)
        as _file_name,
    attachments.content_type as _content_type,
    attachments.size_bytes as _file_size,
    'patient_attachment:' || attachments.patient_attachment_id
        in (select source_id from {{ ref('int_sample__members') }}) as _in_sample
from {{ ref('int_patient_attachments__sized') }} as attachments
inner join {{ ref('freshsales__patients_routed') }} as patients
    on attachments.patient_id = patients.patient_id
where not attachments.exceeds_freshsales_limit
