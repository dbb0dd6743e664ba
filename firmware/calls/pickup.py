"""Call pickup (FEATURES T4, T7): a desk phone lifted elsewhere answers a ringing call.

Dialled from dial tone (calls/desk.py, codes from the config's `feature_codes`):
`pickup` (*40) takes the call ringing longest at an extension that shares a ring group
with this phone's extension; `pickup_extension` + an extension (*41801) the call ringing
there. Which one: `routing.pickup.choose_pickup`.

How the call is taken: the ringing leg (`DeskLeg`, whatever call rings it: a ring group,
a queue member's ring, a menu's direct dialling, an internal call) takes over the phone
that dialled the code (`DeskLeg.take_phone`: its port, its bridge slot, answered now)
and the ringing phone stops. The call that rang it sees an answer as from that phone
and goes on as after any answer: the caller is answered and bridged, other phones of a
ring-all group stop ("answered elsewhere"). The caller never drops. All of it happens in
one turn of the event loop, so it cannot race with the ringing phone being lifted:
whichever the loop sees first gets the call; the other hears dial tone (the ringing
phone lifted just after) or the congestion tone (nothing left to pick up).

The record (docs/records.md): the ringing extension's leg ends `picked_up` (cause
"picked up by 802"), and a `pickup` leg names who took it (target 802, the picker's
name and agent id, cause "picked up from 801"); the call's `answered_by` is the picker.
The dashboard's "who talks" names the picker.

Nothing to pick up: the congestion tone for `NOTHING_S`, then busy tone until the
handset goes down (as a real PBX: no dial tone back).
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from firmware.calls.legs import DeskLeg
from firmware.cdr.records import LegRecord
from firmware.routing import Feature
from firmware.routing.pickup import PickupChoice, Ringing, choose_pickup

if TYPE_CHECKING:
    from firmware.calls.controller import CallController
    from firmware.calls.record import CallLog, Who
    from firmware.config.schema import Extension

log = logging.getLogger("switchboard.calls")

NOTHING_S = 4.0  # the congestion tone when nothing rings to pick up, then busy tone


@dataclass(frozen=True)
class Pickup:
    """On a leg that was picked up: who took it, from which extension, and when."""

    by: str  # the picker's extension number
    by_name: str
    port: str  # the picker's port
    rang_at: str  # the extension that was ringing
    rang_port: str
    t: float  # when (the loop's monotonic time)
    directed: bool

    @property
    def cause(self) -> str:
        return f"picked up from {self.rang_at}"


async def pick_up(core: CallController, leg: DeskLeg, me: Extension, feature: Feature,
                  extension: str | None) -> bool:
    """`leg` (off hook, extension `me`) dialled a pickup code: take the call, or play
    the congestion tone when nothing rings to take. True when a call was taken."""
    directed = feature is Feature.PICKUP_EXTENSION
    choice = _choose(core, me, extension if directed else None)
    log.info("%s: pickup: %s", leg.name, choice.reason)
    ringing = choice.ringing.key if choice.ringing is not None else None
    if ringing is None or not take_over(core, ringing, leg, me, directed):
        core.audio.tone(leg, "congestion")
        await asyncio.wait({leg.ended}, timeout=NOTHING_S)
        return False
    return True


def _choose(core: CallController, me: Extension, directed: str | None) -> PickupChoice:
    return choose_pickup(core.config(), me.number, ringing_now(core), directed)


def ringing_now(core: CallController) -> list[Ringing]:
    """Every desk phone ringing for a call now (not answered, not taken by a VIP)."""
    out = []
    for leg in list(core.owners.values()):
        if not _takeable(leg):
            continue
        extension = core.extension_of(leg.name)
        if extension is not None:
            out.append(Ringing(extension.number, leg.t_start, leg))
    return out


def _takeable(leg: Any) -> bool:
    return (isinstance(leg, DeskLeg) and not leg.offhook and not leg.outcome.done()
            and not leg.preempted and leg.phone.state == "ringing")


def take_over(core: CallController, ringing: DeskLeg, picker: DeskLeg, me: Extension,
              directed: bool) -> bool:
    """The ringing leg is answered on `picker`'s phone; False if it is no longer ringing
    (lifted or ended a moment ago). Synchronous: nothing else runs in between."""
    if not _takeable(ringing) or core.owners.get(ringing.name) is not ringing:
        return False
    rang_port = ringing.name
    rung = core.extension_of(rang_port)
    rang_at = rung.number if rung is not None else (ringing.number or "")
    core.audio.tone(picker, None)
    slot, picker.slot = picker.slot, None
    ringing.pickup = Pickup(me.number, me.name, picker.name, rang_at, rang_port,
                            asyncio.get_running_loop().time(), directed)
    del core.owners[rang_port]
    ringing.take_phone(picker.phone, me.number, slot)
    core.owners[picker.name] = ringing
    keys = core.digit_queue(picker.name)  # what was keyed after the code (a "#") is no
    while not keys.empty():  # key of the call's
        keys.get_nowait()
    for call in core.calls.values():
        if ringing in call.ringing:
            call.ringing[ringing] = f"{me.number} {me.name}".strip()
    log.info("%s: picked up the call ringing at %s (%s)", picker.name, rang_at, rang_port)
    return True


def pickup_agent(leg: Any, agent: str) -> str:
    """The agent who answered on `leg`: the picker when the call was picked up."""
    taken = getattr(leg, "pickup", None)
    return taken.by if taken is not None else agent


def answered_cause(leg: Any) -> str:
    """The cause of an answered leg's row: "picked up from 801" for a pickup."""
    taken = getattr(leg, "pickup", None)
    return taken.cause if taken is not None else ""


def record_pickup(record: CallLog, leg: Any, target: str, kind: str, t0: float | None,
                  agent: str, group: str, who: Who
                  ) -> tuple[str, str, str, float | None, str, Who] | None:
    """A picked-up leg ended ringing (answered, or the caller left just then): write the
    ringing extension's row (`picked_up`) and give (target, kind, line, t0, agent, who)
    of the picker's `pickup` row; None when `leg` was not picked up."""
    taken: Pickup | None = getattr(leg, "pickup", None)
    if taken is None:
        return None
    from firmware.calls.record import Who as WhoValue
    from firmware.calls.record import _wall

    now, mono = record.clock.now(), record.clock.monotonic()
    record._write("add_leg", LegRecord(
        target=target or "-", target_kind=kind,
        started_at=_wall(now, mono, taken.t if t0 is None else t0),
        ended_at=_wall(now, mono, taken.t), outcome="picked_up", line=taken.rang_port,
        cause=f"picked up by {taken.by}", agent=agent, group=group,
        agent_id=who.agent_id, groups=who.groups))
    picker = WhoValue(agent_id=taken.by, group=group, groups=who.groups)
    return taken.by, "pickup", taken.port, taken.t, taken.by_name, picker
