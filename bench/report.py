"""The one result table: rows of figure, reference and ratio, printed and written as JSON."""

from __future__ import annotations

import json
import os
import platform
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any


@dataclass
class Row:
    """One figure beside what it is compared with; `ratio` is what the goal is stated in."""

    scenario: str
    figure: str
    value: float | None
    unit: str
    reference: str
    ratio: float | None = None
    goal: str = ""
    met: bool | None = None
    detail: dict[str, Any] = field(default_factory=dict)


def unavailable(scenario: str, figure: str, why: str) -> Row:
    """A row for a scenario that could not run here, saying why instead of inventing a number."""
    return Row(scenario, figure, None, "", f"not available: {why}")


def machine() -> dict[str, Any]:
    """What the numbers were measured on (read from /proc: psutil is not a dependency)."""
    model = ""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    memory_kb = 0
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        first = meminfo.read_text().splitlines()[0]
        memory_kb = int(first.split()[1])
    return {
        "cpu": model,
        "cores": os.cpu_count(),
        "memory_gib": round(memory_kb / 1024**2, 1),
        "load_average": list(os.getloadavg()),
        "python": platform.python_version(),
        "system": platform.platform(),
    }


def _cell(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value:,.3f}" if abs(value) < 10 else f"{value:,.0f}"


def table(rows: list[Row]) -> str:
    """The rows as one fixed-width text table."""
    head = ("scenario", "figure", "value", "unit", "reference", "ratio", "goal", "met")
    body = [
        (
            r.scenario,
            r.figure,
            _cell(r.value),
            r.unit,
            r.reference,
            _cell(r.ratio),
            r.goal,
            {True: "yes", False: "NO", None: ""}[r.met],
        )
        for r in rows
    ]
    widths = [max(len(str(line[i])) for line in [head, *body]) for i in range(len(head))]
    lines = [
        "  ".join(str(cell).ljust(w) for cell, w in zip(line, widths, strict=True))
        for line in [head, *body]
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def write_json(rows: list[Row], options: dict[str, Any], folder: Path, seconds: float) -> Path:
    """Write the run to `folder/bench-<UTC time>.json` and `latest.json`; returns the first."""
    folder.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    document = {
        "when": stamp,
        "machine": machine(),
        "options": options,
        "seconds": round(seconds, 1),
        "rows": [asdict(row) for row in rows],
    }
    text = json.dumps(document, indent=2, default=str) + "\n"
    path = folder / f"bench-{stamp}.json"
    path.write_text(text)
    (folder / "latest.json").write_text(text)
    return path


def markdown(document: dict[str, Any]) -> str:
    """A results JSON as the Markdown table docs/performance.md records."""
    lines = [
        "| # | figure | measured | unit | reference (same run) | ratio | goal | met |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for row in document["rows"]:
        met = {True: "yes", False: "**no**", None: ""}[row["met"]]
        cells = [
            row["scenario"],
            row["figure"],
            _cell(row["value"]),
            row["unit"],
            row["reference"],
            _cell(row["ratio"]),
            row["goal"],
            met,
        ]
        lines.append("| " + " | ".join(str(c).replace("|", "\\|") for c in cells) + " |")
    return "\n".join(lines)


if __name__ == "__main__":  # python -m bench.report bench/results/bench-<stamp>.json
    import sys

    print(markdown(json.loads(Path(sys.argv[1]).read_text())))
