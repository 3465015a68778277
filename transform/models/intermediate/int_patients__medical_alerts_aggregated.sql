-- One row per patient with medical alerts: every alert name, and those that read as allergies
-- (var allergy_alert_pattern, case-insensitive), each list joined with "; " oldest first.
with alerts as (
    select * from {{ ref('stg_cliniko__medical_alerts') }}
    where not is_deleted and not is_archived and name is not null
)

select
    patient_id,
    count(*) as medical_alert_count,
    string_agg(name, '; ' order by created_at, medical_alert_id) as medical_alerts,
    string_agg(name, '; ' order by created_at, medical_alert_id)
        filter (where regexp_matches(name, '{{ var("allergy_alert_pattern") }}', 'i')) as allergies
from alerts
where patient_id is not null
group by patient_id
