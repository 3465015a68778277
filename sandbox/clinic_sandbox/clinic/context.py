"""Generation state: the seeded RNG, the clock, id counters and buffered writes to the store."""

from __future__ import annotations

import random
import time
from dataclasses import dataclass, field
from typing import Any

from clinic_sandbox.catalog import make_id
from clinic_sandbox.clinic.pools import Pools
from clinic_sandbox.store import BASE, ClinicStore, link

_FLUSH_AT = 2000
# To-one links the 2025 description does not mark nullable: Cliniko leaves the key out when
# there is no target (as the legacy "Get Invoice" example does) instead of sending null.
ABSENT_WHEN_EMPTY = frozenset(
    {
        "appointment",
        "appointment_type",
        "attendee",
        "billable_item",
        "booking",
        "business",
        "concession_type",
        "contact",
        "default_appointment_type",
        "invoice",
        "latest_booking",
        "letter",
        "merged_with_patient",
        "original_invoice",
        "patient",
        "patient_case",
        "payment",
        "practitioner",
        "product",
        "product_supplier",
        "referral_source_type",
        "referring_doctor",
        "related_patient",
        "repeated_from",
        "signature",
        "tax",
        "treatment_note_template",
        "unavailable_block_type",
        "user",
    }
)
_STATE_TIMES = ("archived_at", "cancelled_at", "deleted_at", "closed_at", "merged_at")
DAY = 86400


def ts(epoch: int | None) -> str | None:
    """Cliniko's instant format: UTC, second precision, `Z`."""
    if epoch is None:
        return None
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(epoch))


def date(epoch: int | None) -> str | None:
    if epoch is None:
        return None
    return time.strftime("%Y-%m-%d", time.gmtime(epoch))


@dataclass
class Refs:
    """Ids of the reference records that patient records point at."""

    businesses: list[int] = field(default_factory=list)
    practitioners: list[int] = field(default_factory=list)
    practitioner_user: dict[int, int] = field(default_factory=dict)
    practitioner_name: dict[int, str] = field(default_factory=dict)
    users: list[int] = field(default_factory=list)
    admin_user: int = 0
    taxes: list[int] = field(default_factory=list)
    # (id, name, duration, billable item id, price)
    individual_types: list[tuple[int, str, int, int, str]] = field(default_factory=list)
    group_types: list[tuple[int, str, int, int, str]] = field(default_factory=list)
    billable_items: list[tuple[int, str, str, str]] = field(default_factory=list)
    products: list[tuple[int, str, str]] = field(default_factory=list)
    concession_types: list[int] = field(default_factory=list)
    note_templates: list[int] = field(default_factory=list)
    form_templates: list[int] = field(default_factory=list)
    referral_types: list[tuple[int, str]] = field(default_factory=list)
    doctors: list[int] = field(default_factory=list)
    custom_fields: dict[str, Any] = field(default_factory=dict)


@dataclass
class Context:
    """Everything a builder needs; `add` streams records to disk in batches."""

    rng: random.Random
    pools: Pools
    as_of: int
    opened: int
    store: ClinicStore
    patients: int
    refs: Refs = field(default_factory=Refs)
    counters: dict[str, int] = field(default_factory=dict)
    buffers: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    invoice_number: int = 1000

    def new_id(self, stream: str) -> int:
        n = self.counters.get(stream, 0) + 1
        self.counters[stream] = n
        return make_id(stream, n)

    def patient_id(self, index: int) -> int:
        """Patient ids are a function of the patient's index, so any builder can point at one."""
        return make_id("patients", index + 1)

    def rec(
        self, stream: str, created: int, updated: int | None = None, **fields: Any
    ) -> dict[str, Any]:
        """A record with id, timestamps and self link; `updated` defaults to soon after."""
        record_id = self.new_id(stream)
        if updated is None:
            updated = min(self.as_of, created + self.rng.randrange(0, 20 * DAY))
        record = {
            "id": str(record_id),
            "created_at": ts(created),
            "updated_at": ts(max(created, updated)),
            **fields,
            "links": {"self": f"{BASE}/{stream}/{record_id}"},
        }
        return record

    def add(self, stream: str, record: dict[str, Any]) -> None:
        # Generated history follows the simulator's default: a state change bumps updated_at.
        for key in _STATE_TIMES:
            when = record.get(key)
            if when and when > record.get("updated_at", when):
                record["updated_at"] = when
        for key in [k for k, v in record.items() if v is None and k in ABSENT_WHEN_EMPTY]:
            del record[key]
        buffer = self.buffers.setdefault(stream, [])
        buffer.append(record)
        if len(buffer) >= _FLUSH_AT:
            self.store.insert_many(stream, buffer)
            buffer.clear()

    def flush(self) -> None:
        for stream, buffer in self.buffers.items():
            if buffer:
                self.store.insert_many(stream, buffer)
                buffer.clear()

    def between(self, start: int, end: int) -> int:
        return start if end <= start else self.rng.randrange(start, end)

    def chance(self, rate: float) -> bool:
        return self.rng.random() < rate

    def pick(self, items: list[Any]) -> Any:
        return items[self.rng.randrange(len(items))]

    def link(self, stream: str, record_id: int | str | None) -> dict[str, Any] | None:
        return None if record_id is None else link(stream, record_id)

    def collection(self, path: str) -> dict[str, Any]:
        """A related-collection link (a URL, not a to-one reference)."""
        return {"links": {"self": f"{BASE}/{path}"}}

    def phone(self, kind: str = "Mobile") -> dict[str, str]:
        digits = "".join(str(self.rng.randrange(10)) for _ in range(8))
        number = f"04{digits}" if kind == "Mobile" else f"03{digits}"
        return {"phone_type": kind, "number": number, "normalized_number": f"+61{number[1:]}"}
