"""One call's record, written as the call goes: the call core's side of `cdr`.

`CallLog` begins the call record when the call starts (looking the outside party's
region up once: the record, routing and the live status all use `region`), adds a leg
row as each target rung or line dialled ends (`tried`), writes who answered and when
the moment someone answers, notes the route, and ends it with the final result, who
answered, ring time, talk time and why it ended (`finish`; `end_reason` tells the
words apart from the legs that ended). A call the box stops during is ended by the
controller's supervisor (`stopped`: "box_restart"). The store commits every write
before returning, so a call that ended survives a crash. A store error is logged and
never breaks the call itself.
"""

from __future__ import annotations

import logging
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from firmware.calls.finished import publish_finished
from firmware.calls.hold_queue import leg_handled
from firmware.calls.pickup import answered_cause, record_pickup
from firmware.cdr.records import TRANSFER, CallEnd, CallStart, LegRecord
from firmware.region import EXTENSION, WITHHELD, Region, describe

if TYPE_CHECKING:
    from firmware.calls.controller import CallController

log = logging.getLogger("switchboard.calls")

# Leg outcomes the records know; the rest are kept as the cause.
_OUTCOME = {"abandoned": "cancelled", "unreachable": "failed", "normal": "failed",
            "unavailable": "failed"}
NORMAL_CLEARING = (16, 31)  # Q.850 normal call clearing, normal unspecified


@dataclass(frozen=True)
class Who:
    """Whom a leg rang for: the agent's id (extension number, bound-number id, or the
    outside number itself) and every ring group it rang for, outer first."""

    agent_id: str = ""
    group: str = ""
    groups: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.group and not self.groups:
            object.__setattr__(self, "groups", (self.group,))


class CallLog:
    def __init__(self, core: CallController, direction: str, line: str, caller: str | None,
                 callee: str):
        self.core = core
        self.clock = core.clock
        self.started_mono = self.clock.monotonic()
        self.answered_mono: float | None = None
        self.answered_by = ""
        self.agent_id = ""  # the agent who answered, by id
        self.route = ""
        self.id: str | None = None
        self.direction = direction
        self.line = line
        self.finished = False
        self.outcomes: list[str] = []  # every target tried, in order (for "busy")
        self.caller = caller
        self._answered_leg: tuple | None = None
        self.answered_at: datetime | None = None  # the first answer (a transfer keeps it)
        self.region = region_of(direction, caller, callee, core.config().settings.country)
        started_at = self.clock.now()
        core.note_call(direction, line, caller, self.region, self.started_mono, started_at,
                       record=self)
        self._write("begin_call", CallStart(direction=direction, line=line, caller=caller,
                                            callee=callee, started_at=started_at,
                                            region=self.region))

    @property
    def caller_key(self) -> str | None:
        """The caller as routing matches them (firmware.region.caller_number): E.164
        when the number reads as one, else as the line gave it; None when withheld."""
        if self.region.kind == "withheld" or not self.caller:
            return None
        return self.region.e164 or self.caller.strip()

    def _write(self, op: str, *args: Any) -> Any:
        store = self.core.cdr
        if store is None:
            return None
        try:
            if op == "begin_call":
                self.id = store.begin_call(*args)
                return self.id
            if self.id is None:
                return None
            return getattr(store, op)(self.id, *args)
        except Exception:
            log.exception("call record %s: %s failed", self.id, op)
            return None

    def set_route(self, route: str) -> None:
        self.route = route
        self._write("set_route", route)

    def tried(self, target: str, kind: str, line: str, outcome: str, t0: float | None,
              leg: Any = None, cause: str = "", agent: str = "", group: str = "",
              who: Who | None = None) -> None:
        """A target was tried (t0 None: refused before it rang). An answered leg's
        row is written when the call finishes, with the time it ended; who answered
        and when is written at once (a call the box dies in keeps it). `agent` and
        `group`: the display name and ring group it rang under; `who`: the agent's
        id and every group it rang for (routing's target), for the statistics."""
        who = who or Who(group=group)
        self.outcomes.append(outcome)
        taken = record_pickup(self, leg, target, kind, t0, agent, group, who)
        if taken is not None:  # picked up on another phone: its own row (calls/pickup.py)
            target, kind, line, t0, agent, who = taken
        if outcome == "answered":
            self.answered_mono = self.clock.monotonic()
            self.answered_at = self.clock.now()
            self.answered_by = target
            self.agent_id = who.agent_id
            self._answered_leg = (target, kind, line, t0, leg, agent, group, who)
            self._write("set_answered", target, self.clock.now())
            return
        self._leg(target, kind, line, outcome, t0, leg, cause, agent, group, who)

    @property
    def answered_who(self) -> Who | None:
        """Whom the answering leg rang for (its agent id and ring groups), until the
        record is closed; None before an answer."""
        return self._answered_leg[7] if self._answered_leg is not None else None

    @property
    def answered_group(self) -> str:
        """The ring group the leg that holds the call now answered for ("" if none)."""
        return self._answered_leg[6] if self._answered_leg is not None else ""

    def handed_over(self, cause: str = "transferred") -> None:
        """The agent holding the call hands it on (a transfer, calls/transfer.py): its
        answered leg is written now, ended, with `cause` (the reports count the call
        under the agent who finishes it, not this one)."""
        if self._answered_leg is None:
            return
        target, kind, line, t0, leg, agent, group, who = self._answered_leg
        self._answered_leg = None
        self._leg(target, kind, line, "answered", t0, leg, cause, agent, group, who)

    def took_over(self, target: str, kind: str, leg: Any, agent: str = "", group: str = "",
                  agent_id: str = "") -> None:
        """`leg` (answered) holds the call now (a transfer): it is who answered it, for the
        record and the reports; the call's first answer time stays. A leg still pending
        (not handed over) is written first."""
        if self._answered_leg is not None and self._answered_leg[4] is not leg:
            self.handed_over("")
        who = Who(agent_id=agent_id, group=group)
        self.outcomes.append("answered")
        if self.answered_mono is None:
            self.answered_mono = self.clock.monotonic()
            self.answered_at = self.clock.now()
        self.answered_by, self.agent_id = target, agent_id
        self._answered_leg = (target, kind, getattr(leg, "name", ""), getattr(leg, "t_start", None),
                              leg, agent, group, who)
        self._write("set_answered", target, self.answered_at or self.clock.now())

    def transfer(self, *, kind: str, by: str, by_name: str, target: str, outcome: str,
                 t0: float | None, cause: str = "") -> None:
        """A transfer leg (docs/records.md): target kind "transfer", `by` the agent id
        who transferred (`by_name` as shown), `outcome` (cdr.records TRANSFER_OUTCOMES),
        the cause "<kind> transfer[: detail]"."""
        now, mono = self.clock.now(), self.clock.monotonic()
        started = now if t0 is None else _wall(now, mono, t0)
        words = f"{kind} transfer" + (f": {cause}" if cause else "")
        self._write("add_leg", LegRecord(
            target=target or "-", target_kind=TRANSFER, started_at=started, ended_at=now,
            outcome=outcome, agent=by_name, agent_id=by, cause=words))

    @property
    def all_busy(self) -> bool:
        """Every target tried was busy (and there was one): the call's result is "busy"."""
        return bool(self.outcomes) and all(o == "busy" for o in self.outcomes)

    def _leg(self, target: str, kind: str, line: str, outcome: str, t0: float | None,
             leg: Any, cause: str, agent: str = "", group: str = "",
             who: Who | None = None) -> None:
        who = who or Who(group=group)
        now, mono = self.clock.now(), self.clock.monotonic()
        started = now if t0 is None else _wall(now, mono, t0)
        answered_at = None
        if leg is not None and leg.t_answer is not None:
            answered_at = _wall(now, mono, leg.t_answer)
        word = _OUTCOME.get(outcome, outcome)
        row = LegRecord(
            target=target or "-", target_kind=kind, started_at=started, ended_at=now,
            outcome=word, answered_at=answered_at, line=line,
            cause=cause or (outcome if word != outcome else ""), agent=agent, group=group,
            agent_id=who.agent_id, groups=who.groups)
        self._write("add_leg", row)
        if word == "answered":  # the group's handling time, as the records keep it
            leg_handled(self.core, group, row.talk_s)

    async def finish(self, result: str, cause: str = "", end_reason: str = "normal") -> None:
        """The call is over: its answered leg, then its end (once; later calls are no-ops)."""
        self.close(result, cause, end_reason)

    def stopped(self, why: str = "the box stopped during the call", *,
                failed: bool = False) -> None:
        """The box stops before the call finished (end reason "box_restart"), or the
        call's task `failed`: end the record now rather than leave it for the next
        start's recovery."""
        answered = self.answered_mono is not None
        if failed:
            self.close("answered" if answered else "failed", why, "normal")
        else:
            self.close("answered" if answered else "interrupted", why, "box_restart")

    def close(self, result: str, cause: str = "", end_reason: str = "normal") -> None:
        if self.finished:
            return
        self.finished = True
        if self._answered_leg is not None:
            target, kind, line, t0, leg, agent, group, who = self._answered_leg
            self._answered_leg = None
            self._leg(target, kind, line, "answered", t0, leg, answered_cause(leg), agent,
                      group, who)
        mono = self.clock.monotonic()
        if self.answered_mono is not None:
            ring_s = self.answered_mono - self.started_mono
            talk_s = mono - self.answered_mono
        else:
            ring_s, talk_s = mono - self.started_mono, 0.0
        self._write("end_call", CallEnd(ended_at=self.clock.now(), result=result,
                                        answered_by=self.answered_by, ring_s=round(ring_s, 3),
                                        talk_s=round(talk_s, 3), cause=cause,
                                        end_reason=end_reason, agent_id=self.agent_id))
        publish_finished(self, result, cause, end_reason, ring_s, talk_s)


def end_reason(done: Collection[Any], far: Any) -> tuple[str, str]:
    """Why a conversation ended, and a detail for the record's cause, from the legs that
    ended (`done`) and which of the two is the outside party (`far`: the caller of an
    inbound call, the number or extension a desk phone called): the modem carrying a
    leg was lost, the network dropped it (a clearing cause that is not normal), the far
    party hung up, or our side did."""
    ended = [leg for leg in done if getattr(leg, "ended", None) is not None]
    for leg in ended:
        if _line_lost(leg):
            why, words = _lost_words(leg)
            return why, f"{leg.name}: {words}"
    for leg in ended:
        if _dropped(leg):
            return "dropped", f"{leg.name}: the network dropped the call (cause {leg.call.q850})"
    return ("far_end", "") if far in ended else ("normal", "")


def caller_gone(caller: Any) -> tuple[str, str, str]:
    """(result, cause, end reason) of a call whose caller left before an answer: the
    caller hung up, or the modem carrying the call was lost."""
    call = _line_call(caller)
    if call is not None and call.cause == "failed" and getattr(call, "q850", None) is None:
        why, words = _lost_words(caller)
        return "failed", words, why
    return "abandoned", "caller hung up", "far_end"


def _lost_words(leg: Any) -> tuple[str, str]:
    """(end reason, cause words) of a call whose line was lost under it, as the line's
    driver names it (`LOST`: GSM "modem_lost"/"modem lost"); else "dropped"."""
    return getattr(getattr(leg, "line", None), "LOST", ("dropped", "line lost"))


def _line_call(leg: Any) -> Any:
    """The LineCall of an outside leg (None for a desk phone's leg)."""
    return getattr(leg, "call", None)


def _line_lost(leg: Any) -> bool:
    """An answered call on an outside line that ended "failed": the driver dropped it,
    its device or wire gone (a modem lost, an analog line cut). After an answer the
    network's own clearings read "normal"."""
    call = _line_call(leg)
    return call is not None and leg.answered and call.cause == "failed"


def _dropped(leg: Any) -> bool:
    """The network cleared an answered GSM call with a cause that is not a normal
    clearing (16, 31): radio link or registration lost (41), network failure (38, 102)."""
    call = _line_call(leg)
    q850 = getattr(call, "q850", None)
    return call is not None and leg.answered and q850 is not None \
        and q850 not in NORMAL_CLEARING and getattr(call, "releasing", None) is None


def region_of(direction: str, caller: str | None, callee: str, country: str) -> Region:
    """The outside party's region: the caller of an inbound call, the number an
    outbound call dials; an internal call has none."""
    if direction == "internal":
        return EXTENSION
    party = caller if direction == "in" else callee
    return describe(party, country) if party else WITHHELD


def _wall(now: datetime, mono: float, t: float) -> datetime:
    """The wall time of monotonic instant `t`, given the pair (now, mono) taken together."""
    return now - timedelta(seconds=max(0.0, mono - t))
