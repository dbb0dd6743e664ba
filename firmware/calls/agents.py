"""What the call core keeps about agents and ring groups, for routing (R3, R5, R6, R8, R12).

Routing is pure: it gets a frozen `AgentStats` snapshot (`snapshot(now)`) with every
inbound call, and hands back `Turn`s (where a rotating group starts next, a percentage
group's counts) that `count(turns)` keeps. An *agent* is what a ring-group member
names: an extension number ("801") or a bound-number id ("zhang").

Kept durably, in one small JSON state file in the data dir (`routing-state.json`,
written atomically: temp file, fsync, rename, fsync the directory), because a restart
must not reset them: the rotation position and the percentage counts per group, and
which agents set themselves unavailable, and since when (a feature code on a desk
phone, the web page: `set_available`; "unavailable by choice" on the dashboard).

Rebuilt from the call records at start (`rebuild`), then kept up as calls go
(`answered`, `hung_up`): calls answered today per agent (midnight in the box's
zone), when each agent's last call ended (longest idle), and who last answered each
caller (returning caller). Agents on a call right now are `talking`. Everything is
keyed by the agent's id (the records' `agent_id`), never by display name, so a
rename keeps the counts and two agents with one name stay two; callers are keyed
by their normalised number (firmware.region.caller_number), as routing matches them.

A state file that cannot be read is logged and set aside (`.bad`), never fatal: the
box must take calls with fresh state rather than not at all.
"""

from __future__ import annotations

import json
import logging
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from firmware.cdr.agent_ids import agent_maps, backfill_agent_ids
from firmware.config.schema import Config
from firmware.config.storage import write_atomically
from firmware.routing.stats import AgentStats, LastAnswer, SplitCounts, Turn

log = logging.getLogger("switchboard.calls")

STATE_FILE = "routing-state.json"
LOOKBACK_DAYS = 30  # records read at start for returning callers when the config says 0


class AgentBook:
    def __init__(self, path: Path | None = None):
        """State kept in the file at `path` (None: in memory only, for tests)."""
        self.path = path
        self.rotation: dict[str, int] = {}
        self.split: dict[str, SplitCounts] = {}
        self.unavailable: set[str] = set()
        self.unavailable_since: dict[str, datetime] = {}  # when each set it (if known)
        self.idle_since: dict[str, datetime] = {}
        self.answered_on: dict[str, tuple[date, int]] = {}
        self.last_answered: dict[str, LastAnswer] = {}
        self.talking: dict[str, int] = {}  # agent -> calls in progress
        if path is not None:
            self._load(path)

    # --- what routing sees ----------------------------------------------------------

    def snapshot(self, now: datetime) -> AgentStats:
        today = now.date()
        return AgentStats(
            idle_since=dict(self.idle_since),
            answered_today={a: n for a, (d, n) in self.answered_on.items() if d == today},
            last_answered=dict(self.last_answered),
            unavailable=frozenset(self.unavailable),
            talking=frozenset(a for a, n in self.talking.items() if n > 0),
            rotation=dict(self.rotation), split=dict(self.split))

    def count(self, turns: tuple[Turn, ...]) -> None:
        """Keep the group state a plan left (the call was routed)."""
        if not turns:
            return
        for turn in turns:
            if turn.rotation is not None:
                self.rotation[turn.group] = turn.rotation
            if turn.split is not None:
                self.split[turn.group] = turn.split
        self._save()

    # --- availability (R12) ----------------------------------------------------------

    def set_available(self, agent: str, available: bool, at: datetime | None = None) -> None:
        """`agent` takes ring-group calls (True) or is passed over (False) from `at` on;
        kept durably. Setting an unavailable agent unavailable again keeps its time."""
        if available:
            self.unavailable.discard(agent)
            self.unavailable_since.pop(agent, None)
        else:
            if agent not in self.unavailable and at is not None:
                self.unavailable_since[agent] = at
            self.unavailable.add(agent)
        log.info("agent %s is now %s", agent, "available" if available else "unavailable")
        self._save()

    def clear(self) -> None:
        """Factory reset: every agent available, no rotation or percentage position, no
        answered counts, idle times or returning callers; kept at once. Calls in progress
        stay counted (`talking`) until they end."""
        self.rotation, self.split = {}, {}
        self.unavailable, self.unavailable_since = set(), {}
        self.idle_since, self.answered_on, self.last_answered = {}, {}, {}
        self._save()
        log.warning("agents and ring groups: state cleared (factory reset)")

    def is_available(self, agent: str) -> bool:
        return agent not in self.unavailable

    def since(self, agent: str) -> datetime | None:
        """When an unavailable `agent` set itself so (None: available, or not known)."""
        return self.unavailable_since.get(agent) if agent in self.unavailable else None

    # --- calls as they go ------------------------------------------------------------------

    def answered(self, agent: str, caller: str | None, at: datetime) -> None:
        """`agent` answered a call from `caller` at `at` (the box's zone)."""
        day, n = self.answered_on.get(agent, (at.date(), 0))
        self.answered_on[agent] = (at.date(), n + 1 if day == at.date() else 1)
        if caller:
            self.last_answered[caller] = LastAnswer(agent, at)
        self.on_call(agent)

    def on_call(self, agent: str) -> None:
        """`agent` is talking (any call: an internal or outside call from a desk phone too)."""
        self.talking[agent] = self.talking.get(agent, 0) + 1

    def hung_up(self, agent: str, at: datetime) -> None:
        """`agent`'s call ended at `at`: idle from now."""
        self.talking[agent] = max(0, self.talking.get(agent, 0) - 1)
        self.idle_since[agent] = at

    def rebuild(self, cdr: Any, config: Config, now: datetime) -> None:
        """Answered today, idle times and last answers, from the call records."""
        if cdr is None:
            return
        days = max(config.returning_caller_days, LOOKBACK_DAYS)
        try:
            backfill_agent_ids(cdr, *agent_maps(config))
        except Exception:
            log.exception("call records: cannot give older records their agent ids")
        try:
            calls = cdr.calls(since=now - timedelta(days=days), limit=None, newest_first=False,
                              direction="in", result="answered")
        except Exception:
            log.exception("agent statistics: cannot read the call records; starting empty")
            return
        for call in calls:
            agent = getattr(call, "agent_id", "") or agent_of(config, call.answered_by)
            if not agent:
                continue
            at = call.started_at.astimezone(now.tzinfo)
            self.answered(agent, call.region.e164 or call.caller or None, at)
            self.hung_up(agent, (call.ended_at or call.started_at).astimezone(now.tzinfo))
        log.info("agent statistics: %d answered calls in the last %d days", len(calls), days)

    # --- the state file ---------------------------------------------------------------

    def _load(self, path: Path) -> None:
        if not path.exists():
            return
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            self.rotation = {str(g): int(n) for g, n in data.get("rotation", {}).items()}
            self.split = {str(g): SplitCounts(tuple((str(k), int(s)) for k, s in v["shares"]),
                                              tuple(int(c) for c in v["counts"]))
                          for g, v in data.get("split", {}).items()}
            self.unavailable = {str(a) for a in data.get("unavailable", [])}
            self.unavailable_since = {str(a): datetime.fromisoformat(t) for a, t in
                                      data.get("unavailable_since", {}).items()
                                      if str(a) in self.unavailable}
        except (OSError, ValueError, TypeError, KeyError, AttributeError) as exc:
            bad = path.with_name(path.name + ".bad")
            log.error("routing state %s is unreadable (%s); moved to %s, starting fresh",
                      path, exc, bad)
            path.replace(bad)
            self.rotation, self.split, self.unavailable = {}, {}, set()
            self.unavailable_since = {}

    def _save(self) -> None:
        if self.path is None:
            return
        data = {
            "rotation": self.rotation,
            "split": {g: {"shares": [list(s) for s in v.shares], "counts": list(v.counts)}
                      for g, v in self.split.items()},
            "unavailable": sorted(self.unavailable),
            "unavailable_since": {a: t.isoformat() for a, t in
                                  sorted(self.unavailable_since.items())},
        }
        try:
            write_atomically(self.path, json.dumps(data, ensure_ascii=False, indent=1)
                             .encode("utf-8"), mode=0o644)
        except OSError:
            log.exception("routing state %s: write failed", self.path)


def agent_of(config: Config, answered_by: str) -> str:
    """The agent a record's `answered_by` names: an extension number stays, a bound
    number's E.164 number becomes its id, anything else stays as it is."""
    if not answered_by or config.extension(answered_by) is not None:
        return answered_by
    bound = next((b for b in config.bound_numbers if b.number == answered_by), None)
    return bound.id if bound is not None else answered_by
