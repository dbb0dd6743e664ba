"""Voicemail on a desk phone: message waiting and listening with the feature code.

- Message waiting: a desk phone whose extension (or a ring group it belongs to) has
  unheard messages hears stutter dial tone when its handset is lifted (`dial_tone`;
  media/tones.py "stutter": the dial tone's 450 Hz in ten short beats, then steady),
  while `voicemail.message_waiting` is on.
- Listening: the phone dials the voicemail feature code (`voicemail.feature_code`,
  *97 by default; routing FEATURE_CODES). The box asks for the box's PIN when the
  config sets one (`voicemail.boxes`; three tries; never logged), says "you have N new
  messages", then plays the messages of the extension's box and of the ring groups it
  is a member of, new ones first (oldest first), each marked heard once played. After
  each: 1 plays it again, 7 deletes it, 9 keeps it and goes on (as does a pause), #
  ends. A key typed during a message cuts it short and counts.
"""

from __future__ import annotations

import hmac
import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

from firmware.calls import ivr
from firmware.calls.voicemail import voicemail_store
from firmware.prompts.phrases import number_names

if TYPE_CHECKING:
    from firmware.calls.controller import CallController
    from firmware.calls.legs import DeskLeg
    from firmware.voicemail.store import Message

log = logging.getLogger("switchboard.calls")

PIN_TRIES = 3
PIN_FIRST_S = 10.0
MENU_WAIT_S = 8.0  # after a message, for a key; none: on to the next one


def boxes_of(config: Any, extension: str) -> list[str]:
    """The boxes an extension listens to: its own, and its ring groups'."""
    groups = [g.name for g in config.ring_groups
              if any(m.target == extension for m in g.members if m.group is None)]
    return [extension, *groups]


def dial_tone(core: CallController, leg: DeskLeg) -> str:
    """"stutter" when the phone's boxes have unheard messages (and message waiting is
    on), else "dial"."""
    try:
        config = core.config()
        store = voicemail_store(core)
        me = core.extension_of(leg.name)
        if store is None or me is None or not config.voicemail.message_waiting:
            return "dial"
        waiting = any(store.unheard(box) for box in boxes_of(config, me.number))
    except Exception:  # the index unreadable: plain dial tone, the call goes on
        log.exception("%s: cannot read the voicemail index", leg.name)
        return "dial"
    return "stutter" if waiting else "dial"


async def listen_voicemail(core: CallController, leg: DeskLeg, extension: str) -> None:
    store = voicemail_store(core)
    core.audio.tone(leg, None)
    if store is None:
        core.audio.tone(leg, "vacant")
        return
    config = core.config()
    lang = ivr.prompt_language(core)
    if not await _pin_ok(core, leg, config.voicemail.pin_of(extension), lang):
        return
    boxes = boxes_of(config, extension)
    messages = sorted((m for box in boxes for m in store.list(box)),
                      key=lambda m: (m.heard, m.at_ts))
    new = sum(1 for m in messages if not m.heard)
    log.info("%s: voicemail for %s: %d messages, %d new", leg.name, ", ".join(boxes),
             len(messages), new)
    if not await ivr.say(core, leg, ["vm_you_have", *number_names(new), "vm_new_messages"],
                         lang):
        return
    for message in messages:
        if not await _one(core, leg, store, message, lang):
            return
    await ivr.say(core, leg, ["vm_no_more", "goodbye"], lang, interruptible=False)
    core.audio.tone(leg, "busy")


async def _pin_ok(core: CallController, leg: DeskLeg, pin: str, lang: str) -> bool:
    if not pin:
        return True
    core.keypad.secret(leg.name, True)
    try:
        for attempt in range(1, PIN_TRIES + 1):
            if not await ivr.say(core, leg, ["pin_enter"], lang):
                return False
            digits = await ivr.collect(core, leg, PIN_FIRST_S, 12)
            if isinstance(digits, ivr._Gone):
                return False
            if hmac.compare_digest(digits.encode(), pin.encode()):
                return True
            log.info("%s: voicemail PIN wrong (try %d of %d)", leg.name, attempt, PIN_TRIES)
            if not await ivr.say(core, leg, ["pin_wrong"], lang):
                return False
    finally:
        core.keypad.secret(leg.name, False)
    await ivr.say(core, leg, ["goodbye"], lang, interruptible=False)
    core.audio.tone(leg, "busy")
    return False


async def _one(core: CallController, leg: DeskLeg, store: Any, message: Message, lang: str
               ) -> bool:
    """Play one message and do what the key after it says; False: the listening ends."""
    while True:
        result = await core.audio.play_clips(leg, [Path(message.file)], interruptible=True)
        if getattr(result, "how", result) == "gone" or leg.ended.done():
            return False
        store.mark_heard(message.id)
        if getattr(result, "how", result) == "interrupted":
            key = await ivr.next_key(core, leg, 1.0)  # the key that cut it short
        else:
            key = await _menu_key(core, leg, lang)
        if isinstance(key, ivr._Gone):
            return False
        if key == "1":
            continue
        if key == "7":
            store.delete(message.id)
            log.info("%s: voicemail %s deleted", leg.name, message.id)
            return await ivr.say(core, leg, ["vm_deleted"], lang)
        if key == "#":
            await ivr.say(core, leg, ["goodbye"], lang, interruptible=False)
            core.audio.tone(leg, "busy")
            return False
        return True  # 9, any other key, or none: keep it, on to the next


async def _menu_key(core: CallController, leg: DeskLeg, lang: str) -> Any:
    if not await ivr.say(core, leg, ["vm_message_menu"], lang):
        return ivr.GONE
    return await ivr.next_key(core, leg, MENU_WAIT_S)
