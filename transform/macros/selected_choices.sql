{#-
    The answer of a Cliniko choice question (checkboxes / radiobuttons) as text: the labels of the
    selected entries of `entries_key` (patient custom fields call them "options", treatment notes
    "answers"), then the free-text "other" answer when it is selected, joined with ", "; null if none.
-#}
{% macro selected_choices(question, entries_key, label_key) -%}
    nullif(concat_ws(', ',
        nullif(array_to_string(list_transform(
            list_filter(
                json_extract({{ question }}, '$.{{ entries_key }}[*]'),
                lambda entry: coalesce(try_cast(entry ->> 'selected' as boolean), false)
            ),
            lambda entry: entry ->> '{{ label_key }}'
        ), ', '), ''),
        case
            when coalesce(try_cast({{ question }} -> 'other' ->> 'selected' as boolean), false)
                then {{ question }} -> 'other' ->> 'value'
        end
    ), '')
{%- endmacro %}
