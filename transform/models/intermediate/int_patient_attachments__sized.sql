-- One row per patient attachment: its size and, per destination in var attachment_size_limits_mb,
-- whether it is larger than that destination accepts (such files are flagged for manual handling).
with attachments as (
    select * from {{ ref('stg_cliniko__patient_attachments') }}
),

sized as (
    select
        patient_attachment_id,
        patient_id,
        user_id,
        filename,
        content_type,
        description,
        -- The API's size is null until processing completes; the tap's download size fills in.
        coalesce(size, content_size) as size_bytes,
        content_path,
        content_sha256,
        content_path is not null as is_downloaded,
        coalesce(processing_completed, false) as is_processed,
        is_archived,
        created_at,
        updated_at
    from attachments
)

select
    *,
    round(size_bytes / 1048576.0, 2) as size_mb,
    {%- for crm, limit_mb in var('attachment_size_limits_mb').items() %}
    coalesce(size_bytes > {{ limit_mb }} * 1048576, false) as exceeds_{{ crm }}_limit{{ "," if not loop.last }}
    {%- endfor %}
from sized
