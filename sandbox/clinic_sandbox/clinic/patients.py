"""One patient at a time: the patient record and everything that hangs off it."""

from __future__ import annotations

from collections import deque
from typing import Any

from clinic_sandbox.clinic import rates
from clinic_sandbox.clinic.content import patient_custom_fields
from clinic_sandbox.clinic.context import DAY, Context, date, ts
from clinic_sandbox.clinic.pools import EMOJI, HTML_SNIPPETS, MEDICAL_ALERTS
from clinic_sandbox.clinic.records import (
    attachment,
    attendee,
    communication,
    individual_appointment,
    invoice_with_items,
    patient_form,
    treatment_note,
)
from clinic_sandbox.store import link

_RECENT = 500  # duplicates copy one of the last few hundred patients


class PatientBuilder:
    """Builds patients in index order, remembering recent ones to duplicate."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.recent: deque[tuple[str, str, str | None, str | None, int]] = deque(maxlen=_RECENT)
        self.span = max(DAY, ctx.as_of - 30 * DAY - ctx.opened)

    def build(self, index: int) -> None:
        ctx = self.ctx
        created = ctx.opened + self.span * index // ctx.patients + ctx.rng.randrange(3600)
        patient_id = ctx.patient_id(index)
        first, last, dob, email, original = self._identity(index)
        archived_at = merged_at = None
        if original is not None and ctx.chance(rates.MERGED_DUPLICATE):
            merged_at = ctx.between(created, ctx.as_of)
            archived_at = merged_at
        elif ctx.chance(rates.ARCHIVED_PATIENT):
            archived_at = ctx.between(created, ctx.as_of)
        latest = self._appointments(index, patient_id, created)
        self._extras(index, patient_id, created)
        record = self._patient(patient_id, created, first, last, dob, email, latest)
        record["archived_at"] = ts(archived_at)
        record["merged_at"] = ts(merged_at)
        record["merged_with_patient"] = (
            ctx.link("patients", original) if merged_at is not None else None
        )
        if archived_at is not None and (ts(archived_at) or "") > record["updated_at"]:
            record["updated_at"] = ts(archived_at)
        ctx.add("patients", record)
        self.recent.append((first, last, dob, email, patient_id))

    def _identity(self, index: int) -> tuple[str, str, str | None, str | None, int | None]:
        ctx = self.ctx
        if self.recent and ctx.chance(rates.DUPLICATE_PATIENT):
            first, last, dob, email, original = ctx.pick(list(self.recent))
            return first, last, dob, email if ctx.chance(0.5) else None, original
        roll = ctx.rng.random()
        if roll < rates.RTL_NAME:
            first, last = ctx.pick(ctx.pools.rtl_names)
        elif roll < rates.RTL_NAME + rates.UNICODE_NAME:
            first, last = ctx.pick(ctx.pools.unicode_names)
        else:
            first, last = ctx.pick(ctx.pools.first_names), ctx.pick(ctx.pools.last_names)
        dob = None
        if not ctx.chance(rates.MISSING_DATE_OF_BIRTH):
            dob = date(ctx.between(-30 * 365 * DAY, 50 * 365 * DAY))
        email = None
        if not ctx.chance(rates.MISSING_EMAIL):
            local = f"{first}.{last}".lower().replace(" ", "").replace("'", "")
            if not local.isascii():
                local = "patient"
            email = f"{local}.{index}@{ctx.pick(['example.com', 'mail.example', 'example.org'])}"
        return first, last, dob, email, None

    def _patient(
        self,
        patient_id: int,
        created: int,
        first: str,
        last: str,
        dob: str | None,
        email: str | None,
        latest: int | None,
    ) -> dict[str, Any]:
        ctx = self.ctx
        city, state, post_code = ctx.pick(ctx.pools.cities)
        phones = [ctx.phone("Mobile")] + ([ctx.phone("Home")] if ctx.chance(0.3) else [])
        if ctx.chance(rates.INVALID_PHONE):
            bad = ctx.pick(["12345", "call mum", "0400 ABC DEF", "+61 (0) 4"])
            phones[0] = {"phone_type": "Mobile", "number": bad, "normalized_number": ""}
        preferred = None
        if ctx.chance(rates.EMOJI):
            preferred = f"{first} {ctx.pick(EMOJI)}"
        notes = None
        if ctx.chance(rates.HTML_IN_NOTES):
            notes = ctx.pick(HTML_SNIPPETS)
        elif ctx.chance(0.2):
            notes = ctx.pick(ctx.pools.sentences)
        definition = ctx.refs.custom_fields
        custom = None
        if ctx.chance(0.7):
            custom = patient_custom_fields(ctx, definition, date(created) or "")
        sex = ctx.pick(["Female", "Male", "Female", "Male", None])
        record = ctx.rec(
            "patients",
            created,
            title=ctx.pick(["Mr", "Ms", "Mrs", "Dr", None]),
            first_name=first,
            last_name=last,
            preferred_first_name=preferred,
            label=f"{first} {last}",
            date_of_birth=dob,
            sex=sex,
            gender=sex,
            gender_identity=None,
            pronouns=None,
            email=email,
            patient_phone_numbers=phones,
            address_1=ctx.pick(ctx.pools.streets),
            address_2=None,
            address_3=None,
            city=city,
            state=state,
            post_code=post_code,
            country="Australia",
            country_code="AU",
            occupation=ctx.pick(ctx.pools.occupations) if ctx.chance(0.6) else None,
            emergency_contact=None,
            notes=notes,
            appointment_notes=None,
            medicare=None,
            medicare_reference_number=None,
            dva_card_number=None,
            old_reference_id=f"OLD-{patient_id % 10**6}" if ctx.chance(0.2) else None,
            invoice_default_to=None,
            invoice_email=None,
            invoice_extra_information=None,
            referral_source=None,
            reminder_type=ctx.pick(["SMS", "Email", "SMS & Email", "None"]),
            receives_confirmation_emails=True,
            receives_cancellation_emails=True,
            accepted_privacy_policy=ctx.pick([True, True, None, False]),
            accepted_email_marketing=ctx.chance(0.4),
            accepted_sms_marketing=ctx.chance(0.3),
            time_zone="Australia/Melbourne",
            custom_fields=custom,
            deleted_at=None,
            concession_type=ctx.link(
                "concession_types",
                ctx.pick(ctx.refs.concession_types) if ctx.chance(0.1) else None,
            ),
            referring_doctor=ctx.link(
                "contacts", ctx.pick(ctx.refs.doctors) if ctx.chance(0.2) else None
            ),
            latest_booking=ctx.link("bookings", latest),
        )
        for coll in ("appointments", "invoices", "medical_alerts", "patient_attachments"):
            record[coll] = ctx.collection(f"patients/{patient_id}/{coll}")
        for coll in ("attendees", "relationships"):
            record[coll] = ctx.collection(f"{coll}?q%5B%5D=patient_id%3A%3D{patient_id}")
        # rec() numbered the patient itself; the id must be the index-derived one.
        record["id"] = str(patient_id)
        record["links"] = link("patients", patient_id)["links"]
        return record

    def _appointments(self, index: int, patient_id: int, created: int) -> int | None:
        ctx = self.ctx
        if ctx.chance(rates.NO_APPOINTMENTS):
            return None
        latest = None
        case_id = self._case(patient_id, created) if ctx.chance(rates.CASES_PER_PATIENT) else None
        series_head, series_left = None, 0
        for _ in range(ctx.rng.randint(1, rates.MAX_APPOINTMENTS)):
            appt = individual_appointment(ctx, patient_id, created, case_id)
            if series_left:
                appt["repeated_from"] = ctx.link("individual_appointments", series_head)
                series_left -= 1
            elif ctx.chance(rates.REPEATING_SERIES):
                # The first of a weekly series; the next three appointments repeat it.
                appt["repeat_rule"] = {
                    "repeat_type": "Weekly",
                    "number_of_repeats": 3,
                    "repeating_interval": 1,
                }
                series_head, series_left = int(appt["id"]), 3
            att = attendee(ctx, appt, patient_id, case_id)
            attended = appt["patient_arrived"]
            if attended and ctx.chance(rates.NOTE_PER_ATTENDED):
                note = treatment_note(ctx, appt, att, patient_id)
                appt["treatment_note_status"] = att["treatment_note_status"] = (
                    10 if note["draft"] else 90
                )
                ctx.add("treatment_notes", note)
            if attended and ctx.chance(rates.INVOICE_PER_ATTENDED):
                status = invoice_with_items(ctx, appt, att, patient_id)
                appt["invoice_status"] = att["invoice_status"] = status
            if ctx.chance(rates.FORMS_PER_PATIENT / 8):
                ctx.add("patient_forms", patient_form(ctx, appt, att, patient_id))
            ctx.add("individual_appointments", appt)
            ctx.add("attendees", att)
            latest = int(appt["id"])
        if latest is not None:
            ctx.add("communications", communication(ctx, patient_id, created))
        return latest

    def _case(self, patient_id: int, created: int) -> int:
        ctx = self.ctx
        closed = ctx.chance(0.4)
        opened = ctx.between(created, ctx.as_of)
        r = ctx.rec(
            "patient_cases",
            opened,
            archived_at=ts(ctx.between(opened, ctx.as_of)) if ctx.chance(0.03) else None,
            closed_at=ts(ctx.between(opened, ctx.as_of)) if closed else None,
            closed=closed,
            name=ctx.pick(["Lower back pain", "Knee rehab", "WorkCover claim", "Shoulder"]),
            notes=None,
            issue_date=date(opened),
            expiry_date=date(opened + 365 * DAY),
            max_sessions=10,
            max_invoiceable_amount="1500.00",
            include_cancelled_attendees=False,
            include_dna_attendees=False,
            referral=ctx.chance(0.5),
            referral_type=ctx.pick(["medicare", "dva", None]),
            attendee_ids=[],
            patient=ctx.link("patients", patient_id),
            contact=ctx.link("contacts", ctx.pick(ctx.refs.doctors)),
        )
        for coll in ("attendees", "bookings", "invoices", "patient_attachments"):
            r[coll] = ctx.collection(f"patient_cases/{r['id']}/{coll}")
        ctx.add("patient_cases", r)
        return int(r["id"])

    def _extras(self, index: int, patient_id: int, created: int) -> None:
        ctx = self.ctx
        if ctx.chance(rates.MEDICAL_ALERTS_PER_PATIENT):
            at = ctx.between(created, ctx.as_of)
            gone = ctx.chance(0.05)
            ctx.add(
                "medical_alerts",
                ctx.rec(
                    "medical_alerts",
                    at,
                    archived_at=ts(min(ctx.as_of, at + 30 * DAY)) if gone else None,
                    deleted_at=None,
                    name=ctx.pick(MEDICAL_ALERTS),
                    patient=ctx.link("patients", patient_id),
                ),
            )
        if ctx.chance(rates.ATTACHMENTS_PER_PATIENT):
            ctx.add("patient_attachments", attachment(ctx, patient_id, created))
        if index > 0 and ctx.chance(rates.RELATIONSHIPS_PER_PATIENT):
            relation = ctx.rng.randrange(7)
            ctx.add(
                "relationships",
                ctx.rec(
                    "relationships",
                    ctx.between(created, ctx.as_of),
                    archived_at=ts(ctx.as_of - DAY) if ctx.chance(0.05) else None,
                    relation=(relation + 1) * 10,
                    relation_description=[
                        "Parent",
                        "Child",
                        "Sibling",
                        "Spouse",
                        "Partner",
                        "Relative",
                        "Other",
                    ][relation],
                    patient=ctx.link("patients", patient_id),
                    related_patient=ctx.link("patients", ctx.patient_id(ctx.rng.randrange(index))),
                ),
            )
        if ctx.chance(rates.REFERRAL_SOURCE):
            type_id, referrer_type = ctx.pick(ctx.refs.referral_types)
            referrer = None
            if referrer_type == "Patient" and index > 0:
                referrer = ctx.link("patients", ctx.patient_id(ctx.rng.randrange(index)))
            elif referrer_type == "Contact":
                referrer = ctx.link("contacts", ctx.pick(ctx.refs.doctors))
            ctx.add(
                "referral_sources",
                ctx.rec(
                    "referral_sources",
                    created,
                    archived_at=None,
                    notes=None,
                    subcategory=None,
                    referrer_type=referrer_type or None,
                    patient=ctx.link("patients", patient_id),
                    referral_source_type=ctx.link("referral_source_types", type_id),
                    referrer=referrer,
                ),
            )
