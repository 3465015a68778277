"""Fixtures for the tap-cliniko tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests
import requests_mock
from tap_fake_api import FakeCliniko


@pytest.fixture
def fake() -> Iterator[FakeCliniko]:
    """A fake Cliniko API that every requests session talks to during the test.

    A bare requests-mock Adapter is routed in instead of ``requests_mock.Mocker``, because the
    Mocker serialises every request behind one global lock, which would hide concurrency.
    """
    api = FakeCliniko()
    adapter = requests_mock.Adapter()
    api.install(adapter)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(requests.Session, "get_adapter", lambda session, url: adapter)
        yield api
