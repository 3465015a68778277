-- One row per Freshsales note on a contact or lead: short treatment notes, long ones that did not fit
-- cf_treatment_notes, and the overflow of text areas (medical history, allergies, patient notes).
-- Text longer than a note holds is split into numbered parts.
{%- set part_chars = 65000 %}  {#- a note holds 65,535 characters; the rest is room for a heading #}
{%- set overflows = [
    ('medical_history', 'medical_history_text', 'Medical History'),
    ('allergies', 'allergies_text', 'Allergies'),
    ('patient_notes', 'patient_notes_text', 'Patient notes'),
] %}
with texts as (
    select
        'treatment_note:' || treatment_note_id as base_source_id,
        'treatment_note:' || treatment_note_id as sample_source_id,
        patient_id,
        cast(null as varchar) as heading,
        block_text as body
    from {{ ref('freshsales__treatment_notes_placed') }}
    where placement = 'note'
    {%- for name, column, label in overflows %}
    union all
    -- What the 32,768-character text area cannot hold.
    select
        _source_id || ':{{ name }}_overflow',
        _source_id,
        patient_id,
        '{{ label }} (partial — full record in source)',
        substr({{ column }}, 32769)
    from {{ ref('freshsales__persons') }}
    where length({{ column }}) > 32768
    {%- endfor %}
),

parts as (
    select
        *,
        unnest(generate_series(1, cast(ceil(length(body) / {{ part_chars }}) as bigint))) as part,
        cast(ceil(length(body) / {{ part_chars }}) as bigint) as part_count
    from texts
)

select
    case when part = 1 then base_source_id else base_source_id || ':part' || part end as _source_id,
    concat_ws(chr(10) || chr(10),
        heading,
        case when part_count > 1 then '(part ' || part || ' of ' || part_count || ')' end,
        substr(body, 1 + (part - 1) * {{ part_chars }}, {{ part_chars }})
    ) as description,
    'patient:' || patient_id as _ref__targetable_id,
    sample_source_id in (select source_id from {{ ref('int_sample__members') }}) as _in_sample
from parts
