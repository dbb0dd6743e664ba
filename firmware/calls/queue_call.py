"""A caller in a hold queue (Q1, Q2, Q4, R7): music, announcements, members as they free up.

`run_queue` runs a plan's `QueueStep` (routing/queue_step.py) for one caller:

1. The caller's line is answered (calls/ivr.py, DTMF tapped). Admission: a queue with
   `max_length` callers already, or a media engine without a free conference port
   for one more player (`media_room`), sends the caller by the `full` exit, logged
   with the reason.
2. The caller joins the queue (hold_queue.py: a VIP ahead of non-VIPs), hears
   `entry_prompt`, then (while no member is free to ring) the first position
   announcement, then `music` looping. Every
   `announce_every_s` the music stops for "you are number N in the queue, the expected
   wait is about M minutes" (zh: "there are N callers before you ...") and resumes.
3. Only the caller at the head rings members: the step's members in the group
   strategy's order, each only when free (a desk phone idle and not held by another
   call, an available agent, a free outside line for a mobile), each for its ring
   time, the music going on meanwhile. A member who does not answer is passed over for
   this caller until every member has been tried; then the round starts again. A
   ring-all group rings every free member not yet tried together. The
   member who answers is bridged (the music stops): the exit `answered`.
   A key keyed while a member rings is read when that ring ends (a member rings for
   its ring time at most); an announcement waits until nobody is rung.
4. `leave_key` leaves by `left`; `callback_key` puts the caller on the callback list
   (callbacks.py), says `queue_callback`, and ends the call (result "callback");
   `max_wait_s` leaves by `timeout`, and so does the office closing when `after_hours`
   is false (callers who joined while it was open).

The record's route shows the queue: "queue sales: waited 45 s, position 2 on entry"
and, when the caller left it otherwise than to a member, how (", left", ", timeout",
", office closed", ", full: 10 waiting", ", callback").
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from firmware.calls import ivr
from firmware.calls.callbacks import callback_list
from firmware.calls.hold_queue import RINGING, WAITING, Waiting, queue_book, wait_minutes
from firmware.config.schema import Strategy
from firmware.prompts.phrases import number_names
from firmware.routing.hours import office_hours
from firmware.routing.plan import Target, TargetKind
from firmware.routing.queue_step import QueueStep

if TYPE_CHECKING:
    from firmware.calls.controller import CallController
    from firmware.calls.legs import Leg, OutsideLeg
    from firmware.calls.record import CallLog
    from firmware.routing.plan import Plan

log = logging.getLogger("switchboard.calls")

ABANDONED = "abandoned"  # the caller hung up in the queue
ANSWERED = "answered"
CALLBACK = "callback"  # the caller asked to be called back: the call is over
POLL_S = 0.5  # how often the head of a queue looks for a free member
RESERVE_PORTS = 4  # conference ports kept free for the calls the queue hands out
PORTS_PER_CALLER = 1  # a queued caller's music player (its line's port is in already)


@dataclass(frozen=True)
class QueueResult:
    exit: str  # answered, timeout, full, left, CALLBACK or ABANDONED
    label: str  # the step in the record's route
    leg: Leg | None = None  # answered: the member's leg
    agent: str = ""  # answered: the member's id


def media_room(core: CallController) -> int | None:
    """Callers the media engine has room for now (None: it does not say)."""
    engine = getattr(getattr(core, "audio", None), "media", None)
    free = getattr(engine, "free_ports", None)
    if not callable(free):
        return None
    try:
        return max(0, (free() - RESERVE_PORTS) // PORTS_PER_CALLER)
    except Exception as exc:  # an engine that is stopping: no room
        log.warning("the media engine cannot say its free ports: %s", exc)
        return 0


def refusal(core: CallController, step: QueueStep) -> str | None:
    """Why the queue cannot take one more caller, or None."""
    waiting = queue_book(core).length(step.name)
    if waiting >= step.max_length:
        return f"full: {waiting} waiting"
    room = media_room(core)
    if room is not None and room < 1:
        return "full: no media capacity for another caller"
    return None


async def run_queue(core: CallController, step: QueueStep, caller: OutsideLeg,
                    record: CallLog, plan: Plan, ring: Any) -> QueueResult:
    """The caller waits in the queue (module docstring). `ring(targets)` rings one
    member for the caller, or several together: ("answered" | an outcome | "abandoned",
    the member's leg, the member's id)."""
    label = f"queue {step.name}"
    if not await ivr._answer(core, caller):
        return QueueResult(ABANDONED, label)
    refused = refusal(core, step)
    if refused is not None:
        log.warning("%s: queue %s: %s (%s)", caller.name, step.name, refused,
                    "the caller goes on by the full exit")
        return QueueResult("full", f"{label}: {refused}")
    book = queue_book(core)
    loop = asyncio.get_running_loop()
    entry = Waiting(step.name, caller, caller.number, record.region.region_text, caller.name,
                    plan.vip, loop.time(), core.clock.now(), members=max(1, len(step.targets)))
    position = book.join(entry)
    log.info("%s: joins queue %s at position %d%s", caller.name, step.name, position,
             " (VIP)" if plan.vip else "")
    waiter = _Waiter(core, step, caller, entry, ring)
    try:
        exit, leg, agent = await waiter.wait()
    finally:
        book.leave(entry)
        await waiter.stop_music()
    waited = round(loop.time() - entry.entered_mono)
    label = f"{label}: waited {waited} s, position {entry.entry_position} on entry"
    if exit == CALLBACK:
        await _callback(core, step, caller, record)
    if exit not in (ANSWERED, ABANDONED):
        label += f", {waiter.why or exit}"
    log.info("%s: leaves queue %s: %s after %d s", caller.name, step.name, waiter.why or exit,
             waited)
    return QueueResult(exit, label, leg, agent)


class _Waiter:
    """One caller's wait: music, announcements, keys, and ringing members at the head."""

    def __init__(self, core: CallController, step: QueueStep, caller: OutsideLeg,
                 entry: Waiting, ring: Any):
        self.core, self.step, self.caller, self.entry, self.ring = core, step, caller, entry, ring
        self.lang = ivr.prompt_language(core)
        self.music: asyncio.Future | None = None
        self.tried: set[str] = set()
        self.why = ""
        self.open_at_entry = self._office_open()

    async def wait(self) -> tuple[str, Leg | None, str]:
        loop = asyncio.get_running_loop()
        deadline = self.entry.entered_mono + self.step.max_wait_s
        await ivr.say(self.core, self.caller, [self.step.entry_prompt], self.lang)
        next_say = loop.time()  # the first announcement comes at once
        while True:
            if self.caller.ended.done():
                return ABANDONED, None, ""
            exit = self._key_exit()
            if exit is not None:
                return exit, None, ""
            if loop.time() >= deadline:
                self.why = "timeout"
                return "timeout", None, ""
            if self._closed_now():
                self.why = "office closed"
                return "timeout", None, ""
            self.start_music()
            answered = await self._try_members()  # a free member first, then the news
            if answered is not None:
                return answered
            if self.caller.ended.done() or self._pending_exit():
                continue
            if self.step.announce_every_s and loop.time() >= next_say:
                await self._announce()
                next_say = loop.time() + self.step.announce_every_s
                continue
            key = await ivr.next_key(self.core, self.caller, _pause(loop, deadline, next_say,
                                                                   self.step))
            if isinstance(key, str):
                self._put_back(key)

    # --- keys ---------------------------------------------------------------------

    def _key_exit(self) -> str | None:
        """The exit the caller's keys ask for; other keys are dropped."""
        queue = self.core.digit_queue(self.caller.name)
        while not queue.empty():
            key = queue.get_nowait()
            if key == self.step.leave_key:
                self.why = "left"
                return "left"
            if key == self.step.callback_key:
                self.why = CALLBACK
                return CALLBACK
        return None

    def _pending_exit(self) -> bool:
        """A leave or callback key is waiting (keyed while a member rang)."""
        waiting = getattr(self.core.digit_queue(self.caller.name), "_queue", ())
        return any(k in (self.step.leave_key, self.step.callback_key) for k in waiting)

    def _put_back(self, key: str) -> None:
        self.core.digit_queue(self.caller.name).put_nowait(key)

    # --- office hours (Q4) ----------------------------------------------------------

    def _office_open(self) -> bool:
        try:
            return office_hours(self.core.config(), self.core.clock.now()).open
        except Exception:  # a config without a schedule: always "open"
            return True

    def _closed_now(self) -> bool:
        return not self.step.after_hours and self.open_at_entry and not self._office_open()

    # --- audio ----------------------------------------------------------------------

    def start_music(self) -> None:
        play = getattr(self.core.audio, "play", None)
        if play is None or (self.music is not None and not self.music.done()):
            return
        self.music = asyncio.ensure_future(play(self.caller, [self.step.music],
                                                lang=self.lang, loop=True))

    async def stop_music(self) -> None:
        music, self.music = self.music, None
        if music is None or music.done():
            return
        music.cancel()  # a cancelled play stops its prompt
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await music

    async def _announce(self) -> None:
        await self.stop_music()
        book = queue_book(self.core)
        position = book.position(self.entry)
        said = position if self.lang == "en" else position - 1  # zh: callers before you
        minutes = wait_minutes(book.expected_s(self.entry))
        names = ["queue_position", *number_names(said), "queue_position_after",
                 "queue_wait", *number_names(minutes), "queue_wait_after"]
        log.info("%s: queue %s: position %d, about %d min", self.caller.name, self.step.name,
                 position, minutes)
        await ivr.say(self.core, self.caller, names, self.lang)

    # --- members --------------------------------------------------------------------

    async def _try_members(self) -> tuple[str, Leg | None, str] | None:
        """At the head of the queue: ring the next free member not yet tried (a
        ring-all group: every free member not yet tried, together)."""
        if not queue_book(self.core).at_head(self.entry):
            return None
        targets = self._free_members()
        if not targets:
            return None
        self.tried.update(t.key for t in targets)
        self.entry.state = RINGING
        self.entry.ringing = ", ".join(_label(t) for t in targets)
        try:
            outcome, leg, agent = await self.ring(targets)
        finally:
            self.entry.state, self.entry.ringing = WAITING, ""
        if outcome == ANSWERED and leg is not None:
            await self.stop_music()
            return ANSWERED, leg, agent
        if outcome == ABANDONED:
            return ABANDONED, None, ""
        if all(t.key in self.tried for t in self.step.targets):
            self.tried.clear()  # everyone was tried: the next round starts
        return None

    def _free_members(self) -> tuple[Target, ...]:
        """The next free member not yet tried, in the strategy's order; all of them for
        a ring-all group."""
        available = self.core.availability()
        free = tuple(t for t in self.step.targets if t.key not in self.tried
                     and available.get(t.id, True) and self._free(t))
        return free if self.step.strategy is Strategy.RING_ALL else free[:1]

    def _free(self, target: Target) -> bool:
        if target.kind is TargetKind.EXTENSION:
            phone = self.core.lines.desk(target.port or "")
            return phone is not None and phone.state == "idle" \
                and (target.port or "") not in self.core.owners
        return self.core.free_outside_line(exclude=self.caller.name) is not None


def _pause(loop: asyncio.AbstractEventLoop, deadline: float, next_say: float,
           step: QueueStep) -> float:
    until = min(deadline, next_say) if step.announce_every_s else deadline
    return max(0.01, min(POLL_S, until - loop.time()))


def _label(target: Target) -> str:
    if target.kind is TargetKind.EXTENSION:
        return f"{target.id} {target.name}".strip()
    return target.name or target.number or target.id


async def _callback(core: CallController, step: QueueStep, caller: OutsideLeg,
                    record: CallLog) -> None:
    """Put the caller on the callback list and say so."""
    callback_list(core).add(caller=caller.number, region=record.region.region_text,
                            line=caller.name, queue=step.name, call_id=record.id,
                            at=core.clock.now())
    await ivr.say(core, caller, ["queue_callback", "goodbye"], ivr.prompt_language(core),
                  interruptible=False)
