-- One row per patient whose business is not known from their bookings (they get the account's first
-- business, or none when the account has no business).
select
    patient_id,
    business_id,
    business_source
from {{ ref('int_patients__joined') }}
where business_source <> 'appointments'
