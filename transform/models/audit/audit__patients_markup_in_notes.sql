-- One row per migrated patient whose notes hold HTML tags. Patient notes are plain text in Cliniko
-- and in both CRMs: they migrate as typed (the CRM shows tags as text, it does not run them). A
-- treatment note's HTML is turned into text before it migrates (int_treatment_notes__rendered).
select
    patient_id,
    regexp_matches(notes, '<\s*script', 'i') as has_script_tag
from {{ ref('int_patients__joined') }}
where regexp_matches(notes, '<\s*/?\s*[a-zA-Z][^>]*>')
