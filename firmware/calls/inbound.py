"""A call to the company number: follow the routing plan until someone answers.

An outside line (GSM, analog, ...) rings with the caller's number. `routing.plan_inbound` turns
(line, caller, time, config) into a plan: the ring group in open hours, the
duty person after hours, the forward chain on busy or no answer, a hang-up
when nothing is left. Ring steps ring their targets one at a time
(`routing.next_ring` says who and how long, within the step's total ring
time): a desk phone rings with caller ID; a mobile or outside number is dialled
on a second outside line. The caller's line is answered only when a target answers, so
until then the caller hears the network's ringback and pays nothing; a plan with a
keypad step (a menu, a PIN, a verification: calls/ivr.py) answers when it reaches that
step, and the box plays ringback itself while phones ring after it. Then the
two are bridged until one hangs up. A caller who gives up stops the ringing at
once. Every target tried becomes a leg row in the call record.

A VIP's call (R7, `Plan.vip`) jumps ahead of the others: a desk phone that is only
ringing for a non-VIP call rings for the VIP instead (the controller's
`desk_leg_for`); the other call's ring there ends "preempted", cause "taken by a VIP
call", and that call goes on to its next target as after a no answer.

A ring-all group (R4) rings its targets together; the first to answer takes the
call and the others stop at once. The plan comes with the call core's agent
statistics (calls/agents.py) and a random source; the group state it leaves
(rotation, percentage counts) is kept before the first phone rings, and the
agent who answers is counted (answered today, idle from when the call ends).

Before the plan: this month's usage of the lines is counted from the call records
(calls/usage.py) for the caps. A blocked caller's call, and a call a cap refuses, is
recorded as "blocked"; a call whose every target was busy as "busy"; a
plan ending in a busy / announcement / hang-up treatment is carried out as such
(busy and reject refuse the ringing call; an announcement answers, plays the
information tone, and hangs up; hang up answers and hangs up at once). A cap reached
is told to the owner by SMS (calls/notify.py) once per line, counter and month.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import TYPE_CHECKING, Any

from firmware.calls.ivr import ABANDONED as IVR_ABANDONED
from firmware.calls.ivr import DIRECT, ringback_message, run_keypad_step
from firmware.calls.legs import Leg, OutsideLeg
from firmware.calls.notify import notify_caps
from firmware.calls.pickup import pickup_agent
from firmware.calls.queue_call import CALLBACK, run_queue
from firmware.calls.record import CallLog, Who, caller_gone
from firmware.calls.usage import month_usage
from firmware.calls.voicemail import run_end_step
from firmware.routing import (
    DONE,
    Exit,
    Hangup,
    HangupCause,
    Plan,
    RingGroup,
    RingStep,
    Target,
    TargetKind,
    next_ring,
    plan_inbound,
)
from firmware.routing.keypad import KeypadStep
from firmware.routing.plan import Treatment
from firmware.routing.queue_step import QueueStep
from firmware.routing.voicemail_steps import EndStep

if TYPE_CHECKING:
    from firmware.calls.controller import CallController

log = logging.getLogger("switchboard.calls")

ABANDONED = "abandoned"  # not a plan exit: the caller hung up, the plan stops
PREEMPTED = "preempted"  # a VIP's call took the desk phone (R7): on as after a no answer
_RESULT = {HangupCause.NOBODY_ANSWERED: "missed", HangupCause.NO_ROUTE: "missed",
           HangupCause.CLOSED: "missed", HangupCause.BLOCKED: "blocked",
           HangupCause.CAP_REACHED: "blocked", HangupCause.REFUSED: "blocked"}
_CAUSE = {PREEMPTED: "taken by a VIP call"}
ANNOUNCEMENT_S = 4.0  # how long the information tone plays before the box hangs up


async def inbound_call(core: CallController, caller: OutsideLeg) -> None:
    config = core.config()
    own = config.lines.number_of(caller.name)  # the company number the caller dialled
    now = core.clock.now()
    usage = month_usage(core.cdr, now)  # before this call's own record exists
    record = CallLog(core, "in", caller.name, caller.number, own or caller.name)
    plan = plan_inbound(config, caller.name, caller.number, now, core.outside_lines(),
                        rng=core.rng, stats=core.agents.snapshot(now), usage=usage,
                        region=record.region, explain=False)
    core.agents.count(plan.turns)
    record.route_name = plan.route  # the inbound route matched ("": the default plan)
    log.info("%s: call from %s: %s", caller.name, caller.number or "a withheld number",
             "; ".join(plan.reasons))
    try:
        await _follow(core, caller, record, plan)
    finally:
        if plan.cap_hits:
            core.spawn_quiet(notify_caps(core, plan.cap_hits, caller))


async def _follow(core: CallController, caller: OutsideLeg, record: CallLog, plan: Plan,
                  before: str = "") -> None:
    route: list[str] = [f"route {plan.route}"] if plan.route else []
    if before:  # the route so far (a transfer's fallback goes on from it)
        route.insert(0, before)
    rung: set[str] = set()
    step_id = plan.start
    while step_id != DONE:
        step = plan.step(step_id)
        route.append(step.id)
        record.set_route(" > ".join(route))
        if isinstance(step, Hangup):
            await _hang_up(core, caller, record, step)
            return
        if isinstance(step, EndStep):  # voicemail, an SMS to the caller (calls/voicemail.py)
            await run_end_step(core, step, caller, record)
            return
        if isinstance(step, KeypadStep):
            next_id = await _keypad(core, step, caller, record, route, plan)
            if next_id is None:
                return
            step_id = next_id
            continue
        if isinstance(step, QueueStep):  # the hold queue (calls/queue_call.py)
            next_id = await _queue(core, step, caller, record, route, plan)
            if next_id is None:
                return
            step_id = next_id
            continue
        assert isinstance(step, RingStep), step
        ring = _ring_all if isinstance(step, RingGroup) and step.together else _ring_step
        exit, answered, agent = await _ringing(core, ring, step, caller, record, rung, plan)
        if exit == ABANDONED:
            await _abandoned(caller, record, f"while {step.id} rang")
            return
        if answered is not None:
            await _talk(core, caller, answered, agent, record, plan)
            return
        step_id = step.next(exit)


async def follow_plan(core: CallController, caller: OutsideLeg, record: CallLog, plan: Plan
                      ) -> None:
    """Follow `plan` for a caller whose call is under way (a transfer's fallback,
    calls/transfer.py): its ring, queue and voicemail steps as in any plan; the
    record's route goes on from where it was."""
    await _follow(core, caller, record, plan, before=record.route)


async def _ringing(core: CallController, ring: Any, step: RingStep, caller: OutsideLeg,
                   record: CallLog, rung: set[str], plan: Plan) -> tuple[str, Leg | None, str]:
    """Ring a step's targets; a caller the box answered already (a menu) hears ringback
    from the box meanwhile (the network's stopped at the answer): the company's
    ringback message (`prompts.ringback`), looping, else the ringback tone."""
    message = ringback_message(core, caller) if caller.answered else None
    if caller.answered and message is None:
        core.audio.tone(caller, "ringback")
    try:
        return await ring(core, step, caller, record, rung, plan)
    finally:
        if message is not None:
            message.cancel()  # a cancelled play stops its prompt
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await message
        elif caller.answered and not caller.ended.done():
            core.audio.tone(caller, None)


async def _abandoned(caller: OutsideLeg, record: CallLog, where: str, *, say: bool = False
                     ) -> None:
    """The caller left; `say`: the record's cause says where ("caller hung up in menu
    main")."""
    result, cause, why = caller_gone(caller)
    log.info("%s: %s %s", caller.name, cause, where)
    if say and result == "abandoned":
        cause = f"{cause} {where}"
    await record.finish(result, cause=cause, end_reason=why)


async def _keypad(core: CallController, step: KeypadStep, caller: OutsideLeg, record: CallLog,
                  route: list[str], plan: Plan) -> str | None:
    """Run a menu, PIN or verification step (calls/ivr.py); the next step's id, or None
    when the call is over (the caller hung up, or an extension keyed answered)."""
    core.note_step(caller, f"{step.kind} {step.id}")
    try:
        result = await run_keypad_step(core, step, caller, record)
    finally:
        core.note_step(caller, "")
    route[-1] = result.label
    record.set_route(" > ".join(route))
    if result.exit == IVR_ABANDONED:
        await _abandoned(caller, record, f"in {step.kind} {step.id}", say=True)
        return None
    if result.exit != DIRECT or result.extension is None:
        return step.next(result.exit)
    direct = RingStep(id=f"{step.id}:{result.extension.id}", targets=(result.extension,),
                      reason="an extension keyed in a menu")
    exit, answered, agent = await _ringing(core, _ring_step, direct, caller, record, set(),
                                           plan)
    if exit == ABANDONED:
        await _abandoned(caller, record, f"while {result.extension.id} rang", say=True)
        return None
    if answered is not None:
        await _talk(core, caller, answered, agent, record, plan)
        return None
    return step.next(Exit.NO_ANSWER)


async def _queue(core: CallController, step: QueueStep, caller: OutsideLeg, record: CallLog,
                 route: list[str], plan: Plan) -> str | None:
    """Wait in a hold queue; the next step's id, or None when the call is over (a member
    answered and the call ended, the caller hung up or asked for a callback)."""
    async def ring(targets: tuple[Target, ...]) -> tuple[str, Leg | None, str]:
        """One member for its ring time, or several together (a ring-all group)."""
        if len(targets) == 1:
            outcome, leg = await _ring_target(core, targets[0], targets[0].ring_time_s,
                                              caller, record, step.name, plan)
            return outcome, leg, targets[0].id
        group = RingGroup(id=step.id, name=step.name, targets=targets,
                          strategy=step.strategy, reason=step.reason)
        exit, leg, agent = await _ring_all(core, group, caller, record, set(), plan)
        return ("answered" if leg is not None else str(exit)), leg, agent

    core.note_step(caller, f"queue {step.id}")
    try:
        result = await run_queue(core, step, caller, record, plan, ring)
    finally:
        core.note_step(caller, "")
    route[-1] = result.label
    record.set_route(" > ".join(route))
    if result.exit == ABANDONED:
        await _abandoned(caller, record, f"in queue {step.name}", say=True)
        return None
    if result.exit == CALLBACK:
        await core.release(caller, "normal")
        await record.finish("callback", cause="the caller asked to be called back")
        return None
    if result.leg is not None:  # its talk time counts when its leg is written (record.py)
        await _talk(core, caller, result.leg, result.agent, record, plan)
        return None
    return step.next(result.exit)


async def _talk(core: CallController, caller: OutsideLeg, answered: Leg, agent: str,
                record: CallLog, plan: Plan | None = None) -> None:
    """Bridge the call as an InCall (calls/incall.py: the agent's in-call feature codes);
    the agents' statistics (answered today, idle since) follow who holds the caller."""
    from firmware.calls.transfer import agent_call

    agent = pickup_agent(answered, agent)  # a call picked up: the agent who took it
    await agent_call(core, record, caller, answered, agent, plan).run()


async def _hang_up(core: CallController, caller: OutsideLeg, record: CallLog, step: Hangup) -> None:
    cause, how = step.cause, step.treatment
    log.info("%s: nobody takes the call (%s: %s); %s", caller.name, cause, step.reason, how)
    if how in (Treatment.ANNOUNCEMENT, Treatment.HANGUP) and await caller.answer():
        if how is Treatment.ANNOUNCEMENT:
            core.audio.tone(caller, "vacant")
            await asyncio.wait({caller.ended}, timeout=ANNOUNCEMENT_S)
            core.audio.tone(caller, None)
        await core.release(caller, "normal")
    else:
        await core.release(caller, "busy" if how is Treatment.BUSY else "rejected")
    why = str(cause) if cause is not HangupCause.BLOCKED else f"blocked: {step.reason}"
    result = _RESULT.get(cause, "missed")
    if result == "missed" and record.all_busy:
        result = "busy"  # every target tried was busy
    await record.finish(result, cause=why)


async def _ring_step(core: CallController, step: RingStep, caller: OutsideLeg, record: CallLog,
                     rung: set[str], plan: Plan) -> tuple[str, Leg | None, str]:
    """Ring the step's targets in turn; the exit, the leg that answered and its agent."""
    loop = asyncio.get_running_loop()
    t0 = loop.time()
    outcomes: list[str] = []
    position = 0
    while (ring := next_ring(step, position, loop.time() - t0, rung)) is not None:
        if caller.ended.done():
            return ABANDONED, None, ""
        position = ring.position + 1
        rung.add(ring.target.key)
        outcome, leg = await _ring_target(core, ring.target, ring.ring_s, caller, record,
                                          getattr(step, "name", ""), plan)
        if outcome == "answered":
            return Exit.ANSWERED, leg, ring.target.id
        if outcome == ABANDONED:
            return ABANDONED, None, ""
        outcomes.append(outcome)
    if caller.ended.done():
        return ABANDONED, None, ""
    return _exit_of(outcomes), None, ""


async def _ring_all(core: CallController, step: RingGroup, caller: OutsideLeg, record: CallLog,
                    rung: set[str], plan: Plan) -> tuple[str, Leg | None, str]:
    """R4: ring every target at once, each for its ring time within the group's total;
    the first to answer takes the call and the others stop ringing at once. Every
    target is a leg row in the record (the others "cancelled", cause "answered
    elsewhere")."""
    loop = asyncio.get_running_loop()
    t0 = loop.time()
    limit = step.total_ring_time_s
    ringing: dict[Leg, tuple[Target, float]] = {}
    outcomes: list[str] = []
    for target in (t for t in step.targets if t.key not in rung):
        rung.add(target.key)
        leg, refused = await _start(core, target, caller, plan)
        if leg is None:
            _refused(record, target, refused, step.name, caller)
            outcomes.append(refused)
            continue
        core.note_ringing(caller, leg, _label(target))
        ring_s = target.ring_time_s if limit is None else min(target.ring_time_s, limit)
        ringing[leg] = (target, t0 + ring_s)
    winner: tuple[Leg, Target] | None = None
    while ringing and winner is None and not caller.ended.done():
        deadline = min(d for _, d in ringing.values())
        waits = {leg.outcome for leg in ringing} | {caller.ended}
        await asyncio.wait(waits, timeout=max(0.0, deadline - loop.time()),
                           return_when=asyncio.FIRST_COMPLETED)
        for leg, (target, until) in list(ringing.items()):
            outcome = leg.outcome.result() if leg.outcome.done() else None
            if outcome == "answered" and winner is None:
                del ringing[leg]
                if await caller.answer():
                    winner = (leg, target)
                else:  # the caller left just as the phone was picked up
                    await _stop(core, record, leg, target, ABANDONED, step.name, caller)
                    break
            elif outcome is not None and outcome != "answered":
                del ringing[leg]
                outcomes.append(outcome)
                await _stop(core, record, leg, target, outcome, step.name, caller)
            elif outcome is None and loop.time() >= until:
                del ringing[leg]
                outcomes.append("no_answer")
                await _stop(core, record, leg, target, "no_answer", step.name, caller)
    if winner is None and caller.ended.done():
        for leg, (target, _) in ringing.items():
            await _stop(core, record, leg, target, ABANDONED, step.name, caller)
        return ABANDONED, None, ""
    for leg, (target, _) in ringing.items():  # answered elsewhere, or a late second answer
        await _stop(core, record, leg, target, "cancelled", step.name, caller,
                    "answered elsewhere")
    if winner is None:
        return _exit_of(outcomes), None, ""
    leg, target = winner
    record.tried(_who(target), str(target.kind), leg.name, "answered", t0=leg.t_start, leg=leg,
                 agent=target.name, group=step.name,
                 who=_who_of(target, step.name))
    log.info("%s: %s answered (ring all)", caller.name, target)
    return Exit.ANSWERED, leg, target.id


async def _stop(core: CallController, record: CallLog, leg: Leg, target: Target, outcome: str,
                group: str, caller: OutsideLeg, cause: str = "") -> None:
    cause = cause or _CAUSE.get(outcome, "")
    await core.release(leg, "cancelled")  # a preempted phone is left ringing for the VIP
    record.tried(_who(target), str(target.kind), leg.name, outcome, t0=leg.t_start, leg=leg,
                 cause=cause, agent=target.name, group=group,
                 who=_who_of(target, group))
    log.info("%s: %s: %s", caller.name, target, (cause or outcome).replace("_", " "))


def _refused(record: CallLog, target: Target, refused: str, group: str, caller: OutsideLeg
             ) -> None:
    record.tried(_who(target), str(target.kind), target.port or "", refused, t0=None,
                 cause="line busy" if refused == "busy" else "no free line or port",
                 agent=target.name, group=group, who=_who_of(target, group))
    log.info("%s: %s is %s", caller.name, target, refused)


def _exit_of(outcomes: list[str]) -> Exit:
    rang = [o for o in outcomes if o != "unavailable"]
    if not rang:
        return Exit.ALL_UNAVAILABLE
    if all(o == "busy" for o in rang):
        return Exit.BUSY
    return Exit.NO_ANSWER


async def _ring_target(core: CallController, target: Target, ring_s: float, caller: OutsideLeg,
                       record: CallLog, group: str, plan: Plan) -> tuple[str, Leg | None]:
    leg, refused = await _start(core, target, caller, plan)
    if leg is None:
        _refused(record, target, refused, group, caller)
        return refused, None
    core.note_ringing(caller, leg, _label(target))
    outcome = await core.ring_until(leg, caller, ring_s)
    if outcome == "answered" and not await caller.answer():
        outcome = ABANDONED  # the caller left just as the phone was picked up
    if outcome != "answered":
        await _stop(core, record, leg, target, outcome, group, caller)
        return outcome, None
    record.tried(_who(target), str(target.kind), leg.name, "answered", t0=leg.t_start, leg=leg,
                 agent=target.name, group=group, who=_who_of(target, group))
    log.info("%s: %s answered", caller.name, target)
    return "answered", leg


async def _start(core: CallController, target: Target, caller: OutsideLeg, plan: Plan
                 ) -> tuple[Leg | None, str]:
    """Ring a desk phone or dial a number; (None, why) when it cannot be tried. A VIP's
    call takes a desk phone that is only ringing for a non-VIP call (R7); a mobile or
    number already dialled for another call is never taken over."""
    if target.kind is TargetKind.EXTENSION:
        leg = core.desk_leg_for(target.port or "", target.id, vip=plan.vip, yields=not plan.vip)
        if leg is None:
            return None, core.desk_refusal(target.port or "")
        leg.ring(caller.number, None, withheld=caller.withheld)
        return leg, ""
    line = core.free_outside_line(exclude=caller.name, avoid=plan.avoid_lines)
    if line is None or not target.number:
        return None, "unavailable"
    try:
        return await core.dial(line, target.number), ""
    except Exception as exc:
        log.warning("%s: cannot dial %s: %s", line.name, target.number, exc)
        return None, "unavailable"


def _label(target: Target) -> str:
    """Who rings, as the dashboard names them: "801 Desk 1", a bound number's name,
    or the number dialled."""
    if target.kind is TargetKind.EXTENSION:
        return f"{target.id} {target.name}".strip()
    return target.name or target.number or target.id


def _who_of(target: Target, group: str) -> Who:
    """The agent's id and the groups it rang for, as the records count them."""
    return Who(agent_id=target.id, group=group, groups=target.groups or
               ((group,) if group else ()))


def _who(target: Target) -> str:
    """What the record names: the extension number, or the number dialled."""
    return target.id if target.kind is TargetKind.EXTENSION else (target.number or target.id)
