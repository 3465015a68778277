{#-
    A Cliniko postal address as staged, each part text with '' read as null: `lines` address lines
    (businesses have two, patients and contacts three), then city, state, post code, country and
    country code. Every column ends in a comma: call it before the model's other columns.
-#}
{% macro address_columns(lines=3) -%}
    {%- set parts = [] -%}
    {%- for line in range(1, lines + 1) -%}
        {%- do parts.append('address_' ~ line) -%}
    {%- endfor -%}
    {%- for part in parts + ['city', 'state', 'post_code', 'country', 'country_code'] -%}
        {{ '\n        ' if not loop.first }}nullif({{ part }}, '') as {{ part }},
    {%- endfor -%}
{%- endmacro %}
