"""Builders for the busy streams: appointments, attendees, notes, invoices, files, messages."""

from __future__ import annotations

from typing import Any

from clinic_sandbox.clinic import rates
from clinic_sandbox.clinic.content import form_content, note_content
from clinic_sandbox.clinic.context import DAY, Context, ts
from clinic_sandbox.clinic.files import LARGE_FILE_MIN, pdf_file, png_file, text_file

CANCELLATION_REASONS = [
    (10, "Feeling Better"),
    (20, "Condition Worse"),
    (30, "Sick"),
    (31, "COVID-19 related"),
    (40, "Away"),
    (50, "Other"),
    (60, "Work"),
]


def _settled(ctx: Context, starts: int) -> int:
    """When a past appointment was last touched: arrival, note and invoice within a few days."""
    return min(ctx.as_of, starts + ctx.rng.randrange(3600, 3 * DAY))


def _telehealth(ctx: Context) -> str:
    return f"https://telehealth.example/room/{ctx.rng.getrandbits(40):x}"


def individual_appointment(
    ctx: Context, patient_id: int, patient_created: int, case_id: int | None
) -> dict[str, Any]:
    """An individual appointment: past attended, future, cancelled, DNA, archived or deleted."""
    type_id, _, minutes, _, _ = ctx.pick(ctx.refs.individual_types)
    practitioner = ctx.pick(ctx.refs.practitioners)
    business = ctx.refs.businesses[
        ctx.refs.practitioners.index(practitioner) % len(ctx.refs.businesses)
    ]
    future = ctx.chance(rates.FUTURE)
    if future:
        starts = ctx.as_of + ctx.rng.randrange(3600, 90 * DAY)
    else:
        starts = ctx.between(patient_created + DAY, ctx.as_of - 3600)
    created = max(patient_created, min(starts, ctx.as_of) - ctx.rng.randrange(DAY, 20 * DAY))
    roll = ctx.rng.random()
    cancelled_at = archived_at = deleted_at = None
    did_not_arrive = False
    reason = None
    if roll < rates.CANCELLED:
        cancelled_at = ctx.between(created, min(starts, ctx.as_of))
        reason = ctx.pick(CANCELLATION_REASONS)
    elif not future and roll < rates.CANCELLED + rates.DID_NOT_ARRIVE:
        did_not_arrive = True
    elif not future and roll < rates.CANCELLED + rates.DID_NOT_ARRIVE + rates.ARCHIVED_APPOINTMENT:
        archived_at = ctx.between(starts, ctx.as_of)
    elif not future and roll < (
        rates.CANCELLED
        + rates.DID_NOT_ARRIVE
        + rates.ARCHIVED_APPOINTMENT
        + rates.DELETED_APPOINTMENT
    ):
        deleted_at = ctx.between(starts, ctx.as_of)
    hidden_at = cancelled_at or archived_at or deleted_at
    updated = hidden_at or (created if future else _settled(ctx, starts))
    arrived = not future and cancelled_at is None and not did_not_arrive and deleted_at is None
    r = ctx.rec(
        "individual_appointments",
        created,
        updated,
        archived_at=ts(archived_at),
        cancelled_at=ts(cancelled_at),
        deleted_at=ts(deleted_at),
        starts_at=ts(starts),
        ends_at=ts(starts + minutes * 60),
        patient_name=None,
        notes=ctx.pick(ctx.pools.sentences) if ctx.chance(0.1) else None,
        did_not_arrive=did_not_arrive,
        patient_arrived=arrived,
        online_booking_policy_accepted=ctx.chance(0.3),
        has_patient_appointment_notes=False,
        email_reminder_sent=not future,
        sms_reminder_sent=not future,
        booking_ip_address=f"203.0.113.{ctx.rng.randrange(1, 255)}" if ctx.chance(0.3) else None,
        cancellation_reason=reason[0] if reason else None,
        cancellation_reason_description=reason[1] if reason else None,
        cancellation_note="Rescheduled by phone" if reason and ctx.chance(0.5) else None,
        invoice_status=None,
        treatment_note_status=None,
        repeat_rule=None,
        telehealth_url=_telehealth(ctx),
        patient=ctx.link("patients", patient_id),
        practitioner=ctx.link("practitioners", practitioner),
        business=ctx.link("businesses", business),
        appointment_type=ctx.link("appointment_types", type_id),
        patient_case=ctx.link("patient_cases", case_id),
        repeated_from=None,
    )
    r["patient_name"] = None
    appt_id = r["id"]
    r["attendees"] = ctx.collection(f"individual_appointments/{appt_id}/attendees")
    r["conflicts"] = ctx.collection(f"individual_appointments/{appt_id}/conflicts")
    r["repeats"] = ctx.collection(f"individual_appointments?q[]=repeated_from_id:={appt_id}")
    return r


def attendee(
    ctx: Context, booking: dict[str, Any], patient_id: int, case_id: int | None
) -> dict[str, Any]:
    """The attendee row of an appointment (individual appointments have exactly one)."""
    created = booking["created_at"]
    r = ctx.rec("attendees", 0, 0)
    r.update(
        created_at=created,
        updated_at=booking["updated_at"],
        archived_at=booking.get("archived_at"),
        cancelled_at=booking.get("cancelled_at"),
        deleted_at=booking.get("deleted_at"),
        arrived=booking.get("patient_arrived", False),
        notes=None,
        booking_ip_address=booking.get("booking_ip_address"),
        online_booking_policy_accepted=booking.get("online_booking_policy_accepted"),
        cancellation_reason=booking.get("cancellation_reason"),
        cancellation_reason_description=booking.get("cancellation_reason_description"),
        cancellation_note=booking.get("cancellation_note"),
        cancellation_url=f"https://bookings.example/cancel/{ctx.rng.getrandbits(32):x}",
        invoice_status=None,
        treatment_note_status=None,
        sent_email_reminders_count=1,
        sent_sms_reminders_count=1,
        sent_email_follow_ups_count=0,
        sent_sms_follow_ups_count=0,
        email_reminder_sent=True,
        sms_reminder_sent=True,
        telehealth_url=_telehealth(ctx),
        booking=ctx.link("bookings", int(booking["id"])),
        patient=ctx.link("patients", patient_id),
        patient_case=ctx.link("patient_cases", case_id),
    )
    r["invoices"] = ctx.collection(f"attendees/{r['id']}/invoices")
    r["patient_forms"] = ctx.collection(f"attendees/{r['id']}/patient_forms")
    r["links"] = r.pop("links")
    return r


def group_appointment(ctx: Context, index: int) -> None:
    """A group class with 2-6 attendees drawn from patients created so far."""
    type_id, _, minutes, _, _ = ctx.pick(ctx.refs.group_types)
    practitioner = ctx.pick(ctx.refs.practitioners)
    future = ctx.chance(rates.FUTURE)
    first_patient = ctx.opened + (ctx.as_of - ctx.opened) * index // max(1, ctx.patients)
    starts = (
        ctx.as_of + ctx.rng.randrange(3600, 60 * DAY)
        if future
        else ctx.between(first_patient + DAY, ctx.as_of - 3600)
    )
    created = min(starts, ctx.as_of) - 7 * DAY
    members = sorted({ctx.patient_id(ctx.rng.randrange(index + 1)) for _ in range(6)})[
        : ctx.rng.randint(2, 6)
    ]
    r = ctx.rec(
        "group_appointments",
        created,
        created if future else _settled(ctx, starts),
        archived_at=None,
        deleted_at=ts(ctx.between(starts, ctx.as_of)) if not future and ctx.chance(0.02) else None,
        starts_at=ts(starts),
        ends_at=ts(starts + minutes * 60),
        max_attendees=10,
        notes=None,
        patient_ids=[str(m) for m in members],
        repeat_rule=None,
        telehealth_url=_telehealth(ctx),
        practitioner=ctx.link("practitioners", practitioner),
        business=ctx.link("businesses", ctx.pick(ctx.refs.businesses)),
        appointment_type=ctx.link("appointment_types", type_id),
        repeated_from=None,
    )
    r["attendees"] = ctx.collection(f"group_appointments/{r['id']}/attendees")
    r["conflicts"] = ctx.collection(f"group_appointments/{r['id']}/conflicts")
    r["repeats"] = ctx.collection(f"group_appointments?q[]=repeated_from_id:={r['id']}")
    ctx.add("group_appointments", r)
    for member in members:
        booking = {
            "id": r["id"],
            "created_at": r["created_at"],
            "updated_at": r["updated_at"],
            "deleted_at": r["deleted_at"],
            "patient_arrived": not future and r["deleted_at"] is None,
        }
        if not future and ctx.chance(rates.CANCELLED):
            reason = ctx.pick(CANCELLATION_REASONS)
            booking.update(
                cancelled_at=r["updated_at"],
                patient_arrived=False,
                cancellation_reason=reason[0],
                cancellation_reason_description=reason[1],
            )
        ctx.add("attendees", attendee(ctx, booking, member, None))


def treatment_note(
    ctx: Context, appt: dict[str, Any], att: dict[str, Any], patient_id: int
) -> dict[str, Any]:
    practitioner_id = int(appt["practitioner"]["links"]["self"].rsplit("/", 1)[1])
    draft = ctx.chance(rates.DRAFT_NOTE)
    written = appt["ends_at"]
    long = ctx.chance(rates.LONG_TREATMENT_NOTE)
    r = ctx.rec("treatment_notes", 0, 0)
    r.update(
        created_at=min(written, appt["updated_at"]),
        updated_at=appt["updated_at"],
        archived_at=appt["updated_at"] if ctx.chance(rates.ARCHIVED_NOTE) else None,
        deleted_at=appt["updated_at"] if ctx.chance(rates.DELETED_NOTE) else None,
        finalized_at=None if draft else appt["updated_at"],
        pinned_at=None,
        title="Treatment note",
        draft=draft,
        author_name=ctx.refs.practitioner_name[practitioner_id],
        content=note_content(ctx, written[:10], long),
        patient=ctx.link("patients", patient_id),
        practitioner=appt["practitioner"],
        treatment_note_template=ctx.link(
            "treatment_note_templates", ctx.pick(ctx.refs.note_templates)
        ),
        booking=ctx.link("bookings", int(appt["id"])),
        attendee=ctx.link("attendees", int(att["id"])),
    )
    r["links"] = r.pop("links")
    return r


def invoice_with_items(
    ctx: Context, appt: dict[str, Any], att: dict[str, Any], patient_id: int
) -> int:
    """An invoice for an attended appointment plus its lines; returns the invoice status."""
    type_id = int(appt["appointment_type"]["links"]["self"].rsplit("/", 1)[1])
    kind = next(t for t in ctx.refs.individual_types if t[0] == type_id)
    lines: list[tuple[str, str, str, int, str]] = [
        ("billable_items", kind[1], kind[4], kind[3], "0")
    ]
    if ctx.chance(0.3):
        product_id, name, price = ctx.pick(ctx.refs.products)
        lines.append(("products", name, price, product_id, "10"))
    status = ctx.pick([20, 20, 20, 20, 20, 10, 10, 30])
    r = _invoice(ctx, appt, att, patient_id, lines, status, None)
    if ctx.chance(rates.CREDIT_INVOICE):
        _invoice(ctx, appt, att, patient_id, lines, 40, int(r["id"]))
    return status


def _invoice(
    ctx: Context,
    appt: dict[str, Any],
    att: dict[str, Any],
    patient_id: int,
    lines: list[tuple[str, str, str, int, str]],
    status: int,
    original: int | None,
) -> dict[str, Any]:
    ctx.invoice_number += 1
    sign = -1 if status == 40 else 1
    net = sum(float(price) for _, _, price, _, _ in lines) * sign
    tax = sum(float(price) * float(rate) / 100 for _, _, price, _, rate in lines) * sign
    issued = appt["ends_at"]
    closed = status in (20, 30)
    r = ctx.rec("invoices", 0, 0)
    r.update(
        created_at=min(issued, appt["updated_at"]),
        updated_at=appt["updated_at"],
        archived_at=None,
        closed_at=appt["updated_at"] if closed else None,
        deleted_at=appt["updated_at"] if ctx.chance(0.003) else None,
        number=ctx.invoice_number,
        issue_date=issued[:10],
        status=status,
        status_description={10: "Open", 20: "Paid", 30: "Closed", 40: "Open credit"}[status],
        total_amount=f"{net + tax:.2f}",
        net_amount=f"{net:.2f}",
        tax_amount=f"{tax:.2f}",
        discounted_amount="0.00",
        invoice_to=None,
        notes=None,
        patient_extra_information=None,
        calculation_method=2,
        calculation_method_description="Tax exclusive",
        online_payment_url=None,
        patient=ctx.link("patients", patient_id),
        practitioner=appt["practitioner"],
        business=appt["business"],
        appointment=ctx.link("appointments", int(appt["id"])),
        attendee=ctx.link("attendees", int(att["id"])),
        original_invoice=ctx.link("invoices", original),
        signature=None,
    )
    invoice_id = r["id"]
    r["invoice_items"] = ctx.collection(f"invoices/{invoice_id}/invoice_items")
    r["reversed_invoices"] = ctx.collection(f"invoices?q%5B%5D=invoice_id%3A%3D{invoice_id}")
    r["links"] = r.pop("links")
    ctx.add("invoices", r)
    for stream, name, price, source_id, rate in lines:
        unit = float(price) * sign
        item = ctx.rec("invoice_items", 0, 0)
        item.update(
            created_at=r["created_at"],
            updated_at=r["updated_at"],
            archived_at=None,
            deleted_at=r["deleted_at"],
            name=name,
            code=None,
            tax_name="GST" if rate != "0" else "GST free",
            concession_type_name=None,
            quantity="1.0",
            unit_price=f"{unit:.2f}",
            net_price=f"{unit:.2f}",
            discount_percentage="0.0",
            discounted_amount="0.00",
            tax_rate=f"{float(rate):.1f}",
            tax_amount=f"{unit * float(rate) / 100:.2f}",
            total_including_tax=round(unit * (1 + float(rate) / 100), 2),
            is_monetary_discount=False,
            invoice=ctx.link("invoices", int(invoice_id)),
            billable_item=ctx.link(stream, source_id) if stream == "billable_items" else None,
            product=ctx.link(stream, source_id) if stream == "products" else None,
        )
        item["links"] = item.pop("links")
        ctx.add("invoice_items", item)
    return r


def patient_form(
    ctx: Context, appt: dict[str, Any], att: dict[str, Any], patient_id: int
) -> dict[str, Any]:
    completed = appt["patient_arrived"]
    r = ctx.rec("patient_forms", 0, 0)
    r.update(
        created_at=appt["created_at"],
        updated_at=appt["updated_at"],
        archived_at=appt["updated_at"] if ctx.chance(0.02) else None,
        completed_at=appt["created_at"] if completed else None,
        edited_at=None,
        name="New patient intake",
        restricted_to_practitioner=False,
        email_to_patient_on_completion=True,
        url=f"https://forms.example/f/{ctx.rng.getrandbits(48):x}",
        content=form_content(ctx, answered=completed),
        patient=ctx.link("patients", patient_id),
        attendee=ctx.link("attendees", int(att["id"])),
        booking=ctx.link("bookings", int(appt["id"])),
        business=appt["business"],
        signatures=None,
    )
    r["links"] = r.pop("links")
    return r


def _parties(sender: str | None, recipient: str | None) -> dict[str, Any]:
    """`from` and `to` are Python keywords, so they travel as a dict."""
    return {"from": sender, "to": recipient}


def communication(ctx: Context, patient_id: int, created: int) -> dict[str, Any]:
    """An appointment reminder (SMS or email) or, sometimes, a memo."""
    sent = ctx.between(created, ctx.as_of)
    if ctx.chance(0.15):
        return ctx.rec(
            "communications",
            sent,
            archived_at=ts(sent) if ctx.chance(0.05) else None,
            category="Memo",
            category_code=12,
            type="Phone call",
            type_code=3,
            direction_code=2,
            direction_description="Received",
            confidential=ctx.chance(0.2),
            content=ctx.pick(ctx.pools.sentences),
            **_parties(None, None),
            patient=ctx.link("patients", patient_id),
        )
    sms = ctx.chance(0.6)
    return ctx.rec(
        "communications",
        sent,
        archived_at=None,
        category="Appointment Reminder",
        category_code=6,
        type="SMS" if sms else "Email",
        type_code=1 if sms else 2,
        direction_code=1,
        direction_description="Sent",
        content="Reminder: your appointment is tomorrow.",
        content_subject=None if sms else "Appointment reminder",
        **_parties("Northside Physio", "patient"),
        patient=ctx.link("patients", patient_id),
        attendee=None,
        booking=None,
        invoice=None,
        letter=None,
        payment=None,
    )


def attachment(ctx: Context, patient_id: int, created: int) -> dict[str, Any]:
    """A patient file: small real bytes kept in the store, or a declared-large scan."""
    uploaded = ctx.between(created, ctx.as_of)
    n = ctx.counters.get("patient_attachments", 0) + 1
    per_thousand = max(1, int(1000 / max(1, rates.LARGE_ATTACHMENTS_PER_1000)))
    large = n % per_thousand == 1 and n > 0
    kind = ctx.rng.randrange(3)
    r = ctx.rec("patient_attachments", uploaded)
    r["archived_at"] = ts(ctx.between(uploaded, ctx.as_of)) if ctx.chance(0.03) else None
    attachment_id = int(r["id"])
    if large:
        filename, content_type = f"mri-scan-{n}.dcm", "application/dicom"
        size = LARGE_FILE_MIN + ctx.rng.randrange(15 * 1024 * 1024)
    else:
        if kind == 0:
            body = text_file(f"Referral letter\n\n{ctx.pick(ctx.pools.paragraphs)}\n")
            filename, content_type = f"referral-{n}.txt", "text/plain"
        elif kind == 1:
            body = png_file(n)
            filename, content_type = f"photo-{n}.png", "image/png"
        else:
            body = pdf_file(f"Report {n}: {ctx.pick(ctx.pools.sentences)}")
            filename, content_type = f"report-{n}.pdf", "application/pdf"
        size = len(body)
        ctx.store.put_blob(attachment_id, body)
    r.update(
        filename=filename,
        content_type=content_type,
        size=size,
        description=ctx.pick([None, "Scan", "Referral", "X-ray report"]),
        processed_at=r["created_at"],
        processing_completed=True,
        pinned_at=None,
        content=ctx.link("patient_attachments", f"{attachment_id}/content"),
        patient=ctx.link("patients", patient_id),
        user=ctx.link("users", ctx.refs.admin_user),
    )
    r["links"] = r.pop("links")
    return r
