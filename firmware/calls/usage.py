"""This month's usage per line, from the call records, for routing's caps (G7).

Routing reads no storage: the call core counts what each line used since 00:00 on the
1st of this month in the box's timezone (`CdrStore.usage_since`), and hands it to
`plan_inbound` as a `routing.caps.Usage`. Only that month's calls count: `route
explain --at` a day of an earlier month counts that month's usage, not what came
after. Counting from the records means the counters survive restarts and reset by
themselves when the month turns. A store that fails gives None: the caps are then not
checked for that call (the plan says so), rather than refusing calls the box cannot
count.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from firmware.routing.caps import LineUsage, Usage

log = logging.getLogger("switchboard.calls")


def month_usage(cdr: Any, now: datetime) -> Usage | None:
    """Usage of every line this month by the records in `cdr` (None: no records)."""
    if cdr is None:
        return None
    try:
        start = cdr.month_start(now)
        counted = cdr.usage_since(start, cdr.month_end(now))  # `now` may be an earlier month
    except Exception:
        log.exception("cannot count this month's usage; caps not checked")
        return None
    return Usage(f"{start:%Y-%m}", {line: LineUsage(**values) for line, values in
                                    counted.items()})
