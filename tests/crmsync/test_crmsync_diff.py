"""What the diff forgives (the CRM's reformatting) and what it does not."""

from __future__ import annotations

import datetime as dt
import decimal

import pytest
from crmsync.diff_normalize import same


@pytest.mark.parametrize(
    ("sent", "stored"),
    [
        ("+61 400 000 001", "+61400000001"),  # phone formatting
        ("(02) 9999-1234", "02 9999 1234"),
        ("2026-01-05T09:00:00Z", "2026-01-05T19:00:00+10:00"),  # the same instant
        ("2026-01-05 09:00:00", "2026-01-05T09:00:00Z"),  # naive = UTC
        (dt.date(2026, 1, 5), "2026-01-05"),
        (decimal.Decimal("120.50"), 120.5),  # decimal formatting
        ("120.00", 120),
        ("17000000001", 17000000001),  # ids: text in the id map, integers in the CRM
        (True, "true"),
        ("", None),
        ('[{"value": "0400", "label": "Home"}]', [{"id": 9, "value": "0400", "label": "Home"}]),
    ],
)
def test_reformatting_is_equal(sent: object, stored: object) -> None:
    assert same(sent, stored)


@pytest.mark.parametrize(
    ("sent", "stored"),
    [
        ("Number0", "Changed"),
        ("2026-01-05T09:00:00Z", "2026-01-05T09:00:00+10:00"),
        ("120.50", 120.05),
        ("McDonald", "mcdonald"),  # case only counts as reformatting in picklists
        ("x", None),
        ('[{"value": "0400"}]', []),
        ("0400 000 001", "0400 000 002"),
    ],
)
def test_real_changes_are_different(sent: object, stored: object) -> None:
    assert not same(sent, stored)


def test_picklist_case_is_forgiven_only_for_picklists() -> None:
    assert same("Active", "active", picklist=True)
    assert not same("Active", "expired", picklist=True)
