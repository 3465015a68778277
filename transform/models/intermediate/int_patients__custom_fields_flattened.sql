-- One row per patient with custom fields: the fields named in seed cliniko_custom_field_columns,
-- matched on field name (and section name where the seed gives one) without regard to case.
{%- set columns = var('custom_field_columns') %}
with patients as (
    select patient_id, custom_fields from {{ ref('stg_cliniko__patients') }}
    where not is_deleted and custom_fields is not null
),

sections as (
    select
        patient_id,
        unnest(json_extract(custom_fields, '$.sections[*]')) as section,
        generate_subscripts(json_extract(custom_fields, '$.sections[*]'), 1) as section_index
    from patients
),

fields as (
    select
        patient_id,
        section_index,
        lower(trim(section ->> 'name')) as section_name,
        unnest(json_extract(section, '$.fields[*]')) as field,
        generate_subscripts(json_extract(section, '$.fields[*]'), 1) as field_index
    from sections
),

valued as (
    select
        patient_id,
        section_index,
        field_index,
        section_name,
        lower(trim(field ->> 'name')) as field_name,
        nullif(trim(case
            when field ->> 'type' in ('checkboxes', 'radiobuttons')
                then {{ selected_choices('field', 'options', 'name') }}
            else field ->> 'value'
        end), '') as field_value
    from fields
),

mapped as (
    select
        valued.patient_id,
        column_map.column_name,
        valued.field_value,
        valued.section_index,
        valued.field_index
    from valued
    inner join {{ ref('cliniko_custom_field_columns') }} as column_map
        on valued.field_name = lower(trim(column_map.field_name))
        -- A seed row without a section matches the field in any section. Written as one
        -- comparison, not "seed section is null or sections equal": DuckDB evaluates that OR as a
        -- filter above the join and held about 100 MB more for it (docs/performance.md, scenario 6).
        and valued.section_name is not distinct from
            coalesce(lower(trim(column_map.section_name)), valued.section_name)
    where valued.field_value is not null
)

select
    patient_id,
    {%- for column in columns %}
    min_by(field_value, section_index * 10000 + field_index)
        filter (where column_name = '{{ column }}') as {{ column }}{{ "," if not loop.last }}
    {%- endfor %}
from mapped
group by patient_id
