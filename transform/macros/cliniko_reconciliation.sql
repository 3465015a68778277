{#-
    The Cliniko → CRM reconciliation shared by audit.audit__<crm>_reconciliation: one row per
    (Cliniko entity, where its records went). Every record in staging is counted once, in the CRM
    stream that publishes it, in a field of another record, or in a row that says why it is left
    out; the rows of an entity add up to `cliniko_count`, counted separately from staging. Where a
    record went is read from the publish models themselves, not re-derived from their rules, so a
    rule that drops a record by mistake shows up as `unaccounted`. Counts only, no ids.

    crm: the publish models' prefix (`freshsales`), also the attachment size limit's key.
    streams: the CRM's publish streams that are always sendable.
    file_stream: the stream of files, sendable only when tap-cliniko downloaded the file.
    too_large_reason: SQL text, the reason for a file above the CRM's size limit.
    practitioner_reason: SQL text, the condition on writing a practitioner (who may be refused
        on purpose because they are a CRM user), or none.
    placed_in_field: {model, destination, reason} for long notes kept in a field of the person
        (the model's rows with placement 'contact_field'), or none.
    appointment_types: whether appointment types migrate (an entity of their own).
-#}
{%- macro cliniko_reconciliation(crm, streams, file_stream, too_large_reason,
    practitioner_reason=none, placed_in_field=none, appointment_types=false) -%}
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
    {%- for stream in streams %}
    select _source_id, '{{ stream }}' as crm_object, true as is_sendable
    from {{ ref(crm ~ '__' ~ stream) }}
    union all
    {%- endfor %}
    -- A file tap-cliniko did not download is published (so the run accounts for it) but the
    -- target rejects it: it is not migrated until the file is downloaded.
    select _source_id, '{{ file_stream }}', _file_path is not null
    from {{ ref(crm ~ '__' ~ file_stream) }}
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
        case when sized.exceeds_{{ crm }}_limit then
            {{ too_large_reason }}
        end
    from {{ ref('stg_cliniko__patient_attachments') }} as attachments
    left join {{ ref('int_patient_attachments__sized') }} as sized
        on attachments.patient_attachment_id = sized.patient_attachment_id
),

{%- if appointment_types %}

appointment_type_records as (
    select
        'appointment_types',
        'appointment_type',
        appointment_type_id,
        cast(null as varchar),
        cast(null as varchar),
        cast(null as varchar)
    from {{ ref('stg_cliniko__appointment_types') }}
),
{%- endif %}

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
    {%- if appointment_types %}
    union all select * from appointment_type_records
    {%- endif %}
),

placed_in_field as (
    {%- if placed_in_field %}
    select treatment_note_id
    from {{ ref(placed_in_field.model) }}
    where placement = 'contact_field'
    {%- else %}
    select cast(null as varchar) as treatment_note_id
    where false
    {%- endif %}
),

classified as (
    select
        records.cliniko_entity,
        records.source_entity,
        case
            when published.crm_object is not null and published.is_sendable
                then published.crm_object
            when published.crm_object is not null then 'not_migrated'
            when placed_in_field.treatment_note_id is not null
                then '{{ placed_in_field.destination if placed_in_field else "" }}'
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
                        then {{ practitioner_reason or 'null' }}
                end
            when published.crm_object is not null
                then 'file not downloaded (tap-cliniko download_attachments is off): the target '
                    || 'rejects it until a run with the file'
            when placed_in_field.treatment_note_id is not null
                then '{{ placed_in_field.reason if placed_in_field else "" }}'
            when records.excluded_reason is not null then records.excluded_reason
            when patient_gone.reason is not null then patient_gone.reason
            when records.not_migrated_reason is not null then records.not_migrated_reason
            when records.source_entity in {{ patient_records }} and records.patient_id is null
                then 'no patient'
            when records.source_entity in {{ patient_records }} and patients.patient_id is null
                then 'patient not extracted from Cliniko'
            else 'in no publish model and no known exclusion'
        end as reason,
        -- The target may refuse these on purpose: a practitioner who is a CRM user (where the
        -- CRM represents them by the user), a file that is not on this machine. Any other reject
        -- is a failure to look into.
        published.crm_object is not null
            and ({% if practitioner_reason %}records.source_entity = 'practitioner' or {% endif -%}
                not published.is_sendable)
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
    ] + ([('appointment_types', ['stg_cliniko__appointment_types'])] if appointment_types else [])
    %}
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
{%- endmacro %}


{#- The singular "adds up" test of an audit__<crm>_reconciliation model: one failing row per Cliniko
    entity whose destinations do not add up to its count in staging, or that has records no
    publish model and no known exclusion explains. -#}
{%- macro reconciliation_does_not_add_up(model) %}
select
    cliniko_entity,
    max(cliniko_count) as cliniko_count,
    sum(record_count) as accounted,
    sum(record_count) filter (where destination = 'unaccounted') as unaccounted
from {{ model }}
group by cliniko_entity
having count(distinct cliniko_count) <> 1
    or max(cliniko_count) <> sum(record_count)
    or coalesce(sum(record_count) filter (where destination = 'unaccounted'), 0) > 0
{%- endmacro %}
