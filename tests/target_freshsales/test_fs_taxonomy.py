"""Freshsales' one mapping function, settings validation and request shaping."""

from __future__ import annotations

import httpx
import pytest
from crmsync.client import WriteItem
from crmsync.errors import ConfigError, Disposition
from target_freshsales import objects
from target_freshsales.payload import record_body, unique_identifier
from target_freshsales.settings import api_base, api_key
from target_freshsales.taxonomy import classify, retry_after


@pytest.mark.parametrize(
    ("status", "disposition"),
    [
        (200, Disposition.OK),
        (201, Disposition.OK),
        (400, Disposition.REJECT),
        (404, Disposition.REJECT),
        (413, Disposition.REJECT),
        (401, Disposition.FATAL),
        (403, Disposition.FATAL),
        (429, Disposition.RATE_LIMITED),
        (500, Disposition.RETRY),
        (503, Disposition.RETRY),
    ],
)
def test_status_codes_map_to_one_disposition(status: int, disposition: Disposition) -> None:
    body = {"errors": {"code": status, "message": ["Last name can't be blank"]}}
    verdict = classify(httpx.Response(status, json=body))
    assert verdict.disposition is disposition
    if disposition is Disposition.REJECT:
        assert verdict.reason == f"HTTP {status}: Last name can't be blank"


def test_wait_comes_from_retry_after_or_the_reset_header() -> None:
    assert retry_after(httpx.Response(429, headers={"Retry-After": "12"})) == 12.0
    date = "Wed, 21 Oct 2015 07:28:30 GMT"
    assert retry_after(httpx.Response(429, headers={"Retry-After": date}), now=1445412480) == 30.0
    reset = httpx.Response(429, headers={"X-RateLimit-Reset": "1000"})
    assert retry_after(reset, now=990.0) == 10.0
    assert retry_after(httpx.Response(429)) is None


def test_settings_are_validated_naming_the_setting() -> None:
    assert api_base({"domain": "acme"}) == "https://acme.myfreshworks.com/crm/sales/api"
    assert api_base({"domain": "acme.myfreshworks.com"}).startswith("https://acme.")
    with pytest.raises(ConfigError, match="domain"):
        api_base({"domain": "evil.example/x"})
    with pytest.raises(ConfigError, match=r"domain.*base_url"):
        api_base({})
    with pytest.raises(ConfigError, match="base_url must use https"):
        api_base({"base_url": "http://crm.example.com/api"})
    assert api_base({"base_url": "http://127.0.0.1:8500/crm/sales/api/"}).endswith("/api")
    with pytest.raises(ConfigError, match="api_key"):
        api_key({"api_key": " "})


def test_body_moves_custom_fields_and_sets_links_from_the_resolved_stream() -> None:
    item = WriteItem(
        "invoice:7",
        {
            "name": "Invoice 7",
            "cf_payment_status": "paid",
            "contact_id": "55",
            "sales_account_id": "9",
        },
        "hash",
        found_in={"contact_id": "contacts", "sales_account_id": "sales_accounts"},
    )
    body = record_body(objects.DEALS, item)
    assert body == {
        "name": "Invoice 7",
        "sales_account_id": 9,
        "contacts_added_list": [55],
        "custom_field": {"cf_payment_status": "paid", "cf_cliniko_id": "invoice:7"},
    }
    assert unique_identifier(objects.DEALS, item) == {"cf_cliniko_id": "invoice:7"}
    note = WriteItem(
        "n:1", {"description": "d", "targetable_id": "3"}, "h", found_in={"targetable_id": "leads"}
    )
    assert record_body(objects.NOTES, note)["targetable_type"] == "Lead"
