-- Fails with one row per Cliniko entity whose destinations do not add up to its count in staging,
-- or that has records no publish model and no known exclusion explains.
select
    cliniko_entity,
    max(cliniko_count) as cliniko_count,
    sum(record_count) as accounted,
    sum(record_count) filter (where destination = 'unaccounted') as unaccounted
from {{ ref('audit__freshsales_reconciliation') }}
group by cliniko_entity
having count(distinct cliniko_count) <> 1
    or max(cliniko_count) <> sum(record_count)
    or coalesce(sum(record_count) filter (where destination = 'unaccounted'), 0) > 0
