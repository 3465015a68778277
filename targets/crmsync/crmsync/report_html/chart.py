"""An inline SVG bar chart computed here, so the page needs no script and no network."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

SERIES = (("cliniko", "Cliniko", "#8c6bb1"), ("publish", "publish", "#4c78a8"),
          ("id_map", "id map", "#72b7b2"), ("crm", "in CRM", "#54a24b"))  # fmt: skip
LABEL_WIDTH, BAR_AREA, BAR_HEIGHT, GAP = 130, 420, 11, 10


@dataclass(frozen=True)
class Bar:
    """One bar: position, size, colour and the number written beside it."""

    x: int
    y: int
    width: int
    height: int
    colour: str
    value: int
    series: str


def bars(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Geometry of a grouped horizontal bar chart: one group per object, one bar per series."""
    largest = max((r[k] or 0 for r in rows for k, _, _ in SERIES), default=0) or 1
    drawn, labels = [], []
    y = GAP
    for row in rows:
        present = [(k, name, colour) for k, name, colour in SERIES if row.get(k) is not None]
        if not present:
            continue
        labels.append({"text": row["object"], "y": y + BAR_HEIGHT * len(present) // 2 + 4})
        for key, name, colour in present:
            width = max(1, round(BAR_AREA * row[key] / largest)) if row[key] else 0
            drawn.append(Bar(LABEL_WIDTH, y, width, BAR_HEIGHT - 1, colour, row[key], name))
            y += BAR_HEIGHT
        y += GAP
    return {
        "width": LABEL_WIDTH + BAR_AREA + 70,
        "height": y,
        "bars": drawn,
        "labels": labels,
        "legend": [{"name": n, "colour": c} for _, n, c in SERIES],
    }
