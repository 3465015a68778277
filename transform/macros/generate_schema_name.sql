{#- Schemas are named exactly (staging, intermediate, audit, publish_<crm>): no target-schema prefix. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is not none -%}
        {{ custom_schema_name | trim }}
    {%- elif node.fqn | length > 3 and node.fqn[1] == 'publish' -%}
        publish_{{ node.fqn[2] }}
    {%- else -%}
        {{ target.schema }}
    {%- endif -%}
{%- endmacro %}
