"""The Freshsales error shape and the exception every layer raises to produce it."""

from __future__ import annotations

from starlette.responses import JSONResponse


class ApiError(Exception):
    """An answer other than success: HTTP status plus the sentences Freshsales puts in `message`."""

    def __init__(self, status: int, messages: list[str] | str) -> None:
        self.status = status
        self.messages = [messages] if isinstance(messages, str) else list(messages)
        super().__init__(f"{status}: {'; '.join(self.messages)}")

    def body(self) -> dict:
        """The error body `{"errors": {"code": ..., "message": [...]}}` (seen by third parties)."""
        return {"errors": {"code": self.status, "message": self.messages}}

    def response(self, headers: dict[str, str] | None = None) -> JSONResponse:
        """The error as a Starlette response."""
        return JSONResponse(self.body(), status_code=self.status, headers=headers)


def humanize(name: str) -> str:
    """A field name the way Rails error messages print it: `cf_cliniko_id` → `Cf cliniko id`."""
    words = name.replace("_", " ").strip()
    return words[:1].upper() + words[1:]


def not_found(model: str) -> ApiError:
    """The 404 for a record id that does not exist (or was deleted)."""
    return ApiError(404, f"{model} not found")
