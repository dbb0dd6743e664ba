"""The call analysis report (FEATURES A3), computed by SQLite over the call records.

`report(store, since, until)` counts the calls that started in [since, until):
by result (answered, busy, no answer, abandoned, blocked, ...), total and average
talk time, and the same figures per agent, per ring group, per region, per hour of
the day and per day; per agent also the calls it transferred (`transfers`). A
100,000-call year is a few indexed aggregate queries, not a
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


# A network forwarding period (result "forwarded", docs/records.md) is no call: not counted.
_WHERE = "started_ts >= ? AND started_ts < ? AND result != 'forwarded'"
_SUMMED = ("calls", *_COUNTED, "other", "talk_s")
_CALL_SUMS = ", ".join(
    ["COUNT(*) AS calls"]
    + [f"SUM(result = '{w}') AS {w}" for w in _COUNTED]
    + ["SUM(result NOT IN ('answered', 'missed', 'busy', 'abandoned', 'blocked')) AS other",
       "COALESCE(SUM(talk_s), 0) AS talk_s"])


def _by_leg(db: Any, span: list[float]) -> tuple[list[dict], list[dict]]:
    """Per agent (by id) and per ring group, counted in calls, not rings: "calls" the
    calls that rang them, "answered" those they answered, "busy" those where they were
    only busy, "missed" the others (an agent: it rang out; a group: nobody of it
    answered), and the talk time. A leg of a nested group counts for every group it
    rang for (`ring_groups`). Records from before agent ids whose agent could not be
    matched count under the name they were rung under."""
    agents: dict[str, dict[str, Any]] = {}
    for row in db.execute(_AGENTS, span):  # per (id, name): a renamed agent has two rows
        key = row["agent_id"] or row["agent"]
        bucket = agents.setdefault(key, {"key": key, "name": "", "newest": -1.0})
        for column in ("calls", "answered", "missed", "busy", "talk_s"):
            bucket[column] = bucket.get(column, 0) + (row[column] or 0)
        if row["newest"] > bucket["newest"]:
            bucket["name"], bucket["newest"] = row["agent"] or key, row["newest"]
    for row in db.execute(_TRANSFERS, span):
        bucket = agents.setdefault(row["agent_id"], {"key": row["agent_id"], "name": "",
                                                     "newest": -1.0})
        bucket["transfers"] = row["transfers"]
    groups = []
    for row in db.execute(_GROUPS, span * 2):
        busy = row["calls"] - row["not_busy"]
        groups.append({"key": row["k"], **_row({
            **dict(row), "busy": busy, "missed": row["calls"] - row["answered"] - busy})})
    return _ranked([{"key": a["key"], **_row(a), "name": a["name"] or a["key"],
                     "transfers": a.get("transfers", 0)}
                    for a in agents.values()]), _ranked(groups)


def _ranked(rows: list[dict]) -> list[dict]:
    return sorted(rows, key=lambda r: (-r["calls"], r["key"]))


# A call rings an agent once (the call core never rings one target twice in a call), so
# an agent's legs are its calls: one pass, per (id, name) as the old one was; merged by
# id here (an older leg without an id by its name). `name`: the name of its newest leg.
# A transfer (docs/transfer.md) rings an agent twice in a call (the caller comes back)
# and leaves the agent who handed the call on an answered leg "transferred": calls are
# counted distinct, and a call counts as answered under the agent who finished it.
# Transfer legs (target kind "transfer") are counted apart: `transfers` per agent who
# transferred.
_AGENTS = """
SELECT agent_id, agent, COUNT(DISTINCT call_id) AS calls,
       COUNT(DISTINCT CASE WHEN outcome = 'answered' AND cause != 'transferred'
                      THEN call_id END) AS answered,
       SUM(outcome = 'no_answer') AS missed,
       SUM(outcome = 'busy') AS busy, COALESCE(SUM(talk_s), 0) AS talk_s,
       MAX(started_ts) AS newest
FROM legs WHERE started_ts >= ? AND started_ts < ? AND (agent_id != '' OR agent != '')
  AND target_kind != 'transfer'
GROUP BY agent_id, agent
"""
_TRANSFERS = """
SELECT agent_id, COUNT(*) AS transfers FROM legs
WHERE started_ts >= ? AND started_ts < ? AND target_kind = 'transfer'
  AND cause NOT LIKE 'recall %' AND cause NOT LIKE 'threeway %' AND agent_id != ''
GROUP BY agent_id
"""
# A group rings several legs a call: distinct calls. Each leg's outer group, plus the
# nested groups of the few legs that have them (`ring_groups` beyond its first).
_GROUPS = """
SELECT k, COUNT(DISTINCT call_id) AS calls,
       COUNT(DISTINCT CASE WHEN outcome = 'answered' THEN call_id END) AS answered,
       COUNT(DISTINCT CASE WHEN outcome != 'busy' THEN call_id END) AS not_busy,
       COALESCE(SUM(talk_s), 0) AS talk_s
FROM (SELECT ring_group AS k, call_id, outcome, talk_s FROM legs
      WHERE started_ts >= ? AND started_ts < ? AND ring_group != ''
      UNION ALL
      SELECT j.value, call_id, outcome, talk_s FROM legs, json_each(legs.ring_groups) AS j
      WHERE started_ts >= ? AND started_ts < ? AND ring_groups LIKE '[%,%' AND j.key > 0)
GROUP BY k
"""


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
