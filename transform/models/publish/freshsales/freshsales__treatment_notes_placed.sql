-- One row per treatment note of a migrated patient: its text block and where it lands in Freshsales.
-- Notes under var freshsales_short_note_chars become notes; longer ones fill the contact's
-- cf_treatment_notes in date order up to its limit, and every long note after the first that does
-- not fit becomes a note too (so a new note never pushes an older one out of the field).
{{ config(schema='intermediate') }}
with notes as (
    select notes.*
    from {{ ref('int_treatment_notes__rendered') }} as notes
    inner join {{ ref('freshsales__patients_routed') }} as patients
        on notes.patient_id = patients.patient_id
    where notes.body_text is not null
),

blocks as (
    select
        treatment_note_id,
        patient_id,
        coalesce(finalized_at, created_at) as noted_at,
        body_length,
        -- A note's date, title and author head its block: Freshsales sets a note's own date itself.
        concat_ws(' — ',
            strftime(coalesce(finalized_at, created_at), '%Y-%m-%d'),
            coalesce(title, 'Treatment note') || case when is_draft then ' (draft)' else '' end,
            author_name
        ) || chr(10) || body_text as block_text,
        body_length < {{ var('freshsales_short_note_chars', 500) }} as is_short
    from notes
),

long_notes_packed as (
    select
        treatment_note_id,
        -- Blocks are joined by a blank line (2 characters) in the field.
        sum(length(block_text) + 2) over (
            partition by patient_id
            order by noted_at, treatment_note_id
            rows between unbounded preceding and current row
        ) - 2 as packed_length
    from blocks
    where not is_short
)

select
    blocks.treatment_note_id,
    blocks.patient_id,
    blocks.noted_at,
    blocks.block_text,
    case
        when blocks.is_short then 'note'
        -- 32,768 characters: a Freshsales text area.
        when long_notes_packed.packed_length <= 32768 then 'contact_field'
        else 'note'
    end as placement
from blocks
left join long_notes_packed on blocks.treatment_note_id = long_notes_packed.treatment_note_id
