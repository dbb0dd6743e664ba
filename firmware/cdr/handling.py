"""How long the members of each ring group talk with a caller: the handling times the
hold queue's expected wait is made of (firmware/calls/hold_queue.py), read back from
the call records so that a restarted box starts with the estimate it had.

A handling time is the talk time of a leg a member answered for a ring group (the
`legs` row: outcome "answered", `ring_group` the group, `talk_s` from the answer to
the leg's end), whether a queue or a ring step rang the member. The rows are read
newest first in the order they were written (rowid), at most `SCAN_LEGS` of them, so
the start costs a bounded read however large the records grow.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

SCAN_LEGS = 5000  # answered legs looked at, newest first


def recent_talk_times(store: Any, per_group: int, scan: int = SCAN_LEGS
                      ) -> dict[str, list[float]]:
    """{group: [talk_s, ...]}: each ring group's last `per_group` handling times,
    oldest first (the order they happened). Empty for an empty or unreadable store."""
    if store is None or getattr(store, "is_empty", False):
        return {}
    rows = store.connection.execute(
        "SELECT ring_group, talk_s FROM legs WHERE outcome = 'answered' AND ring_group != ''"
        " ORDER BY rowid DESC LIMIT ?", (max(0, scan),))
    return newest_per_group(rows, per_group)


def newest_per_group(rows: Iterable[tuple[str, float]], per_group: int
                     ) -> dict[str, list[float]]:
    """Rows (group, seconds) newest first -> each group's newest `per_group`, oldest first."""
    found: dict[str, list[float]] = {}
    for group, talk_s in rows:
        times = found.setdefault(group, [])
        if len(times) < per_group:
            times.append(max(0.0, float(talk_s or 0.0)))
    return {group: times[::-1] for group, times in found.items()}
