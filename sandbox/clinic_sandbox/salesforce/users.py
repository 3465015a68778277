"""Org users, from the same users file or list the Freshsales simulator reads."""

from __future__ import annotations

from typing import Any

from clinic_sandbox.freshsales.users import build_users
from clinic_sandbox.salesforce.ids import make_id
from clinic_sandbox.salesforce.store import now_text


def user_records(entries: list[Any] | None) -> list[dict[str, Any]]:
    """User rows (`Username` = email), ids 005… in file order; the first is the integration user."""
    rows = []
    for index, user in enumerate(build_users(entries), start=1):
        first, _, last = user["display_name"].rpartition(" ")
        stamp = now_text()
        uid = make_id("005", index)
        rows.append(
            {
                "Id": uid,
                "Username": user["email"],
                "Email": user["email"],
                "FirstName": first or None,
                "LastName": last,
                "Name": user["display_name"],
                "IsActive": True,
                "UserType": "Standard",
                "TimeZoneSidKey": "Australia/Sydney",
                "CreatedDate": stamp,
                "LastModifiedDate": stamp,
                "SystemModstamp": stamp,
                "CreatedById": make_id("005", 1),
                "LastModifiedById": make_id("005", 1),
                "IsDeleted": False,
            }
        )
    return rows
