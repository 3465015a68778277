-- One row per treatment note of a migrated patient as a ContentNote on the Contact. The note's
-- timestamps are kept twice: in CreatedDate/LastModifiedDate (sent only where the org allows
-- audit fields, setting set_audit_fields) and in the title, which always survives. ContentNote
-- takes no custom fields, so it has no Cliniko_Id__c: the target's id map holds each note.
select
    'treatment_note:' || notes.treatment_note_id as _source_id,
    left(concat_ws(' — ', coalesce(nullif(trim(notes.title), ''), 'Treatment note'),
        strftime(notes.created_at, '%Y-%m-%d %H:%M UTC')), 255) as "Title",
    concat_ws(chr(10),
        'Created ' || strftime(notes.created_at, '%Y-%m-%d %H:%M UTC')
        || coalesce(' by ' || notes.author_name, ''),
        case when notes.is_draft then 'Draft (not finalised in Cliniko)' end,
        coalesce(notes.body_text, '')
    ) as "Content",
    notes.created_at as "CreatedDate",
    notes.updated_at as "LastModifiedDate",
    contacts._source_id as "_ref__LinkedEntityId",
    'treatment_note:' || notes.treatment_note_id
    in (select source_id from {{ ref('int_sample__members') }}) as _in_sample
from {{ ref('int_treatment_notes__rendered') }} as notes
inner join {{ ref('salesforce__contact') }} as contacts
    on contacts._source_id = 'patient:' || notes.patient_id
