"""Generation streams to disk: ten times the patients must not mean ten times the memory."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

_MEASURE = """
import json, resource, sys
from clinic_sandbox.clinic import GenerateOptions, generate_clinic
counts = generate_clinic(sys.argv[1], GenerateOptions(patients=int(sys.argv[2]), seed=1,
                                                      as_of=1767225600))
print(json.dumps({"peak_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                  "rows": sum(c["total"] for c in counts.values())}))
"""


def _peak(folder: Path, patients: int) -> dict[str, int]:
    done = subprocess.run(
        [sys.executable, "-c", _MEASURE, str(folder), str(patients)],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.slow
def test_peak_memory_stays_flat_as_the_clinic_grows(tmp_path):
    small = _peak(tmp_path / "small", 500)
    large = _peak(tmp_path / "large", 5_000)
    data_kb = (tmp_path / "large" / "clinic.sqlite").stat().st_size // 1024
    growth_kb = large["peak_kb"] - small["peak_kb"]
    assert large["rows"] > 9 * small["rows"]
    # Holding the clinic in memory would grow by about the data size (~400 MB here).
    assert growth_kb < 80 * 1024, f"peak RSS grew by {growth_kb} kB"
    assert growth_kb < data_kb / 5
