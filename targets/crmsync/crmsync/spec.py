"""ObjectSpec: one CRM object described as data, the only thing the engine knows about it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class ObjectSpec:
    """How one stream (= one CRM object) is written.

    Attributes:
        stream: The Singer stream name, which is the CRM object's name.
        endpoint: The CRM path the client writes to (relative to its base URL).
        load_order: Parents have a lower number than their children.
        batch_size: Records per write call (the CRM's per-call limit for this object).
        external_id: The CRM field holding `_source_id` (the upsert key where the CRM has upsert).
        upsert: True when the CRM matches `external_id` itself (idempotent writes).
        references: API field → candidate streams holding the referenced `_source_id`
            (`{"sales_account_id": ("sales_accounts",)}`; a patient is a contact or a lead).
            A reference may name the spec's own stream (`{"ParentId": ("account",)}`, a
            hierarchy): the engine writes a batch's parents before their children.
        owner_field: The API field that takes the owner's CRM user id, filled from `_owner_email`.
        write_only_if_owner_unmatched: `_source_id` prefixes (`("practitioner:",)`) whose records
            are written only when their `_owner_email` matches no CRM user (a practitioner who is
            a user is represented by the user, not by a contact).
        file_field: The record column holding a local file to upload (`_file_path`).
        options: CRM-specific data the client reads (wrapper key, targetable types ...).
    """

    stream: str
    endpoint: str
    load_order: int
    batch_size: int = 100
    external_id: str | None = None
    upsert: bool = False
    references: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    owner_field: str | None = None
    write_only_if_owner_unmatched: tuple[str, ...] = ()
    file_field: str | None = None
    options: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        """Reject specs that cannot work, naming the stream."""
        if self.batch_size < 1:
            raise ValueError(f"ObjectSpec {self.stream!r}: batch_size must be at least 1")
        if self.upsert and not self.external_id:
            raise ValueError(f"ObjectSpec {self.stream!r}: upsert needs an external_id field")
        for api_field, candidates in self.references.items():
            if not candidates or isinstance(candidates, str):
                raise ValueError(
                    f"ObjectSpec {self.stream!r}: reference {api_field!r} needs a tuple of streams"
                )
            if self.stream in candidates and len(candidates) > 1:
                # A parent that may be in this stream or another cannot be ordered in one batch.
                raise ValueError(
                    f"ObjectSpec {self.stream!r}: self-reference {api_field!r} names other streams"
                )

    @property
    def self_references(self) -> tuple[str, ...]:
        """API fields whose parent is a record of this same stream (a hierarchy)."""
        return tuple(f for f, streams in self.references.items() if self.stream in streams)


REF_PREFIX = "_ref__"
OWNER_EMAIL = "_owner_email"
SOURCE_ID = "_source_id"


def specs_by_stream(specs: tuple[ObjectSpec, ...]) -> dict[str, ObjectSpec]:
    """Index specs by stream name, refusing duplicates and references to unknown streams."""
    index: dict[str, ObjectSpec] = {}
    for spec in specs:
        if spec.stream in index:
            raise ValueError(f"ObjectSpec {spec.stream!r} is declared twice")
        index[spec.stream] = spec
    for spec in specs:
        for api_field, candidates in spec.references.items():
            for parent in candidates:
                if parent == spec.stream:
                    continue  # a self-reference: ordered within the batch by the engine
                if parent not in index:
                    raise ValueError(
                        f"ObjectSpec {spec.stream!r}: reference {api_field!r} names unknown "
                        f"stream {parent!r}"
                    )
                if index[parent].load_order >= spec.load_order:
                    raise ValueError(
                        f"ObjectSpec {spec.stream!r}: parent {parent!r} must load earlier"
                    )
    return index
