"""Playing a plan's greeting step (G1): calls/ivr.py's `run_keypad_step` answers the
caller's line, then hands a routing `Greeting` (routing/greeting.py) here.

The greeting plays in the config's prompt language. When the step leads to a menu it
is interruptible: a key the caller types cuts it short and stays queued, so the menu
skips its own prompt and takes that key as the choice. Otherwise keys typed during the
greeting are dropped, so they cannot skip the prompt of a PIN or verification step
after it. The record's route shows "greeting hello:closed" (the schedule state).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from firmware.calls import ivr
from firmware.routing.greeting import NEXT, Greeting

if TYPE_CHECKING:
    from firmware.calls.controller import CallController
    from firmware.calls.legs import OutsideLeg

log = logging.getLogger("switchboard.calls")


async def run_greeting(core: CallController, step: Greeting, caller: OutsideLeg, lang: str
                       ) -> ivr.KeypadResult:
    """Play the greeting; leave by `next` (ABANDONED when the caller hung up)."""
    label = f"greeting {step.id}"
    log.info("%s: greeting %s: %s", caller.name, step.id, step.prompt)
    if not await ivr.say(core, caller, [step.prompt], lang, interruptible=step.skippable):
        return ivr.KeypadResult(ivr.ABANDONED, label)
    if not step.skippable:
        ivr.drain(core.digit_queue(caller.name))
    return ivr.KeypadResult(NEXT, f"{label}:{step.schedule or step.prompt}")
