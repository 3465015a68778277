-- One row per invoice whose total is zero (a no-charge visit) or negative (a credit). Both migrate
-- as they are, the amount kept; listed so that a reviewer can tell them from an error.
select
    invoice_id,
    case when total_amount = 0 then 'zero' else 'negative' end as amount_sign
from {{ ref('stg_cliniko__invoices') }}
where not is_deleted and total_amount <= 0
