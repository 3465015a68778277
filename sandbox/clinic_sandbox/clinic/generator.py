"""Generate a whole clinic into a SQLite file, streaming, and report exact per-stream counts."""

from __future__ import annotations

import json
import os
import random
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from clinic_sandbox.catalog import STREAMS
from clinic_sandbox.clinic import rates
from clinic_sandbox.clinic.content import custom_fields_definition
from clinic_sandbox.clinic.context import DAY, Context
from clinic_sandbox.clinic.corpus import add_corpus
from clinic_sandbox.clinic.patients import PatientBuilder
from clinic_sandbox.clinic.pools import build_pools
from clinic_sandbox.clinic.records import group_appointment
from clinic_sandbox.clinic.reference import build_reference
from clinic_sandbox.store import DB_NAME, ClinicStore, create_private_file

COUNTS_NAME = "counts.json"
HISTORY_YEARS = 6


@dataclass(frozen=True)
class GenerateOptions:
    """What to generate: `as_of` is the clinic's "now" (epoch seconds; default today 00:00 UTC)."""

    patients: int = 500
    seed: int = 7
    as_of: int | None = None
    # Add the bad-data corpus (clinic_sandbox.clinic.corpus) after the generated records.
    corpus: bool = False

    def resolved(self) -> GenerateOptions:
        if self.patients < 1:
            raise ValueError("--patients must be at least 1")
        as_of = self.as_of
        if as_of is None:
            as_of = int(time.time()) // DAY * DAY
        return GenerateOptions(self.patients, self.seed, as_of, self.corpus)


def generate_clinic(out_dir: Path, options: GenerateOptions) -> dict[str, Any]:
    """Write `clinic.sqlite` and `counts.json` into out_dir (mode 0700); return the counts.

    Reuses an existing clinic in out_dir when it was made with the same options.
    """
    options = options.resolved()
    out_dir = Path(out_dir)
    out_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    target = out_dir / DB_NAME
    if target.exists():
        store = ClinicStore(target)
        try:
            if store.meta("options") == asdict(options):
                return store.meta("counts")
        finally:
            store.close()
    partial = out_dir / f".{DB_NAME}.partial"
    store = ClinicStore.create(partial)
    try:
        _fill(store, options)
        counts = {name: store.count_rows(name) for name in STREAMS}
        counts["settings"] = {"total": 1, "visible": 1}
        store.set_meta("options", asdict(options))
        store.set_meta("counts", counts)
        store.set_meta("crm_user_emails", _crm_user_emails(store))
        store.db.execute("COMMIT")
    finally:
        store.close()
    os.replace(partial, target)
    counts_file = out_dir / COUNTS_NAME
    create_private_file(counts_file)
    counts_file.write_text(json.dumps(counts, indent=2, sort_keys=True) + "\n")
    return counts


def _fill(store: ClinicStore, options: GenerateOptions) -> None:
    assert options.as_of is not None
    rng = random.Random(options.seed)
    ctx = Context(
        rng=rng,
        pools=build_pools(options.seed),
        as_of=options.as_of,
        opened=options.as_of - HISTORY_YEARS * 365 * DAY,
        store=store,
        patients=options.patients,
    )
    ctx.refs.custom_fields = custom_fields_definition(rng)
    build_reference(ctx)
    builder = PatientBuilder(ctx)
    for index in range(options.patients):
        builder.build(index)
        if ctx.chance(rates.GROUP_APPOINTMENTS_PER_PATIENT):
            group_appointment(ctx, index)
    ctx.flush()
    if options.corpus:
        add_corpus(store, options.as_of)
    store.put_singleton("settings", _settings(ctx))
    store.put_singleton("user", store.get("users", ctx.refs.admin_user) or {})
    store.finish_loading()
    store.db.execute("BEGIN")


def _settings(ctx: Context) -> dict[str, Any]:
    return {
        "account": {
            "id": "1100000000000000001",
            "name": "Northside Physio Group",
            "subdomain": "northside-physio",
            "country": "Australia",
            "country_code": "AU",
            "currency_symbol": "$",
            "email_from": "admin@northside-physio.example",
            "first_name": "Alex",
            "last_name": "Admin",
            "time_zone_support": False,
            "has_time_travelers": False,
        },
        "calendar": {
            "start_hour": 7,
            "end_hour": 20,
            "timeslot_height_in_pixels": 15,
            "timeslot_size_in_minutes": 15,
            "show_current_time_indicator": True,
            "multiple_appointments_gap": False,
        },
        "online_bookings": {"enabled": True, "show_prices": False, "policy": None},
        "online_payments": {"activated": False},
        "patient_custom_fields_definition": ctx.refs.custom_fields,
        "patient_privacy": {"requires_hipaa_compliance": False},
        "reminders": {"default_reminder_type": "SMS & Email"},
        "sms": {"replies_supported": True, "number_of_usable_characters_per_message": 160},
        "terminology": {"patient": "patient", "titles": ["Mr", "Ms", "Mrs", "Dr"]},
        "wait_list": {"default_wait_list_expiry_period": 30},
        "documents_and_printing": {"logo_height": 80, "logo_url": None},
        "integrations": {
            "xero": {"enabled": False},
            "mail_chimp": {"enabled": False},
            "medipass": {"enabled": False},
        },
    }


def _crm_user_emails(store: ClinicStore) -> list[str]:
    """The admin plus every practitioner's user email except every 4th practitioner's."""
    emails = []
    for n, practitioner in enumerate(store.records("practitioners")):
        if n % rates.CRM_UNMATCHED_EVERY == rates.CRM_UNMATCHED_EVERY - 1:
            continue
        user = store.get("users", int(practitioner["user"]["links"]["self"].rsplit("/", 1)[1]))
        if user:
            emails.append(user["email"])
    admin = store.singleton("user")
    if admin:
        emails.insert(0, json.loads(admin)["email"])
    return emails


def crm_user_emails(data_dir: Path) -> list[str]:
    """Emails a CRM simulator should create as its users: most, not all, practitioners match."""
    store = ClinicStore(Path(data_dir) / DB_NAME)
    try:
        return list(store.meta("crm_user_emails") or [])
    finally:
        store.close()


def load_counts(data_dir: Path) -> dict[str, Any]:
    """The counts recorded when the clinic in data_dir was generated."""
    return json.loads((Path(data_dir) / COUNTS_NAME).read_text())
