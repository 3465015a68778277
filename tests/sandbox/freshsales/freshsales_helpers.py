"""Small helpers the Freshsales simulator tests share: create records, read error messages."""

from __future__ import annotations

import httpx


def create(api: httpx.Client, path: str, wrapper: str, record: dict) -> dict:
    """Create a record and return it unwrapped (the test fails on anything but 201)."""
    response = api.post(f"/{path}", json={wrapper: record})
    assert response.status_code == 201, response.text
    return response.json()[wrapper]


def account(api: httpx.Client, source_id: str = "business:1") -> dict:
    """A sales account with a Cliniko id."""
    return create(
        api,
        "sales_accounts",
        "sales_account",
        {"name": "North Clinic", "custom_field": {"cf_cliniko_id": source_id}},
    )


def contact(api: httpx.Client, source_id: str = "patient:1", **fields: object) -> dict:
    """A contact with a Cliniko id."""
    body = {"last_name": "Ng", "custom_field": {"cf_cliniko_id": source_id}, **fields}
    return create(api, "contacts", "contact", body)


def messages(response: httpx.Response) -> list[str]:
    """The sentences of a Freshsales error body."""
    return response.json()["errors"]["message"]
