"""Cliniko's HTTP errors mapped to what the tap does about them, with messages free of PHI."""

from __future__ import annotations

import json
from http import HTTPStatus

import requests
from singer_sdk.exceptions import FatalAPIError, RetriableAPIError

NOT_SEARCHABLE = "This column is not searchable."
# Only these statuses carry a JSON "message" that is about the request, not about a patient.
MESSAGE_STATUSES = {HTTPStatus.BAD_REQUEST, HTTPStatus.UNPROCESSABLE_ENTITY}


class ClinikoAuthError(FatalAPIError):
    """401: the key is wrong, revoked, or belongs to another shard."""


class TapBugError(FatalAPIError):
    """400 'not searchable': the tap sent a filter the route does not support."""


class StreamSkipped(Exception):
    """This stream cannot be read; the tap logs why and carries on with the others."""


class StreamAccessDenied(StreamSkipped):
    """403/404 on a list route: the key's user role cannot read this stream."""


class UnsafeRedirectError(FatalAPIError):
    """Too many redirects, or a redirect the tap will not follow."""


def raise_for_status(response: requests.Response, *, stream: str, endpoint_label: str) -> None:
    """Raise the exception that says what to do about a failed response (nothing if it is ok)."""
    status = response.status_code
    if status < HTTPStatus.BAD_REQUEST:
        return
    path = requests.utils.urlparse(response.url).path
    if status == HTTPStatus.TOO_MANY_REQUESTS or status >= HTTPStatus.INTERNAL_SERVER_ERROR:
        raise RetriableAPIError(f"HTTP {status} from {path}", response)
    if status == HTTPStatus.UNAUTHORIZED:
        raise ClinikoAuthError(
            f"HTTP 401 from {endpoint_label}: Cliniko rejected api_key. Check that the key is "
            "current (not revoked) and that its shard suffix matches the account's shard."
        )
    if status in (HTTPStatus.FORBIDDEN, HTTPStatus.NOT_FOUND):
        raise StreamAccessDenied(
            f"HTTP {status} from {path}: the Cliniko user who owns api_key may not read "
            f"'{stream}' (its role lacks the permission; an Administrator's key reads everything)."
            f" Skipping stream '{stream}'."
        )
    message = api_message(response)
    if status == HTTPStatus.BAD_REQUEST and message == NOT_SEARCHABLE:
        raise TapBugError(
            f"HTTP 400 from {path}: '{NOT_SEARCHABLE}' The tap filtered '{stream}' on a field "
            "the route does not support. This is a tap bug, please report it."
        )
    raise FatalAPIError(f"HTTP {status} from {path}: {message or response.reason}")


def api_message(response: requests.Response) -> str | None:
    """The API's own "message" field for 400/422 (never the rest of the body)."""
    if response.status_code not in MESSAGE_STATUSES:
        return None
    try:
        body = response.json()
    except (ValueError, json.JSONDecodeError):
        return None
    message = body.get("message") if isinstance(body, dict) else None
    return message if isinstance(message, str) else None
