{#-
    The latest version of each record of a raw Cliniko table, with every column its source declares.

    Rows are deduplicated on `key` (the stream's primary key), keeping the latest `updated_at`, then
    the latest `_sdc_received_at` (the loader merges on the key, but an at-least-once replay or an
    append-only load can still leave duplicates). The window ranks only the key, the ordering
    columns and rowid, and the rows are then read by rowid: ranking whole rows made DuckDB hold
    every row of the table (note content, custom fields) in memory at once.

    A stream that was empty or deselected has no table, and an older staging file may lack a
    newer column: both read as typed nulls, so `dbt build` works on any staging file. Lineage
    still goes through source().
-#}
{% macro cliniko_source(table_name, key=['id']) %}
    {%- set relation = source('cliniko', table_name) -%}
    {%- if not execute -%}
        {{ return(relation) }}
    {%- endif -%}
    {%- set existing = adapter.get_relation(
        database=relation.database, schema=relation.schema, identifier=relation.identifier
    ) -%}
    {%- set present = [] -%}
    {%- if existing is not none -%}
        {%- for column in adapter.get_columns_in_relation(existing) -%}
            {%- do present.append(column.name | lower) -%}
        {%- endfor -%}
    {%- endif -%}
    {%- set source_node = graph.sources['source.' ~ project_name ~ '.cliniko.' ~ table_name] -%}
    {%- set declared = source_node.columns.values() | list -%}
    {%- set declared_names = declared | map(attribute='name') | list -%}
    (
        select
        {%- for column in declared %}
            {% if column.name | lower in present -%}
                {{ adapter.quote(column.name) }}
            {%- else -%}
                cast(null as {{ column.data_type }}) as {{ adapter.quote(column.name) }}
            {%- endif %}{{ "," if not loop.last }}
        {%- endfor %}
        {%- if existing is none %}
        from (select 1) as absent where false
        {%- else %}
        from {{ existing }}
        where rowid in (
            select rowid from {{ existing }}
            qualify row_number() over (
                partition by {{ key | join(', ') }}
                order by
                    {% if 'updated_at' in declared_names -%}
                    try_cast(updated_at as timestamp with time zone) desc nulls last,
                    {% endif -%}
                    _sdc_received_at desc nulls last
            ) = 1
        )
        {%- endif %}
    )
{% endmacro %}
