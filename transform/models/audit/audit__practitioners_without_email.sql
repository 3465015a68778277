-- One row per practitioner with no user email: they cannot be matched to a CRM user as owner.
select
    practitioner_id,
    user_id,
    is_active
from {{ ref('int_practitioners__joined') }}
where email is null
