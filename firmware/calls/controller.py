"""The call core: who owns which line, and the life of every call.

`CallController` listens on the event bus. An outside line ringing (`IncomingCall`,
whatever the line's kind) starts an inbound call that follows the routing plan
(calls/inbound.py); a desk phone lifted while idle starts a desk call (calls/desk.py).
The lines come from the box's registry (firmware/lines/model.py `Lines`): the core
asks it for "a free outside line" and "the desk phone on port X", never for a kind. Each call is one
asyncio task; whatever way it ends, its legs are released and its record
finished. Lines and ports have one owner at a time (`owners`): a desk phone
that is ringing, talking or off hook is busy to everyone else, with one exception
(R7): a VIP's call takes a desk phone that is only ringing for a non-VIP inbound
call; that call's ring there ends as "preempted" and the call goes on with its plan.

Wiring (firmware/box.py): `CallController(bus, media, lines, config, cdr,
clock, agents=AgentBook(<data>/routing-state.json))`; `start()` rebuilds the agent
statistics from the records and subscribes, `stop()` hangs up what is left. Everything runs
on the event loop; digits from the media thread arrive via call_soon_threadsafe.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import random
from collections.abc import Awaitable, Callable, Collection
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from firmware.calls.agents import AgentBook
from firmware.calls.bridge import Audio
from firmware.calls.digits import INBAND, REPORTED, DigitMerger
from firmware.calls.legs import DeskLeg, Leg, OutsideLeg
from firmware.calls.record import CallLog, end_reason
from firmware.calls.recording import begin_recording
from firmware.config.schema import Config, Extension
from firmware.errors import SwitchboardError, UnknownAgent
from firmware.events import EventBus
from firmware.lines.model import (
    DeskOffHook,
    DeskOnHook,
    IncomingCall,
    LineDtmf,
    Lines,
    OutsideLine,
)
from firmware.routing.stats import stats_to_json

if TYPE_CHECKING:
    from firmware.region import Region

log = logging.getLogger("switchboard.calls")

STOP_ROUNDS = 5  # stop(): rounds of cancelling the tasks that ending calls start

_call_legs: ContextVar[list[Leg] | None] = ContextVar("call_legs", default=None)
_live_call: ContextVar[LiveCall | None] = ContextVar("live_call", default=None)


@dataclass
class LiveCall:
    """A call in progress, as `status` reports it (the dashboard, A4).

    The caller and region come from the call's record (`CallLog`, which looked the
    region up once); `ringing` holds the legs ringing now with who they are (an
    extension as "801 Desk 1", a bound number by its name, an outside number as
    dialled), `talking_with` who answered.
    """

    id: int
    what: str
    legs: list[str]
    started_mono: float | None
    direction: str = ""
    line: str = ""
    caller: str | None = None
    region: str = ""
    started_at: datetime | None = None
    ringing: dict[Leg, str] = field(default_factory=dict)
    talking_with: str = ""
    talking: bool = False
    record: CallLog | None = None  # ended by the supervisor if the call's task cannot
    answered_mono: float | None = None
    step: str = ""  # the keypad step the caller is in ("menu main"), calls/ivr.py
    held_by: str = ""  # who holds the caller now (calls/incall.py), after a transfer too
    transferred_by: str = ""  # who transferred the caller last ("801 Desk 1"), if anyone

    @property
    def state(self) -> str:
        if self.talking:
            return "talking"
        if self.ringing:
            return "ringing"
        if self.step == "on hold":
            return "held"  # on hold with music while the agent keys a transfer (incall.py)
        if self.step.startswith("queue "):
            return "queue"  # waiting in a hold queue (calls/queue_call.py)
        if self.step.startswith("consulting "):
            return "consulting"  # on hold while the agent consults (calls/attended.py)
        return "keypad" if self.step else "setup"

    def as_status(self, mono: float | None) -> dict[str, Any]:
        """Small and JSON: `duration_s` is how long the call has been talking at this
        status (from the answer; null before it), `waiting_s` how long since it began
        (the page counts on from there); `started_at` the wall time it began."""
        ringing = list(self.ringing.values())
        legs = list(self.legs)
        legs += [leg.name for leg in self.ringing if leg.name not in legs]
        return {"id": self.id, "what": self.what, "direction": self.direction,
                "line": self.line, "caller": self.caller, "region": self.region,
                "state": self.state, "ringing": ringing, "talking_with": self.talking_with,
                "legs": legs, "step": self.step,
                "held_by": self.held_by, "transferred_by": self.transferred_by,
                "duration_s": _since(mono, self.answered_mono),
                "waiting_s": _since(mono, self.started_mono),
                "started_at": self.started_at.isoformat() if self.started_at else None}


def _since(mono: float | None, then: float | None) -> float | None:
    return None if mono is None or then is None else round(max(0.0, mono - then), 1)


class CallController:
    def __init__(self, bus: EventBus, media: Any, lines: Lines,
                 config: Callable[[], Config], cdr: Any, clock: Any, *,
                 agents: AgentBook | None = None, rng: random.Random | None = None):
        self.bus, self.media, self.lines = bus, media, lines
        self.config, self.cdr, self.clock = config, cdr, clock
        self.agents = agents if agents is not None else AgentBook()
        self.rng = rng if rng is not None else random.Random()  # seeded from the OS
        self.owners: dict[str, Leg] = {}  # line or port name -> the leg holding it
        self.calls: dict[int, LiveCall] = {}  # live calls for status, by task number
        self._digits: dict[str, asyncio.Queue] = {}
        self.keypad = DigitMerger()  # in-band and line-reported digits as one stream
        self._tasks: set[asyncio.Task] = set()
        self._ids = itertools.count(1)
        self._unsubscribe: list[Callable[[], None]] = []
        self.audio: Audio | None = None

    # --- lifecycle ------------------------------------------------------------

    def start(self) -> None:
        self.audio = Audio(self.media, self._on_digit)
        self.agents.rebuild(self.cdr, self.config(), self.clock.now())
        for kind, handler in ((IncomingCall, self._on_incoming), (DeskOffHook, self._on_offhook),
                              (DeskOnHook, self._on_onhook), (LineDtmf, self._on_line_dtmf)):
            self._unsubscribe.append(self.bus.subscribe(handler, kind))

    async def stop(self) -> None:
        for undo in self._unsubscribe:
            undo()
        # a call cancelled here may start a task of its own as it ends (a desk phone
        # left off hook is released in the background): end those too, before the
        # media engine stops under them
        for _round in range(STOP_ROUNDS):
            tasks = list(self._tasks)
            if not tasks:
                break
            for task in tasks:
                task.cancel()
            for task in tasks:
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task

    def status(self) -> list[dict]:
        """The calls in progress, oldest first (LiveCall.as_status)."""
        mono = self._monotonic()
        return [call.as_status(mono) for call in self.calls.values()]

    def _monotonic(self) -> float | None:
        return self.clock.monotonic() if self.clock is not None else None

    def note_call(self, direction: str, line: str, caller: str | None, region: Region,
                  started_mono: float, started_at: datetime, record: CallLog | None = None
                  ) -> None:
        """The call's record began (CallLog): what the status shows of its caller."""
        call = _live_call.get()
        if call is None:
            return
        call.record = record
        call.direction, call.line, call.caller = direction, line, caller
        call.region = region.region_text
        call.started_mono, call.started_at = started_mono, started_at

    # --- agents (R12): feature codes *61/*62 and the web page ----------------------------

    def set_available(self, agent: str, available: bool) -> None:
        """`agent` (an extension number or bound-number id) takes ring-group calls, or
        is passed over by them; kept across restarts. UnknownAgent if the config has
        no such agent."""
        if agent not in self.availability():
            raise UnknownAgent(agent)
        self.agents.set_available(agent, available,
                                  self.clock.now() if self.clock is not None else None)

    def availability_op(self, args: dict[str, Any]) -> dict[str, Any]:
        """The control op "agents.set_available" {"agent": "801", "available": false}."""
        agent, available = args.get("agent"), args.get("available")
        if not isinstance(agent, str) or not isinstance(available, bool):
            raise SwitchboardError('agents.set_available needs {"agent": "<number or id>", '
                                   '"available": true or false}')
        self.set_available(agent, available)
        return {"agent": agent, "available": available}

    def state_op(self, args: dict[str, Any]) -> dict[str, Any]:
        """The control op "agents.state" {"at": ISO time (optional)}: the agent state a
        call at `at` would be routed with (availability, rotation and percentage
        positions, answered today, returning callers), read without changing it, for
        `route explain` and the web page's "test a call"."""
        now = self.clock.now()
        at = args.get("at")
        if at is not None:
            try:
                at = datetime.fromisoformat(at) if isinstance(at, str) else None
            except ValueError:
                at = None
            if at is None or at.utcoffset() is None:
                raise SwitchboardError('agents.state: "at" must be an ISO time with an offset')
        when = (at or now).astimezone(now.tzinfo)
        return {"at": when.isoformat(), "stats": stats_to_json(self.agents.snapshot(when))}

    def availability(self) -> dict[str, bool]:
        """Every agent the config names (extensions, bound numbers): available or not."""
        config = self.config()
        agents = [e.number for e in config.extensions] + [b.id for b in config.bound_numbers]
        return {a: self.agents.is_available(a) for a in agents}

    def unavailable_since(self) -> dict[str, str]:
        """When each agent that is unavailable by choice set itself so (ISO, the box's
        zone); an agent whose time is not known (an older state file) is left out."""
        return {a: since.isoformat() for a in self.availability()
                if (since := self.agents.since(a)) is not None}

    # --- events ---------------------------------------------------------------

    def _on_incoming(self, event: IncomingCall) -> None:
        line = self.lines.line(event.line)
        if line is None or line.call is None or event.line in self.owners:
            return
        leg = OutsideLeg(line, line.call)
        self.owners[line.name] = leg
        from firmware.calls.inbound import inbound_call

        self.spawn(f"inbound {event.number or 'withheld'} on {line.name}",
                   inbound_call(self, leg), leg)

    def _on_offhook(self, event: DeskOffHook) -> None:
        owner = self.owners.get(event.port)
        if isinstance(owner, DeskLeg):
            owner.on_offhook()
            return
        phone = self.lines.desk(event.port)
        if owner is not None or phone is None:
            return
        ext = self.extension_of(event.port)
        leg = DeskLeg(phone, ext.number if ext else None, offhook=True)
        self._own(leg)
        from firmware.calls.desk import desk_call

        self.spawn(f"desk call from {event.port}", desk_call(self, leg), leg)

    def _on_onhook(self, event: DeskOnHook) -> None:
        owner = self.owners.get(event.port)
        if isinstance(owner, DeskLeg):
            owner.on_onhook()

    def _on_digit(self, port: str, digit: str) -> None:
        """A digit heard in `port`'s audio (Audio's DTMF tap)."""
        if self.keypad.feed(port, INBAND, digit, self._now_mono()):
            self.digit_queue(port).put_nowait(digit)

    def _on_line_dtmf(self, event: LineDtmf) -> None:
        """A digit the line reports itself (a GSM modem's ^DDTMF): the same key press
        heard in the audio too is passed on once (calls/digits.py)."""
        if self.keypad.feed(event.line, REPORTED, event.digit, self._now_mono()):
            cut = getattr(self.audio, "digit", None)  # an interruptible prompt stops
            if cut is not None:
                cut(event.line, event.digit)
            self.digit_queue(event.line).put_nowait(event.digit)

    def _now_mono(self) -> float:
        return asyncio.get_running_loop().time()

    def digit_queue(self, port: str) -> asyncio.Queue:
        return self._digits.setdefault(port, asyncio.Queue())

    # --- resources ------------------------------------------------------------

    def _own(self, leg: Leg) -> None:
        self.owners[leg.name] = leg
        legs = _call_legs.get()
        if legs is not None:
            legs.append(leg)
        self._digits[leg.name] = asyncio.Queue()  # digits of a former owner are gone
        if isinstance(leg, DeskLeg):
            leg.on_release_tone = lambda held: self.audio.tone(held, "busy")

    def _free(self, leg: Leg) -> None:
        self._not_ringing(leg)
        self.audio.detach(leg)
        if self.owners.get(leg.name) is leg:
            del self.owners[leg.name]
            if isinstance(leg, OutsideLeg):
                self._offer_waiting(leg)

    def _offer_waiting(self, leg: OutsideLeg) -> None:
        """A caller who rang in while the line's last call was still being released was
        told (IncomingCall) once, when the box could not take it: take it now, so no
        caller is lost to the moment between two calls."""
        line = self.lines.line(leg.name)
        call = getattr(line, "call", None)
        if call is None or call is leg.call or call.direction != "in" or call.answered \
                or call.cause is not None or not getattr(call, "announced", True):
            return
        event = IncomingCall(leg.name, call.number, call.withheld)
        log.info("%s: the caller who rang during the last call's release is taken now",
                 leg.name)
        asyncio.get_running_loop().call_soon(self._on_incoming, event)

    def extension_of(self, port: str) -> Extension | None:
        return next((e for e in self.config().extensions if e.port == port), None)

    def desk_leg_for(self, port: str, extension: str | None, *, vip: bool = False,
                     yields: bool = False) -> DeskLeg | None:
        """A leg to ring the phone on `port`, or None when it is busy or out of order.

        `vip`: the leg rings for a VIP's call, which takes a phone that is only ringing
        for a call that `yields` (a non-VIP inbound call; R7). Nothing takes a phone
        in a conversation or off hook, a VIP's ring or a desk (internal) call's ring.
        """
        phone = self.lines.desk(port)
        if phone is None:
            return None
        owner = self.owners.get(port)
        if vip and isinstance(owner, DeskLeg) and _takeable(owner, phone):
            log.info("%s: taken by a VIP call from %s", port, owner)
            owner.preempt()
            self._free(owner)
        if port in self.owners or phone.state != "idle":
            return None
        leg = DeskLeg(phone, extension, yields=yields)
        self._own(leg)
        return leg

    def desk_refusal(self, port: str) -> str:
        """Why `desk_leg_for(port)` gave nothing: "busy" or "unavailable"."""
        phone = self.lines.desk(port)
        if phone is None or phone.state == "fault":
            return "unavailable"
        return "busy"

    def free_outside_line(self, exclude: str | None = None, avoid: Collection[str] = (),
                          feature: str | None = None) -> OutsideLine | None:
        """An available outside line of any kind to dial out on (or, with `feature`,
        one that has it, e.g. "sms"); `avoid`: lines whose outbound cap is reached."""
        if feature is not None:
            avoid = {*avoid, *(n for n, line in self.lines.outside.items()
                               if feature not in line.features)}
        return self.lines.free_outside(busy=self.owners, exclude=exclude, avoid=avoid)

    def outside_lines(self) -> int:
        return len(self.lines.outside)

    async def dial(self, line: OutsideLine, number: str) -> OutsideLeg:
        """Call `number` on `line`; the leg owns the line until released."""
        placeholder = _Placeholder(line.name)
        self.owners[line.name] = placeholder
        try:
            leg = await OutsideLeg.dial(line, number)
        finally:
            if self.owners.get(line.name) is placeholder:
                del self.owners[line.name]
        self._own(leg)
        return leg

    # --- call steps shared by inbound and desk calls -------------------------------

    async def ring_until(self, target: Leg, caller: Leg, timeout: float) -> str:
        """Wait for `target` to answer: its outcome, "no_answer" after `timeout`,
        or "abandoned" when the caller goes first."""
        done, _ = await asyncio.wait({target.outcome, caller.ended}, timeout=timeout,
                                     return_when=asyncio.FIRST_COMPLETED)
        if target.outcome in done:
            return target.outcome.result()
        if caller.ended in done:
            return "abandoned"
        return "no_answer"

    async def converse(self, a: Leg, b: Leg, record: CallLog) -> None:
        """Bridge `a` and `b` until one hangs up; release the other; finish the record.
        A call under a recording rule is recorded from here (calls/recording.py)."""
        recorder = await begin_recording(self, a, b, record)
        self.audio.talk(a, b)
        if recorder is not None:
            recorder.follow(a, b)
        self._note(a, b)
        log.info("%s <-> %s: talking", a, b)
        try:
            done, _ = await asyncio.wait({a.ended, b.ended},
                                         return_when=asyncio.FIRST_COMPLETED)
        finally:
            if recorder is not None:
                recorder.stop()  # the file is finished in the background
        first = a if a.ended in done else b
        other = b if first is a else a
        log.info("%s hung up; releasing %s", first, other)
        self.audio.part(a, b)
        far = a if record.direction == "in" else b  # the outside party (or extension called)
        why, detail = end_reason([leg for leg in (a, b) if leg.ended in done], far)
        await record.finish("answered", cause=detail, end_reason=why)
        await self.release(other, "normal")
        await self.release(first, "normal")

    async def release(self, leg: Leg, cause: str) -> None:
        """End `leg` from the box's side. A desk phone off hook keeps its port
        (busy tone) until it hangs up; that wait runs in the background."""
        if isinstance(leg, DeskLeg) and leg.offhook and not leg.ended.done():
            self.spawn_quiet(self._hold_until_onhook(leg, cause))
            return
        await leg.release(cause)
        self._free(leg)

    async def _hold_until_onhook(self, leg: DeskLeg, cause: str) -> None:
        try:
            await leg.release(cause)
        finally:
            self._free(leg)

    # --- tasks ----------------------------------------------------------------------

    def spawn(self, what: str, coro: Awaitable[None], first: Leg) -> None:
        number = next(self._ids)
        call = LiveCall(number, what, [first.name], self._monotonic(), line=first.name)
        self.calls[number] = call
        task = asyncio.ensure_future(self._supervise(call, coro, first))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def spawn_quiet(self, coro: Awaitable[None]) -> None:
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _supervise(self, call: LiveCall, coro: Awaitable[None], first: Leg) -> None:
        number, what = call.id, call.what
        legs = [first]
        _call_legs.set(legs)
        _live_call.set(call)
        try:
            await coro
        except asyncio.CancelledError:
            log.info("%s: stopped", what)
            if call.record is not None:
                call.record.stopped()
            raise
        except Exception as exc:
            log.exception("%s: failed", what)
            if call.record is not None:
                call.record.stopped(f"the box failed during the call: {exc}", failed=True)
        finally:
            self.calls.pop(number, None)
            await self._release_all(legs)

    async def _release_all(self, legs: list[Leg]) -> None:
        """Whatever the call left holding a line or port is released (normally
        nothing: the call released its legs; on a failure or at stop, the rest)."""
        for leg in legs:
            if self.owners.get(leg.name) is leg and not leg.ended.done():
                try:
                    await self.release(leg, "normal")
                except Exception:
                    log.exception("releasing %s failed", leg)
            elif self.owners.get(leg.name) is leg and not getattr(leg, "offhook", False):
                self._free(leg)

    def note_ringing(self, caller: Leg, target: Leg, who: str = "") -> None:
        """`target` rings for `caller`'s call; `who` names it on the dashboard
        ("801 Desk 1", a bound number's name); it stops counting when released."""
        for call in self.calls.values():
            if caller.name in call.legs:
                call.ringing[target] = who or target.name

    def note_step(self, caller: Leg, step: str) -> None:
        """`caller` is in keypad step `step` ("menu main"; "" when it is over)."""
        for call in self.calls.values():
            if caller.name in call.legs:
                call.step = step

    def _not_ringing(self, leg: Leg) -> None:
        for call in self.calls.values():
            call.ringing.pop(leg, None)

    def _note(self, a: Leg, b: Leg) -> None:
        for call in self.calls.values():
            if a.name in call.legs or b.name in call.legs:
                call.talking_with = call.ringing.get(b) or call.ringing.get(a) or b.name
                call.talking = True
                if call.answered_mono is None:  # a transfer keeps the first answer's time
                    call.answered_mono = self._monotonic()
                call.ringing.clear()
                call.legs = [a.name, b.name]


def _takeable(owner: DeskLeg, phone: Any) -> bool:
    """Only ringing, for a call that yields to a VIP: not answered, not off hook."""
    return (owner.yields and not owner.offhook and not owner.answered
            and not owner.outcome.done() and phone.state == "ringing")


class _Placeholder(Leg):
    """Holds a line while a dial is being set up."""

    def __init__(self, name: str):
        super().__init__(name, None)

    async def release(self, cause: str = "normal") -> None:
        self._gone(cause)
