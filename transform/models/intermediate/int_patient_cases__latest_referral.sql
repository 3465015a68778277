-- One row per patient with a referral case (a Medicare EPC/GP plan or DVA referral): the case issued
-- last among those not archived, its type, dates, session limit and referring contact.
with cases as (
    select * from {{ ref('stg_cliniko__patient_cases') }}
    where not is_archived and coalesce(referral, false) and patient_id is not null
)

select
    patient_id,
    patient_case_id,
    referral_type,
    issue_date as referral_issue_date,
    expiry_date as referral_expiry_date,
    max_sessions as referral_max_sessions,
    contact_id as referral_contact_id,
    closed_at is not null or coalesce(closed, false) as is_closed
from cases
qualify row_number() over (
    partition by patient_id
    order by issue_date desc nulls last, created_at desc, patient_case_id desc
) = 1
