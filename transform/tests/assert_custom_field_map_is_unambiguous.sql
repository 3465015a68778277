-- A custom field name (within one section, or in any) must feed one column only.
select
    lower(trim(coalesce(section_name, ''))) as section_name,
    lower(trim(field_name)) as field_name,
    count(distinct column_name) as columns
from {{ ref('cliniko_custom_field_columns') }}
group by 1, 2
having count(distinct column_name) > 1
