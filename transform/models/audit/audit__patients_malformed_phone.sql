-- One row per (migrated patient, phone type) whose number cannot be dialled as typed: letters in
-- it, or fewer than 6 digits. The number migrates as typed (CRM phone fields are text, and a
-- receptionist's words in one are still information); this list is what to fix by hand.
{%- set phone_types = ['mobile', 'home', 'work', 'fax', 'other'] %}
with phones as (
    {%- for phone_type in phone_types %}
    select patient_id, '{{ phone_type }}' as phone_type, {{ phone_type }}_phone as phone
    from {{ ref('int_patients__joined') }}
    where {{ phone_type }}_phone is not null
    {{ "union all" if not loop.last }}
    {%- endfor %}
)

select
    patient_id,
    phone_type,
    regexp_matches(phone, '[[:alpha:]]') as has_letters,
    length(regexp_replace(phone, '[^0-9]', '', 'g')) as digit_count
from phones
where regexp_matches(phone, '[[:alpha:]]')
    or length(regexp_replace(phone, '[^0-9]', '', 'g')) < 6
