-- One row per (Cliniko entity, where its records went in Freshsales): every record in staging is
-- counted once, in the Freshsales stream that publishes it, in a contact's field, or in a row that
-- says why it is left out. The rows of an entity add up to `cliniko_count`, counted separately
-- from staging (tests/reconciliation/assert_freshsales_reconciliation_adds_up.sql proves it).
-- Where a record went is read from the publish models themselves, not re-derived from their rules,
-- so a rule that drops a record by mistake shows up as `unaccounted`. Counts only, no ids.
{#- Records that belong to a patient: they migrate only with their patient. #}
{%- set patient_records = "('individual_appointment', 'attendee', 'treatment_note', "
    ~ "'patient_attachment')" %}
with patients as (
    select
        patient_id,
        case
            when is_deleted then 'patient deleted in Cliniko'
            when merged_at is not null then 'patient merged into another patient'
        end as dropped_reason
    from {{ ref('stg_cliniko__patients') }}
),

-- Why a record that hangs off a patient is left out when its patient is.
patient_gone as (
    select patient_id, dropped_reason as reason from patients where dropped_reason is not null
),

published as (
    {%- for stream in ['contacts', 'leads', 'tasks', 'appointments', 'notes', 'deals', 'products',
        'sales_accounts'] %}
    select _source_id, '{{ stream }}' as crm_object, true as is_sendable
    from {{ ref('freshsales__' ~ stream) }}
    union all
    {%- endfor %}
    -- A document whose file tap-cliniko did not download is published (so the run accounts for
    -- it) but the target rejects it: it is not migrated until the file is downloaded.
    select _source_id, 'documents', _file_path is not null from {{ ref('freshsales__documents') }}
),

patient_records as (
    select
        'patients' as cliniko_entity,
        'patient' as source_entity,
        patients.patient_id as record_id,
        patients.patient_id,
        patients.dropped_reason as excluded_reason,
        cast(null as varchar) as not_migrated_reason
    from patients
),

practitioner_records as (
    select
        'practitioners',
        'practitioner',
        practitioner_id,
        cast(null as varchar),
        cast(null as varchar),
        cast(null as varchar)
    from {{ ref('stg_cliniko__practitioners') }}
),

individual_appointment_records as (
    select
        'appointments',
        'individual_appointment',
        individual_appointment_id,
        patient_id,
        case
            when is_deleted then 'deleted in Cliniko'
            when is_archived then 'archived in Cliniko (how the API deletes an appointment)'
        end,
        cast(null as varchar)
    from {{ ref('stg_cliniko__individual_appointments') }}
),

attendee_records as (
    select
        'appointments',
        'attendee',
        attendees.attendee_id,
        attendees.patient_id,
        case
            when attendees.is_deleted then 'deleted in Cliniko'
            when attendees.is_archived then 'archived in Cliniko (how the API deletes an appointment)'
            -- Cliniko lists an attendee for individual appointments too: the appointment migrates.
            when individual.individual_appointment_id is not null
                then 'attendee of an individual appointment (migrated as that appointment)'
            when groups.group_appointment_id is null then 'group appointment not extracted'
            when groups.is_deleted or groups.is_archived
                then 'group appointment deleted or archived in Cliniko'
        end,
        cast(null as varchar)
    from {{ ref('stg_cliniko__attendees') }} as attendees
    left join {{ ref('stg_cliniko__group_appointments') }} as groups
        on attendees.booking_id = groups.group_appointment_id
    left join {{ ref('stg_cliniko__individual_appointments') }} as individual
        on attendees.booking_id = individual.individual_appointment_id
),

treatment_note_records as (
    select
        'treatment_notes',
        'treatment_note',
        notes.treatment_note_id,
        notes.patient_id,
        case
            when notes.is_deleted then 'deleted in Cliniko'
            when rendered.body_text is null then 'no answered question (an empty note)'
        end,
        cast(null as varchar)
    from {{ ref('stg_cliniko__treatment_notes') }} as notes
    left join {{ ref('int_treatment_notes__rendered') }} as rendered
        on notes.treatment_note_id = rendered.treatment_note_id
),

invoice_records as (
    select
        'invoices',
        'invoice',
        invoice_id,
        cast(null as varchar),
        case when is_deleted then 'deleted in Cliniko' end,
        cast(null as varchar)
    from {{ ref('stg_cliniko__invoices') }}
),

product_records as (
    select 'products', 'product', product_id, cast(null as varchar), cast(null as varchar),
        cast(null as varchar)
    from {{ ref('stg_cliniko__products') }}
    union all
    select 'products', 'billable_item', billable_item_id, null, null, null
    from {{ ref('stg_cliniko__billable_items') }}
),

business_records as (
    select
        'businesses',
        'business',
        business_id,
        cast(null as varchar),
        case when is_deleted then 'deleted in Cliniko' end,
        cast(null as varchar)
    from {{ ref('stg_cliniko__businesses') }}
),

attachment_records as (
    select
        'attachments',
        'patient_attachment',
        attachments.patient_attachment_id,
        attachments.patient_id,
        cast(null as varchar),
        case when sized.exceeds_freshsales_limit then
            'larger than Freshsales accepts ({{ var("attachment_size_limits_mb")["freshsales"] }} MB):'
            || ' listed in audit.freshsales__attachments_too_large'
        end
    from {{ ref('stg_cliniko__patient_attachments') }} as attachments
    left join {{ ref('int_patient_attachments__sized') }} as sized
        on attachments.patient_attachment_id = sized.patient_attachment_id
),

records as (
    select * from patient_records
    union all select * from practitioner_records
    union all select * from individual_appointment_records
    union all select * from attendee_records
    union all select * from treatment_note_records
    union all select * from invoice_records
    union all select * from product_records
    union all select * from business_records
    union all select * from attachment_records
),

placed_in_field as (
    select treatment_note_id
    from {{ ref('freshsales__treatment_notes_placed') }}
    where placement = 'contact_field'
),

classified as (
    select
        records.cliniko_entity,
        records.source_entity,
        case
            when published.crm_object is not null and published.is_sendable
                then published.crm_object
            when published.crm_object is not null then 'not_migrated'
            when placed_in_field.treatment_note_id is not null then 'cf_treatment_notes'
            when records.excluded_reason is not null then 'excluded'
            when patient_gone.reason is not null then 'excluded'
            when records.not_migrated_reason is not null then 'not_migrated'
            when records.source_entity in {{ patient_records }} and patients.patient_id is null
                then 'excluded'
            else 'unaccounted'
        end as destination,
        published.crm_object,
        case
            when published.crm_object is not null and published.is_sendable then
                case
                    when records.source_entity = 'practitioner'
                        then 'written only when their email matches no Freshsales user'
                end
            when published.crm_object is not null
                then 'file not downloaded (tap-cliniko download_attachments is off): the target '
                    || 'rejects it until a run with the file'
            when placed_in_field.treatment_note_id is not null
                then 'long note, in the contact''s or lead''s cf_treatment_notes field'
            when records.excluded_reason is not null then records.excluded_reason
            when patient_gone.reason is not null then patient_gone.reason
            when records.not_migrated_reason is not null then records.not_migrated_reason
            when records.source_entity in {{ patient_records }} and records.patient_id is null
                then 'no patient'
            when records.source_entity in {{ patient_records }} and patients.patient_id is null
                then 'patient not extracted from Cliniko'
            else 'in no publish model and no known exclusion'
        end as reason,
        -- The target may refuse these on purpose: a practitioner who is a Freshsales user, a
        -- file that is not on this machine. Any other reject is a failure to look into.
        published.crm_object is not null
            and (records.source_entity = 'practitioner' or not published.is_sendable)
            as may_be_rejected
    from records
    left join published
        on records.source_entity || ':' || records.record_id = published._source_id
    left join placed_in_field
        on records.source_entity = 'treatment_note'
        and records.record_id = placed_in_field.treatment_note_id
    left join patient_gone on records.patient_id = patient_gone.patient_id
    left join patients on records.patient_id = patients.patient_id
),

-- Counted straight from staging, apart from the classification, so the two can disagree.
cliniko_counts as (
    {%- for entity, models in [
        ('patients', ['stg_cliniko__patients']),
        ('practitioners', ['stg_cliniko__practitioners']),
        ('appointments', ['stg_cliniko__individual_appointments', 'stg_cliniko__attendees']),
        ('treatment_notes', ['stg_cliniko__treatment_notes']),
        ('invoices', ['stg_cliniko__invoices']),
        ('products', ['stg_cliniko__products', 'stg_cliniko__billable_items']),
        ('businesses', ['stg_cliniko__businesses']),
        ('attachments', ['stg_cliniko__patient_attachments']),
    ] %}
    select
        '{{ entity }}' as cliniko_entity,
        '{{ models | map("replace", "stg_cliniko__", "") | join(", ") }}' as cliniko_streams,
        {% for model in models -%}
        (select count(*) from {{ ref(model) }}){{ " + " if not loop.last }}
        {%- endfor %} as cliniko_count
    {{ "union all" if not loop.last }}
    {%- endfor %}
)

select
    cliniko_counts.cliniko_entity,
    cliniko_counts.cliniko_streams,
    cliniko_counts.cliniko_count,
    -- An entity with no record in staging still has its row, so the table names every entity.
    coalesce(grouped.destination, 'none') as destination,
    grouped.crm_object,
    grouped.reason,
    grouped.source_id_prefixes,
    coalesce(grouped.may_be_rejected, false) as may_be_rejected,
    coalesce(grouped.record_count, 0) as record_count
from cliniko_counts
left join (
    select
        cliniko_entity,
        destination,
        crm_object,
        reason,
        may_be_rejected,
        -- The `_source_id` prefixes of these records: crmsync matches the sync store on them.
        list(distinct source_entity order by source_entity) as source_id_prefixes,
        count(*) as record_count
    from classified
    group by all
) as grouped
    on cliniko_counts.cliniko_entity = grouped.cliniko_entity
order by cliniko_counts.cliniko_entity, grouped.record_count desc, grouped.destination
