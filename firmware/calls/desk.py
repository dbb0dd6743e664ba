"""Calls a desk phone starts: dial tone, digits, an extension or a line out.

Lifting an idle handset gives dial tone (450 Hz). Digits are in-band DTMF the
box detects; the first stops the dial tone. After each digit the dial plan
(`routing.classify_dialed`) says whether the number is complete: an extension
rings that phone (caller ID: the caller's extension and name) while the caller
hears ringback; the outside prefix and a number go out on a free outside line of
any kind with ringback until the far end answers, busy tone on busy, congestion
when no line is free or the call fails. A line whose call has `early_media` (an
analog line, which signals nothing but in-band) connects the desk phone at once:
it hears the line's own ringback, busy tone or announcement. A line whose
outbound-minutes cap is reached this month (G7) is not dialled out on: the next
free line is used, and when every free line is over its cap the call is refused
(congestion tone; the record says "blocked" and the owner is told by SMS, once a
month, as for inbound calls). Feature codes (the config's `feature_codes`, docs/feature-codes.md:
*61 available, *62 unavailable, R12) set this phone's extension available or not for
ring-group calls and answer with the confirmation tone; *40 and *41 + extension pick up
a ringing call (calls/pickup.py); *97 listens to voicemail.
Hanging up at any point releases everything.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import TYPE_CHECKING

from firmware.calls.legs import DeskLeg, Leg, OutsideLeg
from firmware.calls.notify import notify_caps
from firmware.calls.pickup import pick_up, pickup_agent
from firmware.calls.record import CallLog
from firmware.calls.usage import month_usage
from firmware.calls.voicemail_listen import dial_tone, listen_voicemail
from firmware.config.schema import Extension
from firmware.routing import Feature, classify_dialed
from firmware.routing.caps import outbound_caps_reached

if TYPE_CHECKING:
    from firmware.calls.controller import CallController

log = logging.getLogger("switchboard.calls")

FIRST_DIGIT_S = 15.0
INTER_DIGIT_S = 5.0
INTERNAL_RING_S = 60.0
OUTSIDE_RING_S = 60.0
CONFIRM_S = 2.75  # one cycle of the confirmation tone
REFUSAL_TONE_S = 30.0  # congestion tone for an outside call that cannot go out


async def desk_call(core: CallController, leg: DeskLeg) -> None:
    """The whole life of a call started by lifting `leg`'s handset."""
    core.audio.attach(leg, detect_dtmf=True)
    core.audio.tone(leg, dial_tone(core, leg))  # stutter: voicemail waiting
    digits = await _collect(core, leg)
    if digits is None:
        return  # hung up, or dialled nothing
    dialed = classify_dialed(digits, core.config(), final=True)
    log.info("%s dialled %s: %s (%s)", leg.name, digits, dialed.kind, dialed.reason)
    extension = next((e for e in core.config().extensions if e.number == dialed.extension), None)
    if dialed.kind == "extension" and extension is not None:
        await _internal(core, leg, extension)
    elif dialed.kind == "outside":
        await _outside(core, leg, dialed.number)
    elif dialed.kind == "feature" and dialed.feature is not None:
        await _feature(core, leg, dialed.feature, dialed.extension)
    else:
        core.audio.tone(leg, "vacant")


async def _collect(core: CallController, leg: DeskLeg) -> str | None:
    """Digits until the dial plan calls them complete (or invalid, or a pause)."""
    digits = ""
    queue = core.digit_queue(leg.name)
    while True:
        timeout = FIRST_DIGIT_S if not digits else INTER_DIGIT_S
        digit = await _next_digit(queue, leg, timeout)
        if digit is None:
            if leg.ended.done():
                return None
            break
        if not digits:
            core.audio.tone(leg, None)
        digits += digit
        if classify_dialed(digits, core.config()).kind != "incomplete":
            break
    if not digits:
        core.audio.tone(leg, "congestion")  # lifted and never dialled
        return None
    return digits


async def _next_digit(queue: asyncio.Queue, leg: Leg, timeout: float) -> str | None:
    getter = asyncio.ensure_future(queue.get())
    done, _ = await asyncio.wait({getter, leg.ended}, timeout=timeout,
                                 return_when=asyncio.FIRST_COMPLETED)
    if getter in done:
        return getter.result()
    getter.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await getter
    return None


async def _feature(core: CallController, leg: DeskLeg, feature: Feature,
                   extension: str | None = None) -> None:
    """R12: *61 available, *62 unavailable, for this desk phone's extension. The
    confirmation tone (one cycle, then busy tone) says it was taken; vacant tone says
    this port has no extension. Pickup (*40, *41 + `extension`): calls/pickup.py."""
    me = core.extension_of(leg.name)
    if me is None:
        log.info("%s: feature code %s, but the port has no extension", leg.name, feature)
        core.audio.tone(leg, "vacant")
        return
    if feature is Feature.VOICEMAIL:
        await listen_voicemail(core, leg, me.number)
        return
    if feature in (Feature.PICKUP, Feature.PICKUP_EXTENSION):
        await pick_up(core, leg, me, feature, extension)
        return
    core.set_available(me.number, feature is Feature.AVAILABLE)
    core.audio.tone(leg, "confirm")
    await asyncio.wait({leg.ended}, timeout=CONFIRM_S)


async def _internal(core: CallController, caller: DeskLeg, extension: Extension) -> None:
    record = CallLog(core, "internal", caller.name, caller.number, extension.number)
    target = core.desk_leg_for(extension.port, extension.number)
    if target is None or target is caller:
        record.tried(extension.number, "extension", extension.port, "busy", t0=None)
        core.audio.tone(caller, "busy")
        await record.finish("busy")
        return
    me = core.extension_of(caller.name)
    target.ring(me.number if me else None, me.name if me else None)
    core.note_ringing(caller, target, f"{extension.number} {extension.name}")
    core.audio.tone(caller, "ringback")
    outcome = await core.ring_until(target, caller, INTERNAL_RING_S)
    record.tried(extension.number, "extension", extension.port, outcome, t0=target.t_start,
                 leg=target)
    if outcome != "answered":
        await core.release(target, "cancelled")
        core.audio.tone(caller, "busy" if outcome == "busy" else "congestion")
        await record.finish("abandoned" if outcome == "abandoned" else "missed")
        return
    await _talk(core, caller, target, record,
                (me.number if me else None, pickup_agent(target, extension.number)))


def _usable(core: CallController, name: str) -> bool:
    """Line `name` could take a call now (ready, free), whatever its cap says."""
    line = core.lines.line(name)
    return line is not None and core.free_outside_line(
        avoid=set(core.lines.outside) - {name}) is line


async def _talk(core: CallController, a: Leg, b: Leg, record: CallLog,
                extensions: tuple[str | None, ...], agent_call: bool = False) -> None:
    """Bridge the call; the extensions on it are busy agents (longest idle) until it ends.
    `agent_call`: desk phone `a` called outside number `b`, and may transfer it with the
    in-call codes (calls/incall.py)."""
    agents = [e for e in extensions if e]
    for agent in agents:
        core.agents.on_call(agent)
    try:
        if agent_call:
            from firmware.calls.transfer import desk_agent_call

            await desk_agent_call(core, record, b, a, agents[0] if agents else "").run()
        else:
            await core.converse(a, b, record)
    finally:
        for agent in agents:
            core.agents.hung_up(agent, core.clock.now())


async def _outside(core: CallController, caller: DeskLeg, number: str) -> None:
    capped = outbound_caps_reached(core.config(), month_usage(core.cdr, core.clock.now()))
    record = CallLog(core, "out", caller.name, caller.number, number)
    avoid = {hit.line for hit in capped}
    line = core.free_outside_line(avoid=avoid)
    if line is None:
        core.audio.tone(caller, "congestion")
        refused = [hit for hit in capped if _usable(core, hit.line)]
        if refused:  # a line was free, but its outbound minutes are used up (G7)
            log.info("%s: %s refused: %s", caller.name, number, refused[0].text)
            await record.finish("blocked", cause=f"blocked: {refused[0].text}")
            core.spawn_quiet(notify_caps(core, refused, caller))
        else:
            await record.finish("failed", cause="no free line")
        await asyncio.wait({caller.ended}, timeout=REFUSAL_TONE_S)  # then busy tone
        return
    target = await core.dial(line, number)
    if getattr(target.call, "early_media", False):
        core.audio.talk(caller, target)  # the line's own ringback, busy or announcement
    else:
        core.audio.tone(caller, "ringback")
    core.note_ringing(caller, target, number)
    outcome = await core.ring_until(target, caller, OUTSIDE_RING_S)
    record.tried(number, "number", line.name, outcome, t0=target.t_start, leg=target)
    if outcome != "answered":
        await core.release(target, "cancelled")
        core.audio.tone(caller, "busy" if outcome == "busy" else "congestion")
        result = "abandoned" if outcome == "abandoned" else outcome
        await record.finish(result if result in ("busy", "abandoned") else "failed",
                            cause=outcome)
        return
    assert isinstance(target, OutsideLeg)
    me = core.extension_of(caller.name)
    await _talk(core, caller, target, record, (me.number if me else None,), agent_call=True)
