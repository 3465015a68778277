"""Fixtures for the tap-cliniko tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests_mock
from tap_fake_api import FakeCliniko


@pytest.fixture
def fake() -> Iterator[FakeCliniko]:
    """A fake Cliniko API, installed for the duration of the test."""
    api = FakeCliniko()
    with requests_mock.Mocker() as mocker:
        api.install(mocker)
        yield api
