"""One error taxonomy for every CRM: what to do about a response, and the exceptions carrying it."""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Disposition(str, enum.Enum):
    """What the engine does with a CRM response; each client maps status + error code to one."""

    OK = "ok"
    RETRY = "retry"  # transient (5xx, connection reset): back off and try again
    RATE_LIMITED = "rate_limited"  # wait as long as the CRM says, then try again
    REJECT = "reject"  # this record is bad: record the reason, carry on with the rest
    FATAL = "fatal"  # wrong key, wrong account, permissions: stop before doing harm


@dataclass(frozen=True)
class Verdict:
    """A client's reading of one response."""

    disposition: Disposition
    reason: str = ""
    wait_seconds: float | None = None  # from the CRM's rate-limit headers, when it sends them


OK = Verdict(Disposition.OK)


class CrmSyncError(Exception):
    """Base class for crmsync errors."""


class ConfigError(CrmSyncError):
    """A setting is missing or wrong; the message names the setting."""


class RunLockedError(CrmSyncError):
    """Another run holds the sync store."""


class FatalCrmError(CrmSyncError):
    """The CRM refused in a way no retry or other record can fix (auth, permission, limits)."""

    def __init__(self, reason: str, http_status: int | None = None) -> None:
        """Keep the reason and status for the run report."""
        super().__init__(reason)
        self.reason = reason
        self.http_status = http_status


class RecordRejected(CrmSyncError):
    """The CRM (or the engine) refused this one record; the run goes on."""

    def __init__(self, reason: str, http_status: int | None = None) -> None:
        """Keep the reason and status for the audit log."""
        super().__init__(reason)
        self.reason = reason
        self.http_status = http_status


class OutcomeUnknown(RecordRejected):
    """A non-idempotent write may or may not have reached the CRM (timeout after sending)."""


class LookupUnsupported(CrmSyncError):
    """The CRM offers no way to find this object's records (intent recovery cannot verify)."""
