-- One row per downloaded patient attachment within Salesforce's file limit (var
-- attachment_size_limits_mb) as a ContentVersion published to the patient's Contact.
select
    'patient_attachment:' || files.patient_attachment_id as _source_id,
    'patient_attachment:' || files.patient_attachment_id as "Cliniko_Id__c",
    left(coalesce(nullif(trim(files.filename), ''), 'attachment ' || files.patient_attachment_id),
        255) as "Title",
    left(coalesce(nullif(trim(files.filename), ''), 'attachment-' || files.patient_attachment_id),
        500) as "PathOnClient",
    left(files.description, 1000) as "Description",
    contacts._source_id as "_ref__FirstPublishLocationId",
    files.content_path as _file_path,
    files.filename as _file_name,
    files.content_type as _content_type,
    'patient_attachment:' || files.patient_attachment_id
    in (select source_id from {{ ref('int_sample__members') }}) as _in_sample
from {{ ref('int_patient_attachments__sized') }} as files
inner join {{ ref('salesforce__contact') }} as contacts
    on contacts._source_id = 'patient:' || files.patient_id
where not coalesce(files.exceeds_salesforce_limit, false)
