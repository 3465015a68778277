"""Paginators for Cliniko lists: keyset on updated_at, and links.next for full-table routes."""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import ParseResult, urlparse

import msgspec
import requests
from singer_sdk.pagination import BaseAPIPaginator, BaseHATEOASPaginator

from tap_cliniko.errors import UnsafeRedirectError

PER_PAGE = 100
ONE_SECOND = dt.timedelta(seconds=1)
_ENVELOPE_ATTR = "_cliniko_envelope"


def filter_time(value: dt.datetime) -> str:
    """Cliniko's filter format: UTC, whole seconds, ``YYYY-MM-DDTHH:MM:SSZ``."""
    return value.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_time(value: str) -> dt.datetime:
    """Parse an API or state timestamp into an aware UTC datetime."""
    parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.timezone.utc)
    return parsed.astimezone(dt.timezone.utc)


def second_of(value: str) -> dt.datetime:
    """The whole second a timestamp falls in (the resolution of Cliniko's filters)."""
    return parse_time(value).replace(microsecond=0)


# msgspec parses a page about twice as fast as the json module (simplejson, through requests).
_DECODER = msgspec.json.Decoder(float_hook=decimal.Decimal)


def decode_json(content: bytes) -> Any:
    """A JSON body, decimals kept exact; ValueError (never the body) if it is not JSON."""
    try:
        return _DECODER.decode(content)
    except msgspec.DecodeError as exc:
        raise ValueError(f"the response is not valid JSON ({exc})") from None


def envelope(response: requests.Response) -> dict[str, Any]:
    """The decoded list envelope, parsed once per response (decimals kept exact)."""
    cached = getattr(response, _ENVELOPE_ATTR, None)
    if cached is None:
        cached = decode_json(response.content)
        setattr(response, _ENVELOPE_ATTR, cached)
    return cached


def has_next_page(body: dict[str, Any], rows: Sequence[Any]) -> bool:
    """Whether the API says another page exists (``links.next``; full page if links absent)."""
    links = body.get("links")
    if isinstance(links, dict):
        return bool(links.get("next"))
    return len(rows) >= PER_PAGE


@dataclass(frozen=True)
class KeysetToken:
    """Where the next keyset request starts.

    ``since`` is the inclusive updated_at lower bound; ``seen`` the ids already emitted in the
    second ``since``. ``crowded`` means more than a page of rows share that one second, so the
    tap pages through just that second with ``page=``; ``total`` is that query's total_entries,
    to notice rows leaving the second while it is paged.
    """

    since: dt.datetime | None
    seen: frozenset[str] = field(default_factory=frozenset)
    crowded: bool = False
    page: int = 1
    total: int | None = None

    def is_seen(self, row: dict[str, Any]) -> bool:
        """True for a row already emitted at the boundary second."""
        if not self.seen or self.since is None or not row.get("updated_at"):
            return False
        return str(row.get("id")) in self.seen and second_of(row["updated_at"]) == self.since


class KeysetPaginator(BaseAPIPaginator[KeysetToken]):
    """Re-query from the last updated_at seen instead of asking for page N.

    Page numbers over a result set that changes during the run skip rows (a row updated while
    page 3 is read leaves page 2's slot and shifts everything after it by one). Re-querying from
    the last value seen cannot skip a row: rows only ever move to a later updated_at.
    """

    def __init__(self, records_key: str, start: KeysetToken | None = None) -> None:
        """Start at ``start`` (default: from the beginning of the window)."""
        super().__init__(start or KeysetToken(since=None))
        self.records_key = records_key

    def rows(self, response: requests.Response) -> list[dict[str, Any]]:
        """The response's records."""
        return envelope(response).get(self.records_key) or []

    def get_next(self, response: requests.Response) -> KeysetToken | None:
        """The token after ``response``, or None when the window is exhausted."""
        token = self.current_value
        body = envelope(response)
        rows = self.rows(response)
        more = bool(rows) and has_next_page(body, rows)
        if token.crowded:
            return self._next_in_crowded_second(token, body, rows, more=more)
        if not more:
            return None
        first, last = second_of(rows[0]["updated_at"]), second_of(rows[-1]["updated_at"])
        if first == last:
            # A full page inside one second: keyset cannot move past it, so page that second.
            seen = token.seen if token.since == last else frozenset()
            return KeysetToken(since=last, seen=seen | _ids(rows), crowded=True, page=1)
        at_last = frozenset(str(r["id"]) for r in rows if second_of(r["updated_at"]) == last)
        return KeysetToken(
            since=last, seen=at_last | (token.seen if token.since == last else set())
        )

    @staticmethod
    def _next_in_crowded_second(
        token: KeysetToken, body: dict[str, Any], rows: list[dict[str, Any]], *, more: bool
    ) -> KeysetToken:
        total = body.get("total_entries")
        total = int(total) if isinstance(total, (int, str)) and str(total).isdigit() else None
        seen = token.seen | _ids(rows)
        if token.total is not None and total is not None and total != token.total:
            # Rows left this second while it was paged (they were updated): pages shifted, so
            # read the second again from page 1; ids already emitted are skipped.
            return replace(token, seen=seen, page=1, total=total)
        if more:
            return replace(token, seen=seen, page=token.page + 1, total=total)
        assert token.since is not None
        return KeysetToken(since=token.since + ONE_SECOND)


def _ids(rows: list[dict[str, Any]]) -> frozenset[str]:
    return frozenset(str(r["id"]) for r in rows)


class ClinikoLinkPaginator(BaseHATEOASPaginator):
    """Follow ``links.next`` verbatim, refusing to send credentials to another host."""

    def __init__(self, api_origin: str) -> None:
        """``api_origin`` is scheme://host[:port] of the API root."""
        super().__init__()
        self.api_origin = api_origin

    def get_next_url(self, response: requests.Response) -> str | None:
        """The next page's URL, if the API gave one on the API's own host."""
        body = envelope(response)
        links = body.get("links") if isinstance(body, dict) else None
        url = links.get("next") if isinstance(links, dict) else None
        if not url:
            return None
        if origin_of(url) != self.api_origin:
            raise UnsafeRedirectError(
                "links.next points at another host; not following it with the API key"
            )
        return url

    def next_url(self) -> ParseResult | None:
        """The parsed next URL (None before the first page)."""
        return self.current_value


def origin_of(url: str) -> str:
    """scheme://host[:port] of a URL, lower-cased."""
    parsed = urlparse(url)
    return f"{parsed.scheme}://{parsed.netloc}".lower()
