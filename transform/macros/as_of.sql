{#- The instant status rules compare against: var `as_of` (ISO-8601) or the run's current timestamp. -#}
{% macro as_of() -%}
    {%- if var('as_of', none) -%}
        cast('{{ var("as_of") }}' as timestamp with time zone)
    {%- else -%}
        cast(current_timestamp as timestamp with time zone)
    {%- endif -%}
{%- endmacro %}
