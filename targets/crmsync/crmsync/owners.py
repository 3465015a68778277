"""Owner resolution: practitioner email → CRM user id, case-insensitive, with a fallback owner."""

from __future__ import annotations

import collections
from dataclasses import dataclass, field

from crmsync.errors import ConfigError


@dataclass(frozen=True)
class CrmUser:
    """A CRM user as the client lists it."""

    id: str
    email: str
    name: str = ""


@dataclass(frozen=True)
class OwnerMatch:
    """How one `_owner_email` resolved."""

    user_id: str | None  # the owner to write, None = leave the CRM's default
    matched: bool  # True when the email itself is a CRM user


@dataclass
class OwnerResolver:
    """Matches owner emails to CRM users and counts records per email (matched or not)."""

    users: list[CrmUser]
    fallback_email: str | None = None
    records_per_email: collections.Counter[str] = field(default_factory=collections.Counter)

    def __post_init__(self) -> None:
        """Index users by lower-cased email; check the fallback owner exists."""
        self._by_email = {u.email.strip().lower(): u for u in self.users if u.email}
        self.fallback: CrmUser | None = None
        if self.fallback_email:
            self.fallback = self._by_email.get(self.fallback_email.strip().lower())
            if self.fallback is None:
                raise ConfigError(
                    f"fallback_owner_email {self.fallback_email!r} is not a user of this CRM"
                )

    def match(self, email: str | None) -> OwnerMatch:
        """Resolve one email (None/empty = no owner given → fallback)."""
        key = (email or "").strip().lower()
        if key:
            self.records_per_email[key] += 1
        user = self._by_email.get(key) if key else None
        if user is not None:
            return OwnerMatch(user.id, True)
        return OwnerMatch(self.fallback.id if self.fallback else None, False)

    def is_user(self, email: str | None) -> bool:
        """True when `email` belongs to a CRM user."""
        return (email or "").strip().lower() in self._by_email

    def summary(self) -> dict[str, object]:
        """Matched and unmatched owner emails with their record counts (for the run report)."""
        matched = {e: n for e, n in self.records_per_email.items() if e in self._by_email}
        unmatched = {e: n for e, n in self.records_per_email.items() if e not in self._by_email}
        return {
            "matched": dict(sorted(matched.items())),
            "unmatched": dict(sorted(unmatched.items())),
            "fallback": self.fallback.email if self.fallback else None,
        }
