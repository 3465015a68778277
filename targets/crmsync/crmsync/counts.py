"""Per-object outcome counts of a run and the reconciliation invariant."""

from __future__ import annotations

import collections
from dataclasses import dataclass, field
from typing import Any

OUTCOMES = ("created", "updated", "unchanged", "rejected")


@dataclass
class ObjectCounts:
    """received = created + updated + unchanged + rejected; every reject counted under a reason."""

    received: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    reasons: collections.Counter[str] = field(default_factory=collections.Counter)
    destination_count: int | None = None  # read back from the CRM at the end of the run

    def add(self, outcome: str, reason: str | None = None) -> None:
        """Count one record's outcome (a reject needs its reason)."""
        if outcome not in OUTCOMES:
            raise ValueError(f"unknown outcome {outcome!r}")
        setattr(self, outcome, getattr(self, outcome) + 1)
        if outcome == "rejected":
            self.reasons[reason or "no reason given"] += 1

    @property
    def balanced(self) -> bool:
        """The reconciliation invariant for this object."""
        return (
            self.received == sum(getattr(self, o) for o in OUTCOMES)
            and sum(self.reasons.values()) == self.rejected
        )

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready counts (reasons most frequent first)."""
        data: dict[str, Any] = {"received": self.received}
        data.update({o: getattr(self, o) for o in OUTCOMES})
        data["reject_reasons"] = dict(self.reasons.most_common())
        data["destination_count"] = self.destination_count
        data["balanced"] = self.balanced
        return data
