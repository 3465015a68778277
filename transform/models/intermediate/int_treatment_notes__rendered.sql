-- One row per treatment note that is not deleted, its sectioned content rendered to plain text:
-- "Section\nQuestion: answer" lines, sections apart by a blank line, unanswered questions left out.
with notes as (
    select * from {{ ref('stg_cliniko__treatment_notes') }}
    where not is_deleted
),

sections as (
    select
        treatment_note_id,
        unnest(json_extract(content, '$.sections[*]')) as section,
        generate_subscripts(json_extract(content, '$.sections[*]'), 1) as section_index
    from notes
),

questions as (
    select
        treatment_note_id,
        section_index,
        nullif(trim(section ->> 'name'), '') as section_name,
        unnest(json_extract(section, '$.questions[*]')) as question,
        generate_subscripts(json_extract(section, '$.questions[*]'), 1) as question_index
    from sections
),

raw_answers as (
    select
        treatment_note_id,
        section_index,
        section_name,
        question_index,
        coalesce(nullif(trim(question ->> 'name'), ''), 'Question') as question_name,
        question ->> 'type' as question_type,
        case
            when question ->> 'type' in ('checkboxes', 'radiobuttons')
                then {{ selected_choices('question', 'answers', 'value') }}
            else question ->> 'answer'
        end as answer
    from questions
),

{# Paragraph answers carry limited HTML: drop script/style bodies, turn block tags into line breaks
   and list items into "- " lines, remove every other tag, then decode entities. #}
untagged as (
    select
        * exclude (answer),
        case when question_type = 'paragraph' then regexp_replace(
            regexp_replace(regexp_replace(regexp_replace(regexp_replace(regexp_replace(answer,
                '<(script|style)[^>]*>[\s\S]*?</(script|style)\s*>', '', 'gi'),
                '<br\s*/?>', chr(10), 'gi'),
                '<li[^>]*>', chr(10) || '- ', 'gi'),
                '</(p|div|h[1-6]|blockquote|ul|ol|tr)\s*>', chr(10), 'gi'),
                '<[^>]*>', '', 'g'),
            '&nbsp;', ' ', 'g'
        ) else answer end as answer
    from raw_answers
),

decoded as (
    select
        * exclude (answer),
        -- Numeric entities through chr() (invalid code points drop out); &amp; last, so that
        -- "&amp;lt;" decodes to the text "&lt;" and not to "<".
        replace(list_reduce(
            list_prepend(
                replace(replace(replace(replace(replace(answer,
                    '&lt;', '<'), '&gt;', '>'), '&quot;', '"'), '&#39;', ''''), '&apos;', ''''),
                regexp_extract_all(answer, '&#[0-9]{1,7};|&#[xX][0-9a-fA-F]{1,6};')
            ),
            lambda text, entity: replace(text, entity, coalesce(list_transform(
                [cast(case
                    when entity ilike '&#x%' then '0x' || substr(entity, 4, length(entity) - 4)
                    else substr(entity, 3, length(entity) - 3)
                end as integer)],
                lambda code: case
                    when code between 1 and 55295 or code between 57344 and 1114111 then chr(code)
                end
            )[1], ''))
        ), '&amp;', '&') as answer
    from untagged
),

answered as (
    select
        *,
        trim(regexp_replace(regexp_replace(answer, '[ \t]+\n', chr(10), 'g'), '\n{3,}',
            chr(10) || chr(10), 'g'), ' ' || chr(9) || chr(10)) as answer_text
    from decoded
),

rendered_sections as (
    select
        treatment_note_id,
        section_index,
        concat_ws(chr(10), section_name, string_agg(
            question_name || ': ' || answer_text, chr(10) order by question_index
        )) as section_text
    from answered
    where answer_text <> ''
    group by treatment_note_id, section_index, section_name
),

rendered as (
    select
        treatment_note_id,
        string_agg(section_text, chr(10) || chr(10) order by section_index) as body_text
    from rendered_sections
    group by treatment_note_id
)

select
    notes.treatment_note_id,
    notes.patient_id,
    notes.practitioner_id,
    notes.booking_id,
    notes.attendee_id,
    notes.treatment_note_template_id,
    notes.title,
    notes.author_name,
    coalesce(notes.draft, false) as is_draft,
    notes.finalized_at,
    rendered.body_text,
    coalesce(length(rendered.body_text), 0) as body_length,
    notes.is_archived,
    notes.created_at,
    notes.updated_at
from notes
left join rendered on notes.treatment_note_id = rendered.treatment_note_id
