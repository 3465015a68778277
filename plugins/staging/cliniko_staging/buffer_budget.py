"""One memory budget for the records target-staging holds across all streams.

singer-sdk bounds each stream's batch on its own (`batch_size_rows`), so what a run holds grows
with the number of streams that are part-way through a batch: 38 streams x 10,000 records at
most. The budget caps the sum instead: when the records (or the bytes of their JSON lines) held
by all streams pass it, the stream holding the most is committed first. Peak memory then no
longer depends on the size of the clinic or the number of streams.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class BufferBudget:
    """Counts what each stream holds; says which stream to commit when the total is over."""

    max_rows: int
    max_bytes: int
    rows: dict[str, int] = field(default_factory=dict)
    sizes: dict[str, int] = field(default_factory=dict)
    total_rows: int = 0
    total_bytes: int = 0

    def add(self, stream: str, size: int) -> None:
        """Note one record of `size` bytes (its JSON line) now held by `stream`."""
        self.rows[stream] = self.rows.get(stream, 0) + 1
        self.sizes[stream] = self.sizes.get(stream, 0) + size
        self.total_rows += 1
        self.total_bytes += size

    def over(self) -> bool:
        """True when the records held by all streams together pass either limit."""
        return self.total_rows > self.max_rows or self.total_bytes > self.max_bytes

    def largest(self) -> str | None:
        """The stream holding the most bytes (the one whose commit frees the most)."""
        return max(self.sizes, key=self.sizes.__getitem__, default=None)

    def committed(self, stream: str) -> None:
        """`stream`'s held records were committed: they no longer count."""
        self.total_rows -= self.rows.pop(stream, 0)
        self.total_bytes -= self.sizes.pop(stream, 0)
