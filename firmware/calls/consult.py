"""An agent who stays on the line while a colleague is rung: the pieces attended
transfer (calls/attended.py) and three-way calls (calls/threeway.py) share.

- `ring_colleague(call, target)`: the caller is on hold (music), the agent hears
  ringback while `target` rings (calls/transfer_targets.py: a desk phone shows the
  caller's number, a mobile or number goes out on a free outside line). The agent's
  `cancel` code (*0) stops the ring; the agent hanging up leaves the ring going on for
  the caller (`Ringing.agent_left`).
- `next_event(call, legs, timeout)`: the agent's next key, or the first of `legs` to
  hang up.
- `Music`: hold music to a leg other than the held caller (the colleague on hold
  while the agent talks to the caller, `swap`).
- `mix(audio, legs)` / `unmix(audio, leg, others)`: every pair of legs connected both
  ways; the conference bridge mixes what several legs send to one (three-way).
- `words(outcome)`: a ring's outcome as the record's word (rejected -> refused).
- `answered_colleague(call, target, kind, t0)`: ring and, answered, the colleague as a
  `Party`; else the record says why and None.
- `hand_on(...)`: the agent hung up while the colleague rang (blind-transfer-like).
- `caller_left(...)`: the caller hung up while the agent and a colleague were on.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from firmware.calls.incall import Party
from firmware.calls.keycodes import CodeCollector, Step
from firmware.calls.legs import Leg
from firmware.calls.record import end_reason
from firmware.calls.transfer_targets import Rung, label
from firmware.routing.plan import Target

if TYPE_CHECKING:
    from firmware.calls.incall import InCall

log = logging.getLogger("switchboard.calls")

CONSULTING = "consulting"  # the dashboard's step (LiveCall.state "consulting")
CONSULT_CODES = ("cancel", "swap", "threeway")  # keyed alone while consulting
STOP_WAIT_S = 5.0  # a cancelled ring whose dial is still being set up: wait this long
_WORDS = {"rejected": "refused", "busy": "busy", "no_answer": "no_answer",
          "abandoned": "cancelled", "cancelled": "cancelled"}


def words(outcome: str) -> str:
    """A ring's outcome as a consultation's record word (else "unreachable")."""
    return _WORDS.get(outcome, "unreachable")


def consult_keys(call: InCall, names: Sequence[str] = CONSULT_CODES) -> CodeCollector:
    """A collector of the codes keyed alone during a consultation (`cancel`, `swap`,
    `threeway`: no target), with the call's own inter-digit time."""
    codes = {n: c for n, c in call.core.config().feature_codes.in_call().items() if n in names}
    return CodeCollector(codes, no_target=names, inter_digit_s=call.collector.inter_digit_s)


def key_step(keys: CodeCollector, key: str | None) -> Step:
    return keys.timeout() if key is None else keys.key(key)


async def next_event(call: InCall, legs: Sequence[Leg], timeout: float | None
                     ) -> tuple[str | None, Leg | None]:
    """(key, None): the agent keyed `key`; (None, leg): `leg` hung up (one of `legs`);
    (None, None): `timeout` passed."""
    for leg in legs:
        if leg.ended.done():
            return None, leg
    queue = call.core.digit_queue(call.agent.leg.name)
    getter = asyncio.ensure_future(queue.get())
    ends = {leg.ended: leg for leg in legs}
    try:
        done, _ = await asyncio.wait({getter, *ends}, timeout=timeout,
                                     return_when=asyncio.FIRST_COMPLETED)
    except BaseException:
        getter.cancel()
        raise
    key = _taken(getter)
    if key is not None:
        return key, None
    return None, next((ends[f] for f in done if f in ends), None)


def _taken(getter: asyncio.Future) -> str | None:
    """The key a queue getter took, or None (the getter is cancelled; not awaited: the
    caller's own cancellation must not be swallowed)."""
    if getter.done() and not getter.cancelled():
        return getter.result()
    getter.cancel()
    return None


@dataclass
class Ringing:
    """How ringing a colleague ended: `rung` (the framework's Rung), `cancelled` by the
    agent's code, or the agent hung up while it rang (`agent_left`: the ring task goes
    on, `rest` finishes it)."""

    rung: Rung | None = None
    cancelled: bool = False
    agent_left: bool = False
    rest: asyncio.Future | None = None


async def ring_colleague(call: InCall, target: Target) -> Ringing:
    """Ring `target` for the agent (module docstring); the caller stays on hold."""
    core = call.core
    agent = call.agent.leg
    call.hold()
    core.audio.tone(agent, "ringback")
    show(call, f"{CONSULTING} {label(target)}")
    ring = asyncio.ensure_future(call.ring(target, core.config().transfer.ring_s))
    try:
        return await _while_ringing(call, target, ring)
    except BaseException:  # the call's task was stopped: so is the ring
        ring.cancel()
        raise


async def _while_ringing(call: InCall, target: Target, ring: asyncio.Future) -> Ringing:
    """The agent's keys while `ring` runs: `cancel` stops it."""
    agent = call.agent.leg
    keys = consult_keys(call, ("cancel",))
    while True:
        getter = asyncio.ensure_future(call.core.digit_queue(agent.name).get())
        try:
            done, _ = await asyncio.wait({ring, getter, agent.ended}, timeout=keys.timeout_s,
                                         return_when=asyncio.FIRST_COMPLETED)
        finally:
            key = _taken(getter)
        if key is not None and key_step(keys, key).name == "cancel":
            log.info("%s: cancels the ring of %s", agent.name, target.id)
            return Ringing(await _stop_ring(call, ring), cancelled=True)
        if key is None and not done:
            keys.timeout()
        if ring in done:
            return Ringing(ring.result())
        if agent.ended in done:
            return Ringing(agent_left=True, rest=ring)


async def _stop_ring(call: InCall, ring: asyncio.Future) -> Rung:
    """Release the leg ringing for the call (a dial still being set up: once it rings)."""
    core = call.core
    loop = asyncio.get_running_loop()
    limit = loop.time() + STOP_WAIT_S
    while not ring.done() and loop.time() < limit:
        legs = [leg for leg in ringing_legs(core, call.held) if leg is not call.agent.leg]
        for leg in legs:
            await core.release(leg, "cancelled")
        await asyncio.wait({ring}, timeout=0.05)
    if not ring.done():
        ring.cancel()
        await asyncio.wait({ring}, timeout=1.0)
        return Rung("cancelled", cause="cancelled by the agent")
    return ring.result()


def ringing_legs(core: Any, held: Leg) -> list[Leg]:
    """The legs ringing for the held caller's call now (the dashboard's list)."""
    return [leg for live in core.calls.values() if held.name in live.legs
            for leg in live.ringing]


def not_ringing(core: Any, leg: Leg) -> None:
    """An answered colleague no longer shows as ringing on the dashboard."""
    for live in core.calls.values():
        live.ringing.pop(leg, None)


def show(call: InCall, step: str, legs: Sequence[Leg] = (), talking_with: str = "") -> None:
    """The dashboard: what the call is doing (`step`), which legs are on it, and with
    whom the caller talks (three-way: both)."""
    for live in call.core.calls.values():
        if call.held.name in live.legs:
            live.step = step
            if legs:
                live.legs = [leg.name for leg in legs]
            if talking_with:
                live.talking_with, live.talking = talking_with, True


class Music:
    """Hold music (the "music" prompt, looping) to one leg until `stop()`."""

    def __init__(self, call: InCall, leg: Leg):
        self.call, self.leg = call, leg
        self._task: asyncio.Future | None = None

    def start(self) -> None:
        if self._task is not None and not self._task.done():
            return
        audio = self.call.core.audio
        play = getattr(audio, "play", None)
        if play is None:
            audio.tone(self.leg, "ringback")
            return
        self._task = asyncio.ensure_future(play(self.leg, ["music"], self.call.lang, loop=True))

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is None or task.done():
            return
        task.cancel()  # a cancelled play stops its prompt
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await task


def mix(audio: Any, legs: Sequence[Leg]) -> None:
    """Connect every pair of `legs` both ways: each hears all the others."""
    for i, a in enumerate(legs):
        for b in legs[i + 1:]:
            audio.talk(a, b)


def unmix(audio: Any, leg: Leg, others: Sequence[Leg]) -> None:
    """`leg` leaves the mix; the others stay connected to each other."""
    for other in others:
        if other is not leg:
            audio.part(leg, other)


async def answered_colleague(call: InCall, target: Target, kind: str, t0: float
                             ) -> Party | None:
    """Ring `target` for the agent: the answered colleague, or None when the ring
    ended otherwise (written to the record, the call left as the framework expects)."""
    by = call.agent
    ringing = await ring_colleague(call, target)
    if ringing.agent_left:
        await hand_on(call, by, target, ringing, kind, t0)
        return None
    rung = ringing.rung
    if ringing.cancelled or rung is None or rung.outcome != "answered" or rung.leg is None:
        outcome = "cancelled" if ringing.cancelled else words(rung.outcome if rung else "")
        cause = "cancelled by the agent" if ringing.cancelled else _cause(rung)
        call.note_transfer(kind, target.id, outcome, t0, cause or outcome.replace("_", " "))
        log.info("%s: %s %s: %s, back to the caller", by.leg.name, kind, target.id, outcome)
        if rung is not None and rung.outcome == "abandoned":
            await call.finish([call.held])
        return None
    audio = call.core.audio
    audio.part(call.held, rung.leg)  # a line's early media reached the caller
    if rung.leg.slot is not None:  # attached for that early media, without a key tap
        audio.detach(rung.leg)
    audio.attach(rung.leg, detect_dtmf=True)  # its keys count once it holds the caller
    not_ringing(call.core, rung.leg)
    return Party(rung.leg, target.id, label(target), "", str(target.kind))


def _cause(rung: Rung | None) -> str:
    if rung is None:
        return ""
    return "the caller hung up" if rung.outcome == "abandoned" else rung.cause


async def hand_on(call: InCall, by: Party, target: Target, ringing: Ringing, kind: str,
                  t0: float) -> None:
    """The agent hung up while the target rang: the caller goes to the target as in a
    blind transfer (ringback; no answer: back to the agent, then the fallback)."""
    await call.release_agent()
    call.mark_transferred(by)
    await call.ringback()
    assert ringing.rest is not None
    rung = await ringing.rest
    if rung.outcome == "answered" and rung.leg is not None:
        call.note_transfer(kind, target.id, "completed", t0, "the agent hung up while it rang",
                           by=by)
        await call.take_over(Party(rung.leg, target.id, label(target), "", str(target.kind)))
        return
    outcome = words(rung.outcome)
    call.note_transfer(kind, target.id, outcome, t0, _cause(rung) or outcome, by=by)
    if rung.outcome == "abandoned" or call.held.ended.done():
        await call.finish([call.held])
        return
    from firmware.calls.transfer import back_to_agent

    await back_to_agent(call, by, f"{label(target)}: {outcome.replace('_', ' ')}")


async def caller_left(call: InCall, by: Party, other: Party, kind: str, t0: float,
                      outcome: str = "cancelled") -> None:
    """The caller hung up during a consultation (the transfer leg: `cancelled`) or a
    three-way call (`left`, the caller as its target): the call's record ends; the
    agent and the colleague go on talking until one of them hangs up."""
    core = call.core
    target = other.id if outcome == "cancelled" else (call.held.number or call.held.name)
    call.note_transfer(kind, target, outcome, t0, "the caller hung up", by=by)
    log.info("%s: the caller hung up; %s and %s go on", call.held.name, by.label, other.label)
    call.end()
    why, detail = end_reason([call.held], call.held)
    await call.record.finish("answered", cause=detail, end_reason=why)
    await core.release(call.held, "normal")
    show(call, "", [by.leg, other.leg], f"{by.label} + {other.label}")
    core.audio.talk(by.leg, other.leg)
    await asyncio.wait({by.leg.ended, other.leg.ended}, return_when=asyncio.FIRST_COMPLETED)
    for leg in (by.leg, other.leg):
        await core.release(leg, "normal")
