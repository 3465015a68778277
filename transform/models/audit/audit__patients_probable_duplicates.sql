-- One row per pair of patients that are probably the same person: the same name and birth date, or
-- the same email. The pair is listed once, the older record id first.
with patients as (
    select
        patient_id,
        lower(trim(first_name)) as first_name_key,
        lower(trim(last_name)) as last_name_key,
        date_of_birth,
        email
    from {{ ref('int_patients__joined') }}
),

pairs as (
    select
        first_patient.patient_id,
        second_patient.patient_id as duplicate_patient_id,
        first_patient.first_name_key = second_patient.first_name_key
            and first_patient.last_name_key = second_patient.last_name_key
            and first_patient.date_of_birth = second_patient.date_of_birth as same_name_and_birth_date,
        coalesce(first_patient.email = second_patient.email, false) as same_email
    from patients as first_patient
    inner join patients as second_patient
        on first_patient.patient_id < second_patient.patient_id
        and (
            (
                first_patient.first_name_key = second_patient.first_name_key
                and first_patient.last_name_key = second_patient.last_name_key
                and first_patient.date_of_birth = second_patient.date_of_birth
            )
            or first_patient.email = second_patient.email
        )
)

select
    patient_id,
    duplicate_patient_id,
    case
        when same_name_and_birth_date and same_email then 'name_birth_date_and_email'
        when same_name_and_birth_date then 'name_and_birth_date'
        else 'email'
    end as match_rule
from pairs
