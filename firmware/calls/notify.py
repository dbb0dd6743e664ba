"""Telling the owner by SMS through the modem that a monthly cap is reached (G7).

Routing lists the caps a call found reached (`Plan.cap_hits`, each with the numbers
to tell); this sends one SMS per line, counter and month: the call records remember
which notices went out (`CdrStore.note_once`), so a restart does not send them again.
The SMS goes out once the call has ended, on a free outside line that sends SMS
(else the capped line itself, if it can),
so it never competes with the call for the modem.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from firmware.calls.legs import Leg
from firmware.routing.plan import CapHit

if TYPE_CHECKING:
    from firmware.calls.controller import CallController

log = logging.getLogger("switchboard.calls")

WAIT_FOR_CALL_END_S = 30.0
SMS_TRIES, SMS_RETRY_S = 3, 5.0  # a modem still busy with the call's end may refuse once
_ACTIONS = {"reject": "calls on it are refused", "voicemail": "callers on it leave voicemail",
            "no_mobiles": "calls on it no longer ring mobiles"}


def notice_text(hit: CapHit) -> str:
    """The owner's SMS: which line, which cap, how much, what the box does now. Plain
    ASCII and under 160 characters, so it goes as one GSM 7-bit SMS."""
    head = "Switchboard "
    now = ("the box dials nothing more out on it this month"
           if hit.counter == "outbound_minutes" and hit.action == "no_mobiles"
           else _ACTIONS.get(hit.action, hit.action))
    return head + f"{hit.text.split('; ')[0]}; {now}."


async def notify_caps(core: CallController, hits: Iterable[CapHit], caller: Leg) -> None:
    """Send the owner's SMS for each cap in `hits` not yet told this month."""
    if core.cdr is None:
        return
    todo = [hit for hit in hits if hit.notify and _first_time(core, hit)]
    if not todo:
        return
    with contextlib.suppress(asyncio.TimeoutError):
        await asyncio.wait_for(asyncio.shield(caller.ended), WAIT_FOR_CALL_END_S)
    for hit in todo:
        line = core.free_outside_line(feature="sms") or core.lines.line(hit.line)
        if line is None or "sms" not in line.features:
            log.warning("cap notice: no line that sends SMS to send it on: %s", hit.text)
            continue
        for number in hit.notify:
            await _send(line, number, notice_text(hit))


async def _send(line: Any, number: str, text: str) -> None:
    for attempt in range(1, SMS_TRIES + 1):
        try:
            await line.send_sms(number, text)
            log.info("%s: told %s by SMS: %s", line.name, number, text)
            return
        except Exception as exc:  # the modem is the judge; the call is over
            log.warning("%s: cap notice to %s failed (try %d of %d): %s", line.name, number,
                        attempt, SMS_TRIES, exc)
        if attempt < SMS_TRIES:
            await asyncio.sleep(SMS_RETRY_S)


def _first_time(core: CallController, hit: CapHit) -> bool:
    try:
        return core.cdr.note_once(f"cap:{hit.line}:{hit.counter}:{hit.month}", core.clock.now())
    except Exception:
        log.exception("cap notice: cannot note it in the records; not sending")
        return False
