"""Whom an agent keyed during a call, and ringing them for the held caller.

`resolve_keyed(config, digits)` reads the digits of `*8 <target> #` as a desk phone
reads what it dials: an extension number; a bound mobile by its id (when the id is
digits) or by its number (keyed as the number, with or without the outside-line
prefix); any other outside number after the outside-line prefix (routing's
`classify_dialed`). The answer is a routing `Target` (kind extension, mobile or number).

`ring_target(core, call, target, ring_s)` rings it for the caller held in `call`: a
desk phone rings with the caller's own number as caller ID (T5), a mobile or number is
dialled on any free outside line (never one whose outbound-minutes cap is reached this
month, nor one the call's plan avoids), as a desk phone's outside call is. A target
that cannot be rung says why: busy (a desk phone in use), unreachable (no such target,
no free line, every free line capped, the dial failed). A leg that rang and did not
answer is released and written to the record as a leg; an answered one is handed back.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from firmware.calls.legs import Leg
from firmware.calls.record import Who
from firmware.calls.usage import month_usage
from firmware.config.schema import Config
from firmware.routing import classify_dialed
from firmware.routing.caps import outbound_caps_reached
from firmware.routing.numbers import DialedKind, normalise
from firmware.routing.plan import Target, TargetKind

if TYPE_CHECKING:
    from firmware.calls.controller import CallController

log = logging.getLogger("switchboard.calls")


@dataclass
class Rung:
    """How ringing a target went: `outcome` answered, busy, no_answer, rejected,
    unreachable, failed or abandoned (the held caller left); `leg` the answered leg."""

    outcome: str
    leg: Leg | None = None
    line: str = ""
    cause: str = ""
    t0: float | None = None


def resolve_keyed(config: Config, digits: str) -> tuple[Target | None, str]:
    """(Target, "") for the digits an agent keyed, or (None, why not)."""
    digits = digits.rstrip("#")
    if not digits:
        return None, "no target keyed"
    extension = config.extension(digits)
    if extension is not None:
        return Target(TargetKind.EXTENSION, extension.number, extension.name, 0,
                      port=extension.port), ""
    bound = config.bound_number(digits)
    if bound is not None:
        return _mobile(config, bound.id)
    dialed = classify_dialed(digits, config, final=True)
    number = dialed.number if dialed.kind is DialedKind.OUTSIDE else _as_number(config, digits)
    if number is None:
        return None, dialed.reason
    mobile = next((b for b in config.bound_numbers
                   if _as_number(config, b.number) == number), None)
    if mobile is not None:
        return _mobile(config, mobile.id)
    if dialed.kind is not DialedKind.OUTSIDE:
        return None, dialed.reason  # a number keyed without the outside-line prefix
    return Target(TargetKind.NUMBER, number, number, 0, number=number), ""


def _mobile(config: Config, ident: str) -> tuple[Target | None, str]:
    bound = config.bound_number(ident)
    assert bound is not None
    number = _as_number(config, bound.number)
    if number is None:
        return None, f"{bound.id}: {bound.number} is not a phone number"
    return Target(TargetKind.MOBILE, bound.id, bound.name, 0, number=number), ""


def _as_number(config: Config, text: str) -> str | None:
    try:
        return normalise(text, config.settings.country)
    except ValueError:
        return None


def label(target: Target) -> str:
    """The dashboard's name of a target: "802 Desk 2", a bound number's name, a number."""
    if target.kind is TargetKind.EXTENSION:
        return f"{target.id} {target.name}".strip()
    return target.name or target.number or target.id


def who(target: Target) -> str:
    """What the record names: the extension number, or the number dialled."""
    return target.id if target.kind is TargetKind.EXTENSION else (target.number or target.id)


async def ring_target(core: CallController, call: Any, target: Target, ring_s: float) -> Rung:
    """Ring `target` for `call.held` (module docstring)."""
    held = call.held
    if target.kind is TargetKind.EXTENSION:
        rung = _ring_desk(core, call, target)
    else:
        rung = await _dial(core, call, target)
    if rung.leg is None:
        _write_leg(call, target, rung)
        return rung
    leg = rung.leg
    core.note_ringing(held, leg, label(target))
    rung.outcome = await core.ring_until(leg, held, ring_s)
    if rung.outcome == "answered":
        return rung
    await core.release(leg, "cancelled")
    _write_leg(call, target, rung)
    rung.leg = None
    return rung


def _ring_desk(core: CallController, call: Any, target: Target) -> Rung:
    port = target.port or ""
    plan = call.plan
    vip = bool(plan is not None and plan.vip)
    leg = core.desk_leg_for(port, target.id, vip=vip, yields=not vip)
    if leg is None:
        refused = core.desk_refusal(port)
        return Rung("busy" if refused == "busy" else "unreachable", line=port,
                    cause="line busy" if refused == "busy" else "the phone is out of order")
    held = call.held
    leg.ring(held.number, None, withheld=getattr(held, "withheld", False))
    return Rung("ringing", leg, port, t0=leg.t_start)


async def _dial(core: CallController, call: Any, target: Target) -> Rung:
    config = core.config()
    capped = outbound_caps_reached(config, month_usage(core.cdr, core.clock.now()))
    avoid = {hit.line for hit in capped}
    if call.plan is not None:
        avoid |= set(call.plan.avoid_lines)
    line = core.free_outside_line(avoid=avoid)
    if line is None:
        why = "every free line's outbound cap is reached" if capped else "no free outside line"
        return Rung("unreachable", cause=why)
    try:
        leg = await core.dial(line, target.number or target.id)
    except Exception as exc:  # the line refused the dial: the caller comes back
        log.warning("%s: cannot dial %s: %s", line.name, target.number, exc)
        return Rung("unreachable", line=line.name, cause=f"dial failed: {exc}")
    if getattr(leg.call, "early_media", False):
        core.audio.talk(call.held, leg)  # the line's own ringback, busy or announcement
    return Rung("ringing", leg, line.name, t0=leg.t_start)


def _write_leg(call: Any, target: Target, rung: Rung) -> None:
    cause = rung.cause or ("the caller hung up" if rung.outcome == "abandoned" else "")
    outcome = "failed" if rung.outcome == "unreachable" else rung.outcome
    call.record.tried(who(target), str(target.kind), rung.line, outcome, t0=rung.t0,
                      leg=rung.leg, cause=cause or rung.outcome, agent=target.name,
                      who=Who(agent_id=target.id))
