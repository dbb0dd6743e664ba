"""The call analysis report (FEATURES A3), computed by SQLite over the call records.

`report(store, since, until)` counts the calls that started in [since, until):
by result (answered, busy, no answer, abandoned, blocked, ...), total and average
talk time, and the same figures per agent, per ring group, per region, per hour of
the day and per day. A 100,000-call year is a few indexed aggregate queries, not a
Python loop over rows, so the web page can show it while the box takes calls.

Per agent and per group come from the legs (who was rung for which group, who
answered and talked); the rest from the calls. Hours and days are local to the
box's timezone at `since` (China keeps one offset all year; a zone with daylight
saving time is off by an hour on the days it changes, which a report can bear).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from firmware.cdr.store import CdrStore

# Words of a report row, in the order the page shows them.
COLUMNS = ("calls", "answered", "missed", "busy", "abandoned", "blocked", "other",
           "talk_s", "avg_talk_s")
_COUNTED = ("answered", "missed", "busy", "abandoned", "blocked")


def report(store: CdrStore, since: datetime, until: datetime) -> dict[str, Any]:
    """The report for calls started in [since, until) (aware datetimes)."""
    where = "started_ts >= ? AND started_ts < ?"
    span = [since.timestamp(), until.timestamp()]
    offset = int(since.astimezone(store.tz).utcoffset().total_seconds())
    if store.is_empty:
        return report_of_nothing(since, until)
    return {
        "since": since.isoformat(), "until": until.isoformat(),
        "total": _one(store, f"SELECT {_CALL_SUMS} FROM calls WHERE {where}", span),
        "by_hour": _grouped(store, _by_time("%H", offset, where), span),
        "by_day": _grouped(store, _by_time("%Y-%m-%d", offset, where), span),
        "by_region": _grouped(store, f"SELECT COALESCE(NULLIF(province, ''), region) AS k, "
                              f"{_CALL_SUMS} FROM calls WHERE {where} GROUP BY k ORDER BY calls"
                              " DESC", span),
        "by_agent": _grouped(store, _by_leg("agent", where), span),
        "by_group": _grouped(store, _by_leg("ring_group", where), span),
    }


_CALL_SUMS = ", ".join(
    ["COUNT(*) AS calls"]
    + [f"SUM(result = '{w}') AS {w}" for w in _COUNTED]
    + ["SUM(result NOT IN ('answered', 'missed', 'busy', 'abandoned', 'blocked')) AS other",
       "COALESCE(SUM(talk_s), 0) AS talk_s"])


def _by_time(fmt: str, offset: int, where: str) -> str:
    return (f"SELECT strftime('{fmt}', started_ts + {offset}, 'unixepoch') AS k, {_CALL_SUMS} "
            f"FROM calls WHERE {where} GROUP BY k ORDER BY k")


def _by_leg(column: str, where: str) -> str:
    """Per agent or group: calls it was rung for, answered, missed legs, talk time."""
    return (f"SELECT l.{column} AS k, COUNT(DISTINCT l.call_id) AS calls, "
            "COUNT(DISTINCT CASE WHEN l.outcome = 'answered' THEN l.call_id END) AS answered, "
            "SUM(l.outcome = 'no_answer') AS missed, SUM(l.outcome = 'busy') AS busy, "
            "0 AS abandoned, 0 AS blocked, 0 AS other, COALESCE(SUM(l.talk_s), 0) AS talk_s "
            f"FROM legs l WHERE l.{column} != '' AND l.started_ts >= ? AND l.started_ts < ? "
            "GROUP BY k ORDER BY calls DESC")


def _row(row: Any) -> dict[str, Any]:
    out = {c: (row[c] or 0) for c in COLUMNS if c != "avg_talk_s"}
    out["talk_s"] = round(float(out["talk_s"]), 1)
    out["avg_talk_s"] = round(out["talk_s"] / out["answered"], 1) if out["answered"] else 0.0
    return out


def _one(store: CdrStore, sql: str, params: list[Any]) -> dict[str, Any]:
    return _row(store.connection.execute(sql, params).fetchone())


def _grouped(store: CdrStore, sql: str, params: list[Any]) -> list[dict[str, Any]]:
    return [{"key": row["k"] or "", **_row(row)}
            for row in store.connection.execute(sql, params).fetchall()]


def report_of_nothing(since: datetime, until: datetime) -> dict[str, Any]:
    zero = {c: 0 for c in COLUMNS}
    return {"since": since.isoformat(), "until": until.isoformat(), "total": zero,
            "by_hour": [], "by_day": [], "by_region": [], "by_agent": [], "by_group": []}
