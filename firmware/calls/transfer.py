"""Blind transfer that never drops the caller (FEATURES T1, T3, T5; docs/transfer.md).

`*8 <target> #` keyed by the agent holding a caller (calls/incall.py reads the keys):

1. The agent's leg is released at once (free for the next call; a desk phone still off
   hook hears busy tone until it is put down). The caller hears ringback.
2. The target rings for `transfer.ring_s` (config): an extension's desk phone with the
   caller's number as caller ID, a bound mobile or outside number dialled on a free
   outside line (calls/transfer_targets.py). It answers: it holds the caller now (and
   may transfer in turn); the record's transfer leg says "completed".
3. Busy, no answer, or unreachable (no such target, no free line, every free line's
   outbound cap reached): the caller hears "connecting your call, please wait" and comes
   back to the agent who transferred: their phone rings again (their mobile is called
   again) for `transfer.return_ring_s`. They answer: the call goes on ("returned").
4. They do not answer either: `transfer.fallback` ("fallback"): the agent's ring group
   (then voicemail), a hold queue for that group (then voicemail), or voicemail (the
   agent's box, or its group's). The caller is never left in silence, never hung up on.

The agent hanging up with the caller on hold and no target keyed (after a flash) is
the same as step 3 (RECALL): the caller comes back to them, then the fallback.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

from firmware.calls.incall import RECALL, InCall, Party, register
from firmware.calls.legs import DeskLeg, Leg
from firmware.calls.transfer_targets import Rung, label
from firmware.config.schema import Config
from firmware.routing import DONE, Exit, Plan, RingGroup, Target
from firmware.routing.plan import Hangup, HangupCause, Treatment
from firmware.routing.queue_step import QueueStep
from firmware.routing.targets import resolve
from firmware.routing.voicemail_steps import Voicemail

if TYPE_CHECKING:
    from firmware.calls.controller import CallController
    from firmware.calls.record import CallLog

log = logging.getLogger("switchboard.calls")

BLIND = "blind"
_WORDS = {"busy": "busy", "rejected": "busy", "no_answer": "no_answer"}  # else unreachable


def agent_call(core: CallController, record: CallLog, caller: Leg, answered: Leg, agent: str,
               plan: Plan | None = None) -> InCall:
    """The InCall of an inbound call `answered` by `agent` (an extension number, a
    bound-number id, or a number)."""
    return InCall(core, record, caller, party_of(core.config(), answered, agent,
                                                 record.answered_group), plan=plan)


def desk_agent_call(core: CallController, record: CallLog, far: Leg, desk: Leg,
                    extension: str) -> InCall:
    """The InCall of a desk phone's own outside call: the desk phone (`extension`) is the
    agent and may transfer the number it dialled (`far`)."""
    party = party_of(core.config(), desk, extension) if extension else Party(desk, "", desk.name)
    return InCall(core, record, far, party, counts=False, agent_in_record=False)


def party_of(config: Config, leg: Leg, agent: str, group: str = "") -> Party:
    """`leg` as an inside party, named as the dashboard and the records name it."""
    extension = config.extension(agent)
    if extension is not None:
        return Party(leg, agent, f"{agent} {extension.name}".strip(), group, "extension")
    bound = config.bound_number(agent)
    if bound is not None:
        return Party(leg, agent, bound.name or agent, group, "mobile")
    return Party(leg, agent, agent, group, "number")


async def blind_transfer(call: InCall, keyed: str) -> None:
    """The handler of `blind_transfer` (module docstring)."""
    t0 = asyncio.get_running_loop().time()
    by = call.agent
    target, why = call.resolve(keyed)
    await call.release_agent()
    call.mark_transferred(by)
    log.info("%s: blind transfer of %s to %s", by.leg.name, call.held.name, keyed)
    if target is None:
        call.note_transfer(BLIND, keyed, "unreachable", t0, why, by=by)
        await back_to_agent(call, by, f"{keyed}: {why}")
        return
    await call.ringback()
    rung = await call.ring(target, call.core.config().transfer.ring_s)
    if rung.outcome == "answered" and rung.leg is not None:
        call.note_transfer(BLIND, target.id, "completed", t0, by=by)
        await call.take_over(Party(rung.leg, target.id, label(target), "", str(target.kind)))
        return
    if rung.outcome == "abandoned":
        await _caller_left(call, BLIND, target.id, t0, by)
        return
    word = _WORDS.get(rung.outcome, "unreachable")
    call.note_transfer(BLIND, target.id, word, t0, rung.cause, by=by)
    await back_to_agent(call, by, f"{label(target)}: {word.replace('_', ' ')}")


async def recall(call: InCall, _keyed: str) -> None:
    """RECALL: the agent hung up with the caller on hold and no target keyed."""
    by = call.agent
    await call.release_agent()
    await back_to_agent(call, by, "the agent hung up with the caller on hold")


async def back_to_agent(call: InCall, by: Party, why: str) -> None:
    """The caller comes back to `by` (their phone rings again); no answer: the fallback."""
    t0 = asyncio.get_running_loop().time()
    await _say_connecting(call)
    await call.ringback()  # heard while the agent's phone is put down and rings
    await _put_down(call, by)
    target = agent_target(call.core.config(), by)
    rung = Rung("unreachable", cause="the agent cannot be rung")
    if target is not None and not call.held.ended.done():
        rung = await call.ring(target, call.core.config().transfer.return_ring_s)
    if rung.outcome == "answered" and rung.leg is not None:
        call.note_transfer("recall", by.id or by.leg.name, "returned", t0, why, by=by)
        await call.take_over(Party(rung.leg, by.id, by.label, by.group, by.kind))
        return
    if call.held.ended.done() or rung.outcome == "abandoned":
        await _caller_left(call, "recall", by.id or by.leg.name, t0, by)
        return
    mode = call.core.config().transfer.fallback
    call.note_transfer("recall", by.id or by.leg.name, "fallback", t0,
                       f"{why}; the agent: {rung.outcome.replace('_', ' ')}; {mode}", by=by)
    await fallback(call, by)


def agent_target(config: Config, by: Party) -> Target | None:
    """The agent as a target to ring again: their extension, mobile, or number."""
    if not by.id:
        return None
    target, _why = resolve(config, by.id, config.transfer.return_ring_s)
    return target


async def fallback(call: InCall, by: Party) -> None:
    """`transfer.fallback` for the caller, run as a small plan by the inbound call's own
    steps (calls/inbound.py), so the group, queue and voicemail behave as in any plan."""
    from firmware.calls.inbound import follow_plan

    plan = fallback_plan(call.core.config(), by, call.plan)
    log.info("%s: transfer fallback: %s", call.held.name, "; ".join(plan.reasons))
    call.end()
    await follow_plan(call.core, call.held, call.record, plan)


def fallback_plan(config: Config, by: Party, original: Plan | None) -> Plan:
    """The plan of the fallback (module docstring): group or queue, then voicemail."""
    mode = config.transfer.fallback
    group = by.group if config.ring_group(by.group) else _group_of(config, by.id)
    box = by.id if config.extension(by.id) else (group or "")
    steps = []
    end: str
    if box:
        steps.append(Voicemail(id="transfer-voicemail", box=box,
                               reason=f"transfer fallback: voicemail for {box}"))
        end = "transfer-voicemail"
    else:  # no box to leave a message in: an announcement, the last resort
        steps.append(Hangup(id="transfer-end", cause=HangupCause.NOBODY_ANSWERED,
                            treatment=Treatment.ANNOUNCEMENT,
                            reason="transfer fallback: nobody and no voicemail box"))
        end = "transfer-end"
    first = _group_step(config, mode, group, by, end) if mode != "voicemail" and group else None
    if first is not None:
        steps.insert(0, first)
    start = steps[0].id
    return Plan(start=start, steps={s.id: s for s in steps},
                reasons=tuple(s.reason for s in steps), vip=bool(original and original.vip),
                avoid_lines=original.avoid_lines if original else ())


def _group_step(config: Config, mode: str, name: str, by: Party, end: str
                ) -> RingGroup | QueueStep | None:
    group = config.ring_group(name)
    if group is None:
        return None
    targets = []
    for member in group.members:
        if not member.target or member.target == by.id:
            continue
        target, _ = resolve(config, member.target, member.ring_time or group.ring_time)
        if target is not None:
            targets.append(target)
    if not targets and mode == "group":
        return None
    if mode == "queue":
        return QueueStep(id="transfer-queue", name=name, targets=tuple(targets),
                         strategy=group.strategy,
                         exits={Exit.ANSWERED: DONE, "timeout": end, "full": end, "left": end},
                         reason=f"transfer fallback: queue for ring group {name}")
    exits = {Exit.ANSWERED: DONE, Exit.BUSY: end, Exit.NO_ANSWER: end,
             Exit.ALL_UNAVAILABLE: end}
    return RingGroup(id="transfer-group", name=name, targets=tuple(targets),
                     strategy=group.strategy, ring_time_s=group.ring_time,
                     total_ring_time_s=group.total_ring_time, exits=exits,
                     reason=f"transfer fallback: ring group {name}")


def _group_of(config: Config, agent: str) -> str:
    """The first ring group that has `agent` as a member ("" when none)."""
    return next((g.name for g in config.ring_groups
                 if any(m.target == agent for m in g.members)), "")


async def _say_connecting(call: InCall) -> None:
    """A short prompt to the caller: "connecting your call, please wait"."""
    core = call.core
    play = getattr(core.audio, "play", None)
    if play is None or call.held.ended.done():
        return
    try:
        await play(call.held, ["ringback"], core.config().prompts.language)
    except Exception as exc:  # no prompt: the ringback tone that follows says enough
        log.info("%s: no connecting prompt: %s", call.held.name, exc)


async def _put_down(call: InCall, by: Party) -> None:
    """A desk phone the agent still holds off hook (busy tone since the transfer) is
    waited for, a little, so it can ring again: hanging up after `*8 ... #` takes a
    moment."""
    leg = by.leg
    if isinstance(leg, DeskLeg) and leg.offhook and not leg.ended.done():
        limit = call.core.config().transfer.return_ring_s
        await asyncio.wait({leg.ended, call.held.ended}, timeout=limit,
                           return_when=asyncio.FIRST_COMPLETED)
        for _turn in range(5):  # the port's release runs on the same wake-up
            if call.core.owners.get(leg.name) is not leg:
                break
            await asyncio.sleep(0)


async def _caller_left(call: InCall, kind: str, target: str, t0: float, by: Party) -> None:
    call.note_transfer(kind, target, "cancelled", t0, "the caller hung up", by=by)
    await call.finish([call.held])


register("blind_transfer", blind_transfer)
register(RECALL, recall, needs_target=False)

from firmware.calls import attended  # noqa: E402,F401 (registers attended, three-way)
