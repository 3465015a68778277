-- One row per pair of patients that are probably the same person: the same name and birth date, or
-- the same email. The pair is listed once, the lower patient id first.
with patients as (
    select
        patient_id,
        lower(trim(first_name)) as first_name_key,
        lower(trim(last_name)) as last_name_key,
        date_of_birth,
        email
    from {{ ref('int_patients__joined') }}
),

-- Two equality joins rather than one join on "a or b", which would compare every pair of patients.
same_name_and_birth_date as (
    select first_patient.patient_id, second_patient.patient_id as duplicate_patient_id
    from patients as first_patient
    inner join patients as second_patient
        on first_patient.first_name_key = second_patient.first_name_key
        and first_patient.last_name_key = second_patient.last_name_key
        and first_patient.date_of_birth = second_patient.date_of_birth
        and first_patient.patient_id < second_patient.patient_id
),

same_email as (
    select first_patient.patient_id, second_patient.patient_id as duplicate_patient_id
    from patients as first_patient
    inner join patients as second_patient
        on first_patient.email = second_patient.email
        and first_patient.patient_id < second_patient.patient_id
),

pairs as (
    select patient_id, duplicate_patient_id, true as by_name, false as by_email
    from same_name_and_birth_date
    union all
    select patient_id, duplicate_patient_id, false as by_name, true as by_email
    from same_email
)

select
    patient_id,
    duplicate_patient_id,
    case
        when bool_or(by_name) and bool_or(by_email) then 'name_birth_date_and_email'
        when bool_or(by_name) then 'name_and_birth_date'
        else 'email'
    end as match_rule
from pairs
group by patient_id, duplicate_patient_id
