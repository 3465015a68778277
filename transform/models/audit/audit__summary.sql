-- One row per data-quality check with the number of rows that fail it (0 = clean).
{%- set checks = [
    'patients_missing_email',
    'patients_probable_duplicates',
    'patients_without_business',
    'practitioners_without_email',
    'appointments_missing_patient',
] %}
{%- for check in checks %}
select '{{ check }}' as check_name, count(*) as failing_rows from {{ ref('audit__' ~ check) }}
{{ "union all" if not loop.last }}
{%- endfor %}
