-- One row per data-quality check with the number of rows that fail it (0 = clean).
{%- set checks = [
    'patients_missing_email',
    'patients_probable_duplicates',
    'patients_without_business',
    'practitioners_without_email',
    'appointments_missing_patient',
    'patients_invalid_email',
    'patients_missing_name',
    'patients_malformed_phone',
    'patients_unusable_birth_date',
    'patients_markup_in_notes',
    'invoices_zero_or_negative',
] %}
{%- for check in checks %}
select '{{ check }}' as check_name, count(*) as failing_rows from {{ ref('audit__' ~ check) }}
{{ "union all" if not loop.last }}
{%- endfor %}
