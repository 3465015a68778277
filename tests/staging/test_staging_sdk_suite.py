"""singer-sdk's standard target tests, run against a throw-away staging file."""

from __future__ import annotations

import atexit
import shutil
import tempfile
from pathlib import Path

from cliniko_staging.target import TargetStaging
from singer_sdk.testing import get_target_test_class

# The suite builds its class at import time, so the file lives in a folder removed at exit.
_FOLDER = Path(tempfile.mkdtemp(prefix="target-staging-sdk-suite-"))
atexit.register(shutil.rmtree, _FOLDER, ignore_errors=True)

TestTargetStaging = get_target_test_class(
    TargetStaging,
    config={"path": str(_FOLDER / "staging.duckdb"), "batch_size_rows": 2},
)
