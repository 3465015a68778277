"""singer-sdk's standard tap tests, run against the small publish_testcrm fixture."""

from __future__ import annotations

import atexit
import shutil
import tempfile
from pathlib import Path

import tap_fixture
from cliniko_staging.tap import TapStaging
from singer_sdk.testing import get_tap_test_class

# The suite builds its class at import time, so the fixture lives in a folder removed at exit.
_FOLDER = Path(tempfile.mkdtemp(prefix="tap-staging-sdk-suite-"))
atexit.register(shutil.rmtree, _FOLDER, ignore_errors=True)

TestTapStaging = get_tap_test_class(TapStaging, config=tap_fixture.build(_FOLDER))
