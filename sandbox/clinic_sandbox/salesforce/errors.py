"""Salesforce's two error shapes: the request-level array and the per-record `errors` entry."""

from __future__ import annotations

from typing import Any

from starlette.responses import JSONResponse


class SfError(Exception):
    """A whole request refused: `[{"message", "errorCode", "fields"?}]` with an HTTP status."""

    def __init__(
        self, status: int, code: str, message: str, fields: list[str] | None = None
    ) -> None:
        self.status, self.code, self.message, self.fields = status, code, message, fields
        super().__init__(f"{status} {code}: {message}")

    def body(self) -> list[dict[str, Any]]:
        entry: dict[str, Any] = {"message": self.message, "errorCode": self.code}
        if self.fields is not None:
            entry["fields"] = self.fields
        return [entry]

    def response(self) -> JSONResponse:
        return JSONResponse(self.body(), status_code=self.status)


class RecordError(Exception):
    """One record refused; collections and Bulk report it in place, single calls answer 400."""

    def __init__(self, code: str, message: str, fields: list[str] | None = None) -> None:
        self.code, self.message, self.fields = code, message, list(fields or [])
        super().__init__(f"{code}: {message}")

    def entry(self) -> dict[str, Any]:
        """The collections shape `{"statusCode", "message", "fields"}`."""
        return {"statusCode": self.code, "message": self.message, "fields": self.fields}

    def as_request_error(self) -> SfError:
        """The same problem answered by a single-record call."""
        status = 403 if self.code == "INSUFFICIENT_ACCESS" else 400
        return SfError(status, self.code, self.message, self.fields)


def not_found() -> SfError:
    """The 404 Salesforce answers for unknown resources, ids and undeployed objects."""
    return SfError(404, "NOT_FOUND", "The requested resource does not exist")


ROLLED_BACK = RecordError(
    "ALL_OR_NONE_OPERATION_ROLLED_BACK",
    "Record rolled back because not all records were valid and the request was using AllOrNone "
    "header",
)
