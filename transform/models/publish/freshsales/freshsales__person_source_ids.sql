-- One row per `_source_id` a contact/lead reference may name: every contact and lead (the target for
-- relationships tests of the polymorphic `_ref__targetable_id` and `_ref__contact_id`).
{{ config(schema='intermediate') }}
select _source_id, 'contacts' as stream from {{ ref('freshsales__contacts') }}
union all
select _source_id, 'leads' from {{ ref('freshsales__leads') }}
