"""The call analysis report (FEATURES A3), computed by SQLite over the call records.

`report(store, since, until)` counts the calls that started in [since, until):
by result (answered, busy, no answer, abandoned, blocked, ...), total and average
talk time, and the same figures per agent, per ring group, per region, per hour of
the day and per day. A 100,000-call year is a few indexed aggregate queries, not a
Python loop over rows, so the web page can show it while the box takes calls.

Days and ISO weeks (`by_week`, "2024-W18") both; a page over months shows weeks.
Per agent and per group come from the legs (who was rung for which group, who
answered and talked), counted in calls: an agent by its id (`agent_id`: an extension
number, a bound-number id), with the name it was last rung under as `name`; a group
for every leg that rang for it, nested groups' legs for their own group too. The
rest from the calls. Hours and days are local to the
box's timezone at `since` (China keeps one offset all year; a zone with daylight
saving time is off by an hour on the days it changes, which a report can bear).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from firmware.cdr.store import CdrStore

# Words of a report row, in the order the page shows them.
COLUMNS = ("calls", "answered", "missed", "busy", "abandoned", "blocked", "other",
           "talk_s", "avg_talk_s")
_COUNTED = ("answered", "missed", "busy", "abandoned", "blocked")


def report(store: CdrStore, since: datetime, until: datetime) -> dict[str, Any]:
    """The report for calls started in [since, until) (aware datetimes)."""
    if store.is_empty:
        return report_of_nothing(since, until)
    span = [since.timestamp(), until.timestamp()]
    offset = int(since.astimezone(store.tz).utcoffset().total_seconds())
    db = store.connection
    # One pass over the calls by local hour (at most 24 x 400 groups); days, hours of the
    # day and the total are sums of those, done here rather than in three more scans.
    by_hour_of_span = db.execute(
        f"SELECT CAST((started_ts + {offset}) / 3600 AS INTEGER) AS k, {_CALL_SUMS} "
        f"FROM calls WHERE {_WHERE} GROUP BY k", span).fetchall()
    hours: dict[str, dict[str, float]] = {}
    days: dict[str, dict[str, float]] = {}
    weeks: dict[str, dict[str, float]] = {}
    total: dict[str, float] = {}
    for row in by_hour_of_span:
        local = datetime.fromtimestamp(row["k"] * 3600, UTC)
        day = days.setdefault(f"{local:%Y-%m-%d}", {})
        year, week, _ = local.isocalendar()
        in_week = weeks.setdefault(f"{year}-W{week:02d}", {})
        for bucket in (hours.setdefault(f"{local:%H}", {}), day, in_week, total):
            for column in _SUMMED:
                bucket[column] = bucket.get(column, 0) + (row[column] or 0)
    regions = db.execute(
        f"SELECT COALESCE(NULLIF(province, ''), region) AS k, {_CALL_SUMS} FROM calls "
        f"WHERE {_WHERE} GROUP BY k ORDER BY calls DESC", span).fetchall()
    agents, groups = _by_leg(db, span)
    return {
        "since": since.isoformat(), "until": until.isoformat(),
        "total": _row(total),
        "by_hour": [{"key": k, **_row(v)} for k, v in sorted(hours.items())],
        "by_day": [{"key": k, **_row(v)} for k, v in sorted(days.items())],
        "by_week": [{"key": k, **_row(v)} for k, v in sorted(weeks.items())],
        "by_region": [{"key": r["k"] or "", **_row(r)} for r in regions],
        "by_agent": agents, "by_group": groups,
    }


_WHERE = "started_ts >= ? AND started_ts < ?"
_SUMMED = ("calls", *_COUNTED, "other", "talk_s")
_CALL_SUMS = ", ".join(
    ["COUNT(*) AS calls"]
    + [f"SUM(result = '{w}') AS {w}" for w in _COUNTED]
    + ["SUM(result NOT IN ('answered', 'missed', 'busy', 'abandoned', 'blocked')) AS other",
       "COALESCE(SUM(talk_s), 0) AS talk_s"])


def _by_leg(db: Any, span: list[float]) -> tuple[list[dict], list[dict]]:
    """Per agent (by id) and per ring group, counted in calls, not rings: "calls" the
    calls that rang them, "answered" those they answered, "busy" those where they were
    only busy, "missed" the others (an agent: rang out; a group: not answered by
    it), and the talk time. A leg of a nested group counts for every group it rang
    for (`ring_groups`). Records from before agent ids whose agent could not be
    matched count under the name they were rung under."""
    agents = _sums(db, span, "COALESCE(NULLIF(agent_id, ''), agent)", "legs",
                   "(agent_id != '' OR agent != '')", named=True)
    groups = _sums(db, span, "j.value", "legs, json_each(legs.ring_groups) AS j", "1")
    return agents, groups


# One row per (key, call), then per key: a call counts once however often it rang there.
_PER_CALL = """
SELECT k, COUNT(*) AS calls, SUM(ans) AS answered, SUM(NOT ans AND only_busy) AS busy,
       SUM(NOT ans AND NOT only_busy AND {missed}) AS missed, SUM(talk) AS talk_s{name}
FROM (SELECT {key} AS k, legs.call_id, MAX(outcome = 'answered') AS ans,
             MIN(outcome = 'busy') AS only_busy, MAX(outcome = 'no_answer') AS rang_out,
             COALESCE(SUM(talk_s), 0) AS talk{inner_name}
      FROM {source} WHERE legs.started_ts >= ? AND legs.started_ts < ? AND {where}
      GROUP BY k, legs.call_id)
WHERE k != '' GROUP BY k
"""


def _sums(db: Any, span: list[float], key: str, source: str, where: str,
          named: bool = False) -> list[dict]:
    sql = _PER_CALL.format(
        key=key, source=source, where=where, missed="rang_out" if named else "1",
        name=", MAX(at) AS at, name" if named else "",
        inner_name=", MAX(legs.started_ts) AS at, agent AS name" if named else "")
    out = []
    for row in db.execute(sql, span).fetchall():
        entry = {"key": row["k"], **_row(dict(row))}
        if named:
            entry["name"] = row["name"] or row["k"]
        out.append(entry)
    return sorted(out, key=lambda r: (-r["calls"], r["key"]))


def _row(row: Any) -> dict[str, Any]:
    get = row.get if isinstance(row, dict) else (lambda c, _d=0: row[c])
    out = {c: (get(c, 0) or 0) for c in COLUMNS if c != "avg_talk_s"}
    out["talk_s"] = round(float(out["talk_s"]), 1)
    out["avg_talk_s"] = round(out["talk_s"] / out["answered"], 1) if out["answered"] else 0.0
    return out


def report_of_nothing(since: datetime, until: datetime) -> dict[str, Any]:
    zero = {c: 0 for c in COLUMNS}
    return {"since": since.isoformat(), "until": until.isoformat(), "total": zero,
            "by_hour": [], "by_day": [], "by_week": [], "by_region": [], "by_agent": [],
            "by_group": []}
