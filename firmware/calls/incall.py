"""A call in progress between a caller and an inside party: in-call feature codes.

Once a desk phone or a bound mobile (rung through the box) answers a caller, the call
runs as an `InCall` instead of the plain `CallController.converse`: the two talk, and
the agent's keys are read as feature codes (calls/keycodes.py, config
`feature_codes.in_call()`): in-band DTMF from a desk phone's audio, a hook flash on an
analog phone (`DeskFlash`), a mobile's digits heard in its audio or reported by its
line (`LineDtmf`, ^DDTMF). All arrive in the agent port's digit queue (the controller
merges the sources); a flash is put there as `keycodes.FLASH`. The caller's own digits
are never read as codes (they reach the agent as tones, nothing more).

`code + target + #` (or flash, code, target, `#`) runs the handler registered for the
code's name (`register("blind_transfer", handler)`; calls/transfer.py registers the
blind transfer, other modules the rest). From the code (or the flash) on, the caller is
on hold with music and the agent hears dial tone; giving up (a pause, `*`, a second
flash) connects them again. A handler gets the `InCall` and the target digits and may:

  call.hold() / await call.reconnect()     the caller on hold with music / back
  call.resolve(digits)                     (Target, "") or (None, why): what was keyed
  await call.ring(target, ring_s)          ring a desk phone (with the caller's number
                                           as caller ID), or dial a bound mobile or
                                           number on a free outside line (caps apply):
                                           Rung(outcome, leg, line, cause)
  await call.take_over(party)              `party` (an answered leg) holds the caller now
  await call.release_agent()               the agent's leg goes, free for the next call
  call.note_transfer(...)                  a transfer leg in the call's record
  call.end()                               the handler ended the call itself

After the handler, the call goes on with whoever is `call.agent` (the new agent may key
codes in turn), or is over (`call.over`). The contract for other modules:
docs/transfer.md and /work/wt/prompts/xfer-contract.md.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from firmware.calls.keycodes import FLASH, Act, CodeCollector, Step
from firmware.calls.legs import DeskLeg, Leg
from firmware.calls.record import CallLog, end_reason
from firmware.calls.recording import CallRecorder, begin_recording
from firmware.calls.transfer_targets import Rung, resolve_keyed, ring_target
from firmware.lines.model import DeskFlash
from firmware.routing.plan import Target

if TYPE_CHECKING:
    from firmware.calls.controller import CallController
    from firmware.routing.plan import Plan

log = logging.getLogger("switchboard.calls")

Handler = Callable[["InCall", str], Awaitable[None]]
HANDLERS: dict[str, Handler] = {}
NO_TARGET: set[str] = {"cancel", "swap"}  # codes DONE as keyed (attended transfer's)
RECALL = "recall"  # run when the agent hangs up with the caller on hold and no target


def register(name: str, handler: Handler, *, needs_target: bool = True) -> None:
    """`handler(call, target)` runs for the in-call code `name` (a field of
    feature_codes.in_call(), or RECALL); `needs_target=False`: it runs as soon as the
    code is keyed, with target ""."""
    HANDLERS[name] = handler
    if needs_target:
        NO_TARGET.discard(name)
    else:
        NO_TARGET.add(name)


@dataclass
class Party:
    """An inside party on the call: who it is for the records and the dashboard."""

    leg: Leg
    id: str = ""  # the agent id: extension number, bound-number id, or the number
    label: str = ""  # the dashboard's name: "801 Desk 1", a bound number's name
    group: str = ""  # the ring group it answered for, if any
    kind: str = ""  # extension, mobile, number (the record's target kind)


class InCall:
    def __init__(self, core: CallController, record: CallLog, held: Leg, agent: Party, *,
                 plan: Plan | None = None, counts: bool = True, agent_in_record: bool = True):
        self.core, self.record, self.held, self.agent = core, record, held, agent
        self.plan = plan  # the routing plan the call came by (VIP, lines to avoid)
        self.first = agent  # who answered first
        self.connected = False
        self.over = False
        self.transferred_by = ""  # the dashboard's "transferred by 801 Desk 1"
        self.collector = CodeCollector(core.config().feature_codes.in_call(), NO_TARGET)
        self._music: asyncio.Future | None = None
        self.on_hold = False  # held with music by a code or a flash (not yet reconnected)
        self.counts = counts  # the agents' statistics follow who holds the caller
        # the record's answered leg is the agent's (an inbound call); a desk phone's own
        # outside call answered by the number it dialled has that leg instead
        self.agent_in_record = agent_in_record
        self._talking: set[str] = set()  # agent ids counted as talking on this call
        self._answered: set[str] = set()  # agent ids counted as having answered it
        self._released: set[Leg] = set()  # agents' legs a transfer released
        # the call's recording (calls/recording.py): it follows whoever talks with the
        # caller; handlers that connect others (a third party) call recorder.follow too
        self.recorder: CallRecorder | None = None

    # --- the conversation ---------------------------------------------------------------

    async def run(self) -> None:
        """Talk until the call is over; codes the agent keys run their handlers."""
        bus = self.core.bus
        unsubscribe = bus.subscribe(self._on_flash, DeskFlash) if bus is not None else _nothing
        self._stats_answered(self.agent)
        self.drain_desk_keys()
        try:
            self.recorder = await begin_recording(self.core, self.held, self.agent.leg,
                                                  self.record)
            await self.reconnect()
            while not self.over:
                await self._turn()
        finally:
            unsubscribe()
            self.stop_recording()
            await self._stop_music()
            self._stats_hung_up(self.agent)

    async def _turn(self) -> None:
        if self.held.ended.done():
            await self.finish([self.held])
            return
        if self.agent.leg.ended.done():
            await self._agent_gone()
            return
        key = await self.next_key(self.collector.timeout_s)
        if key is None:
            await self.act(self.collector.timeout())
        elif key:
            await self.act(self.collector.key(key))

    async def act(self, step: Step) -> None:
        """Carry out what the collector says."""
        agent = self.agent.leg
        if step.act is Act.HOLD:
            self.hold()
            self.core.audio.tone(agent, "dial")
        elif step.act is Act.TARGET and len(step.target) == 1:
            self.core.audio.tone(agent, None)
        elif step.act is Act.GIVE_UP:
            log.info("%s: back to the caller", agent.name)
            await self.reconnect()
        elif step.act is Act.DONE:
            await self.dispatch(step.name, step.target)

    async def dispatch(self, name: str, target: str) -> None:
        """Run the handler of code `name`; then the call goes on with `self.agent`."""
        handler = HANDLERS.get(name)
        if handler is None:
            log.info("%s: code %s has no handler on this box", self.agent.leg.name, name)
            await self.reconnect()
            return
        log.info("%s: %s %s", self.agent.leg.name, name, target)
        await handler(self, target)
        if not self.over and not self.connected and self._agent_here():
            await self.reconnect()

    async def _agent_gone(self) -> None:
        """The agent hung up: a target keyed without `#` is taken as ended; a caller left
        on hold with no target is recalled (RECALL); else the call is over."""
        step = self._keyed_before_leaving()
        if step.act is not Act.DONE:
            step = self.collector.pending()
        if step.act is Act.DONE and step.name in HANDLERS:
            await self.dispatch(step.name, step.target)
        elif self.on_hold and RECALL in HANDLERS and not self.held.ended.done():
            await HANDLERS[RECALL](self, "")
        else:
            await self.finish([self.agent.leg])
        if not self.over and not self._agent_here():
            await self.finish([self.agent.leg])

    def _keyed_before_leaving(self) -> Step:
        """Keys still queued when the agent hung up (keyed fast, then put down) count:
        the last step they make (a DONE code stops there)."""
        queue = self.core.digit_queue(self.agent.leg.name)
        step = Step(Act.IDLE)
        while not queue.empty():
            step = self.collector.key(queue.get_nowait())
            if step.act is Act.HOLD:
                self.hold()
            if step.act is Act.DONE:
                break
        return step

    def _agent_here(self) -> bool:
        return self.agent.leg.answered and not self.agent.leg.ended.done()

    async def finish(self, gone: list[Leg]) -> None:
        """One side hung up: release the other, finish the record (as converse does)."""
        self.over = True
        agent = self.agent.leg
        self.stop_recording()
        await self._stop_music()
        if self.connected:
            self.core.audio.part(self.held, agent)
            self.connected = False
        far = self.held  # the caller, or the number a desk phone dialled
        why, detail = end_reason([leg for leg in gone if leg.ended.done()], far)
        await self.record.finish("answered", cause=detail, end_reason=why)
        for leg in (agent, self.held):
            if leg in self._released:
                continue  # released by a transfer already (busy tone until put down)
            if not leg.ended.done() or self.core.owners.get(leg.name) is leg:
                await self.core.release(leg, "normal")

    def end(self) -> None:
        """A handler ended the call itself (and finished the record)."""
        self.over = True

    # --- keys -------------------------------------------------------------------------------

    async def next_key(self, timeout: float | None) -> str | None:
        """The agent's next key (a DTMF digit, or keycodes.FLASH); "" when the caller or
        the agent left; None after `timeout` (None: no limit). A handler that consults
        (attended transfer) reads the agent's keys with it."""
        queue = self.core.digit_queue(self.agent.leg.name)
        getter = asyncio.ensure_future(queue.get())
        waits = {getter, self.held.ended, self.agent.leg.ended}
        done, _ = await asyncio.wait(waits, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
        if getter in done:
            return getter.result()
        getter.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await getter
        return "" if done else None

    def _on_flash(self, event: DeskFlash) -> None:
        if event.port == self.agent.leg.name and isinstance(self.agent.leg, DeskLeg):
            log.info("%s: hook flash", event.port)
            self.core.digit_queue(event.port).put_nowait(FLASH)

    def drain_keys(self) -> None:
        """Forget keys the agent's port queued before now (a new agent, a new start)."""
        queue = self.core.digit_queue(self.agent.leg.name)
        while not queue.empty():
            queue.get_nowait()

    def drain_desk_keys(self) -> None:
        """A desk phone agent's digits dialled before the talk (its own outside call) are
        not codes. An outside line's queue is new since the box took the line
        (controller._own), so a mobile agent keying at once, before the box saw the
        answer, is heard."""
        if isinstance(self.agent.leg, DeskLeg):
            self.drain_keys()

    @property
    def lang(self) -> str:
        """The language prompts are played in (config prompts.language)."""
        return self.core.config().prompts.language

    # --- hold and connect -----------------------------------------------------------------

    def hold(self) -> None:
        """The caller on hold: apart from the agent, hearing music."""
        if self.connected:
            self.core.audio.part(self.held, self.agent.leg)
            self.connected = False
        self.on_hold = True
        self._note_holding("on hold")
        if self._music is None or self._music.done():
            self._music = asyncio.ensure_future(self._play_music())

    async def _play_music(self) -> None:
        """Music on hold; without the prompt (or a media engine that plays none), the
        ringback tone: a held caller never hears silence."""
        play = getattr(self.core.audio, "play", None)
        try:
            if play is not None:
                await play(self.held, ["music"], self.lang, loop=True)
                return
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            log.warning("%s: no music on hold (%s): ringback tone instead", self.held.name, exc)
        self.core.audio.tone(self.held, "ringback")

    async def reconnect(self) -> None:
        """The caller and the agent talk (again); the agent's keys count from here."""
        await self._stop_music()
        self.on_hold = False
        self.core.audio.attach(self.agent.leg, detect_dtmf=True)  # the agent's keys
        self.connected = self.core.audio.talk(self.held, self.agent.leg) is not False
        if self.recorder is not None:
            self.recorder.follow(self.held, self.agent.leg)
        self._note_talking()

    def stop_recording(self) -> None:
        """The call is over: its recording is finished in the background."""
        if self.recorder is not None:
            self.recorder.stop()

    async def _stop_music(self) -> None:
        music, self._music = self._music, None
        if music is None or music.done():
            return
        music.cancel()  # a cancelled play stops its prompt
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await music

    async def ringback(self) -> None:
        """The caller hears ringback (a target rings for them)."""
        await self._stop_music()
        self.on_hold = False
        if self.connected:
            self.core.audio.part(self.held, self.agent.leg)
            self.connected = False
        self._note_holding("")
        self.core.audio.tone(self.held, "ringback")

    # --- targets --------------------------------------------------------------------------

    def resolve(self, digits: str) -> tuple[Target | None, str]:
        """What the agent keyed: an extension, a bound mobile (its id or number) or an
        outside number (with the outside-line prefix); (None, why) when none."""
        return resolve_keyed(self.core.config(), digits)

    async def ring(self, target: Target, ring_s: float) -> Rung:
        """Ring `target` for the held caller (its number shown on a desk phone) for up
        to `ring_s`; the caller leaving ends it ("abandoned"). A leg that did not answer
        is released; an answered one is the caller's to take over (`take_over`)."""
        rung = await ring_target(self.core, self, target, ring_s)
        return rung

    async def take_over(self, party: Party) -> None:
        """`party` (answered) holds the caller now: connected, counted, shown."""
        previous = self.agent
        if previous.leg is not party.leg:
            self.record.handed_over("transferred" if self.agent_in_record else "")
            self._stats_hung_up(previous)
            self._stats_answered(party)
        self.agent = party
        self.agent_in_record = True  # the record's answered leg is the new agent's
        self.drain_desk_keys()
        self.record.took_over(party.id or party.leg.name, party.kind, party.leg,
                              agent=party.label, group=party.group, agent_id=party.id)
        await self.reconnect()

    async def release_agent(self, cause: str = "normal") -> None:
        """The agent's leg goes (blind transfer: free at once for the next call). Its
        answered leg is written to the record now, "transferred"."""
        leg = self.agent.leg
        if self.connected:
            self.core.audio.part(self.held, leg)
            self.connected = False
        if self.agent_in_record:
            self.record.handed_over("transferred")
        self._stats_hung_up(self.agent)
        if leg in self._released:
            return
        self._released.add(leg)
        if self.core.owners.get(leg.name) is leg or not leg.ended.done():
            await self.core.release(leg, cause)

    def note_transfer(self, kind: str, target: str, outcome: str, t0: float | None,
                      cause: str = "", by: Party | None = None) -> None:
        """A transfer leg of the record: `kind` (blind, attended, threeway, recall),
        `target` as keyed or named, `outcome` (completed, busy, no_answer, unreachable,
        returned, fallback, cancelled), by `by` (default: the agent now)."""
        by = by or self.agent
        self.record.transfer(kind=kind, by=by.id or by.leg.name, by_name=by.label,
                             target=target, outcome=outcome, t0=t0, cause=cause)

    # --- the dashboard and the agents' statistics ----------------------------------------

    def _note_talking(self) -> None:
        for live in self._live():
            live.talking_with = self.agent.label or self.agent.leg.name
            live.talking = self.connected
            live.step = ""
            live.legs = [self.held.name, self.agent.leg.name]
            live.held_by = self.agent.label or self.agent.leg.name
            live.ringing.pop(self.agent.leg, None)
            if self.transferred_by:  # a fallback's InCall keeps who transferred
                live.transferred_by = self.transferred_by
            if live.answered_mono is None:
                live.answered_mono = self.core._monotonic()

    def mark_transferred(self, by: Party) -> None:
        """The caller was transferred by `by`: the dashboard says so from now on."""
        self.transferred_by = by.label or by.id or by.leg.name
        for live in self._live():
            live.transferred_by = self.transferred_by
            live.held_by = ""

    def _note_holding(self, state: str) -> None:
        for live in self._live():
            live.talking = False
            live.step = state

    def _live(self) -> list[Any]:
        """The dashboard's entry of this call: the call task's own (the controller's
        context), else the one that lists the caller or the agent."""
        from firmware.calls.controller import _live_call

        own = _live_call.get()
        if own is not None:
            return [own]
        names = {self.held.name, self.agent.leg.name}
        return [c for c in self.core.calls.values() if names & set(c.legs)]

    def _stats_answered(self, party: Party) -> None:
        """The agent is talking; its first answer in this call counts as answered today."""
        if not self.counts or not party.id or party.kind == "number" \
                or party.id in self._talking:
            return
        self._talking.add(party.id)
        if party.id in self._answered:
            self.core.agents.on_call(party.id)
            return
        self._answered.add(party.id)
        self.core.agents.answered(party.id, self.record.caller_key, self.core.clock.now())

    def _stats_hung_up(self, party: Party) -> None:
        if party.id in self._talking:
            self._talking.discard(party.id)
            self.core.agents.hung_up(party.id, self.core.clock.now())


def _nothing() -> None:
    """No bus to leave (a test's call core)."""
