"""require_plan: the target refuses to write before `crmsync plan` says the org is ready."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from crmsync.errors import ConfigError
from crmsync.testing import singer_messages
from sf_fake import FakeSalesforce
from sf_harness import clinic, config, run, target_class


def test_no_plan_no_write(tmp_path: Path) -> None:
    fake = FakeSalesforce()
    target = target_class(fake)(config=config(tmp_path, require_plan=True), validate_config=True)
    with pytest.raises(ConfigError, match="crmsync plan"):
        target.listen(io.StringIO(singer_messages(clinic(tmp_path))))
    assert not any(method != "GET" for method, _ in fake.requests if "/services/data" in _)
    assert not fake.records


def test_allow_plan_gaps_migrates_anyway(tmp_path: Path) -> None:
    fake = FakeSalesforce()
    report = run(fake, tmp_path, clinic(tmp_path), require_plan=True, allow_plan_gaps=True)
    assert report["status"] == "succeeded"
