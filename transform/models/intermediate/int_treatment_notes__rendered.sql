-- One row per treatment note that is not deleted, its sectioned content rendered to plain text:
-- "Section\nQuestion: answer" lines, sections apart by a blank line, unanswered questions left out.
-- Each note is rendered on its own row, through lists (its sections, each with its questions),
-- never by unnesting questions into rows and grouping them back: a group by note holds every
-- note of the clinic in memory at once, so dbt's memory grew with the clinic
-- (docs/performance.md, scenario 6). Row by row, the model streams.
with notes as (
    select * from {{ ref('stg_cliniko__treatment_notes') }}
    where not is_deleted
),

questions as (
    select
        * exclude (content),
        list_transform(json_extract(content, '$.sections[*]'), lambda section: {
            'section_name': nullif(trim(section ->> 'name'), ''),
            'questions': list_transform(json_extract(section, '$.questions[*]'), lambda question: {
                'question_name': coalesce(nullif(trim(question ->> 'name'), ''), 'Question'),
                'question_type': question ->> 'type',
                'answer': case
                    when question ->> 'type' in ('checkboxes', 'radiobuttons')
                        then {{ selected_choices('question', 'answers', 'value') }}
                    else question ->> 'answer'
                end
            })
        }) as sections
    from notes
),

{# Paragraph answers carry limited HTML: drop script/style bodies, turn block tags into line breaks
   and list items into "- " lines, remove every other tag, then decode entities. #}
untagged as (
    select * replace (
        list_transform(sections, lambda section: struct_update(section, questions :=
            list_transform(section.questions, lambda question: struct_update(question, answer :=
                case when question.question_type = 'paragraph' then regexp_replace(
                    regexp_replace(regexp_replace(regexp_replace(regexp_replace(regexp_replace(
                        question.answer,
                        '<(script|style)[^>]*>[\s\S]*?</(script|style)\s*>', '', 'gi'),
                        '<br\s*/?>', chr(10), 'gi'),
                        '<li[^>]*>', chr(10) || '- ', 'gi'),
                        '</(p|div|h[1-6]|blockquote|ul|ol|tr)\s*>', chr(10), 'gi'),
                        '<[^>]*>', '', 'g'),
                    '&nbsp;', ' ', 'g'
                ) else question.answer end
            ))
        )) as sections
    )
    from questions
),

decoded as (
    -- Numeric entities through chr() (invalid code points drop out); &amp; last, so that
    -- "&amp;lt;" decodes to the text "&lt;" and not to "<".
    select * replace (
        list_transform(sections, lambda section: struct_update(section, questions :=
            list_transform(section.questions, lambda question: struct_update(question, answer :=
                replace(list_reduce(
                    list_prepend(
                        replace(replace(replace(replace(replace(question.answer,
                            '&lt;', '<'), '&gt;', '>'), '&quot;', '"'), '&#39;', ''''),
                            '&apos;', ''''),
                        regexp_extract_all(
                            question.answer, '&#[0-9]{1,7};|&#[xX][0-9a-fA-F]{1,6};'
                        )
                    ),
                    lambda text, entity: replace(text, entity, coalesce(list_transform(
                        [cast(case
                            when entity ilike '&#x%'
                                then '0x' || substr(entity, 4, length(entity) - 4)
                            else substr(entity, 3, length(entity) - 3)
                        end as integer)],
                        lambda code: case
                            when code between 1 and 55295 or code between 57344 and 1114111
                                then chr(code)
                        end
                    )[1], ''))
                ), '&amp;', '&')
            ))
        )) as sections
    )
    from untagged
),

-- Per section, the "Question: answer" lines of its answered questions, in order.
answered as (
    select * replace (
        list_transform(sections, lambda section: {
            'section_name': section.section_name,
            'lines': list_filter(
                list_transform(section.questions, lambda question:
                    question.question_name || ': ' || nullif(trim(regexp_replace(regexp_replace(
                        question.answer, '[ \t]+\n', chr(10), 'g'), '\n{3,}', chr(10) || chr(10), 'g'),
                        ' ' || chr(9) || chr(10)), '')
                ),
                lambda line: line is not null
            )
        }) as sections
    )
    from decoded
),

-- Sections without an answered question are left out; a note with none has no body (null).
rendered as (
    select
        *,
        nullif(array_to_string(
            list_transform(
                list_filter(sections, lambda section: len(section.lines) > 0),
                lambda section: concat_ws(
                    chr(10), section.section_name, array_to_string(section.lines, chr(10))
                )
            ),
            chr(10) || chr(10)
        ), '') as body_text
    from answered
)

select
    treatment_note_id,
    patient_id,
    practitioner_id,
    booking_id,
    attendee_id,
    treatment_note_template_id,
    title,
    author_name,
    coalesce(draft, false) as is_draft,
    finalized_at,
    body_text,
    coalesce(length(body_text), 0) as body_length,
    is_archived,
    created_at,
    updated_at
from rendered
