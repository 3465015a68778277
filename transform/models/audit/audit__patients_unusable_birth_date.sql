-- One row per migrated patient whose Cliniko birth date was given but is not migrated: not a real
-- date (30 February), or after the clinic's "now". The patient migrates without a birth date.
with raw_patients as (
    select cast(id as varchar) as patient_id, nullif(trim(cast(date_of_birth as varchar)), '') as given
    from {{ cliniko_source('patients') }}
)

select
    patients.patient_id,
    case
        when try_cast(raw_patients.given as date) is null then 'not_a_date'
        else 'in_the_future'
    end as problem
from {{ ref('int_patients__joined') }} as patients
inner join raw_patients
    on patients.patient_id = raw_patients.patient_id
where patients.date_of_birth is null
    and raw_patients.given is not null
