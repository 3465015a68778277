"""Order one batch of a self-referencing stream (an account hierarchy) parents first.

A record whose parent is in the same batch cannot resolve the parent's CRM id until the parent
is written, so the batch is cut into layers by depth: layer 0 holds records whose parent is not in
the batch (already written, in another batch, or none), layer 1 their children, and so on. The
engine writes each layer before preparing the next. A cycle never resolves; its records go in the
last layer, where the engine rejects them with "parent not written".
"""

from __future__ import annotations

from typing import Any

from crmsync.spec import REF_PREFIX, SOURCE_ID, ObjectSpec


def layers(spec: ObjectSpec, records: list[dict[str, Any]]) -> list[list[int]]:
    """Positions of `records` grouped parents first; one layer, in order, without a hierarchy."""
    fields = spec.self_references
    if not fields:
        return [list(range(len(records)))]
    # The latest record of a `_source_id` is the one the engine writes (earlier ones superseded).
    by_id = {str(r.get(SOURCE_ID)): r for r in records if r.get(SOURCE_ID)}

    def parents(record: dict[str, Any]) -> list[str]:
        found = (record.get(f"{REF_PREFIX}{f}") for f in fields)
        return [str(p) for p in found if p not in (None, "") and str(p) in by_id]

    depth: dict[str, int] = {}
    limit = len(by_id)  # deeper than the batch is only possible in a cycle
    visiting: set[str] = set()

    def depth_of(root: str) -> int:
        # Depth-first with an explicit stack, so a deep hierarchy cannot exhaust recursion.
        stack = [root]
        while stack:
            sid = stack[-1]
            if sid in depth:
                stack.pop()
                continue
            above = parents(by_id[sid])
            if sid not in visiting:
                visiting.add(sid)
                stack.extend(p for p in above if p not in depth and p not in visiting)
                continue
            # Second visit: the parents are done, or on the path (a cycle: never resolvable).
            depth[sid] = min(limit, 1 + max((depth.get(p, limit) for p in above), default=-1))
            visiting.discard(sid)
            stack.pop()
        return depth[root]

    grouped: dict[int, list[int]] = {}
    for position, record in enumerate(records):
        sid = record.get(SOURCE_ID)
        level = depth_of(str(sid)) if sid and str(sid) in by_id else 0
        grouped.setdefault(level, []).append(position)
    return [grouped[level] for level in sorted(grouped)]
