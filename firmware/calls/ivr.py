"""Running the keypad steps of a plan (G2-G5): a voice menu, a PIN, a verification.

calls/inbound.py hands a `KeypadStep` (routing/keypad.py) to `run_keypad_step`, which
answers the caller's line if nobody has yet (from here on the caller pays: only plans
with such a step do this), taps the call's audio for DTMF (the line's own reports,
a GSM modem's ^DDTMF, arrive through the controller; calls/digits.py passes each key
press on once), plays the step's prompt with `core.audio.play(leg, [name], lang=...,
interruptible=True)` and reads the caller's digits from `core.digit_queue(line)`:

- a menu waits `timeout_s` for a key after its prompt; a key that is a choice leaves
  by that choice; no key or a key that is no choice says so (the step's
  `timeout_prompt` / `invalid_prompt`) and plays the menu again, `max_tries` plays in
  all, then leaves by `timeout` / `invalid` (the last failure's kind). With
  `direct_dial` an extension number keyed (digits 3 s apart at most, `#` ends) is
  handed back to ring that extension (G3). Keys typed during a prompt cut it short
  and count; keys typed ahead of a prompt skip it.
- a PIN or verification step collects digits until `#`, its maximum, or 5 s without
  a key (`*` starts again; a minute in all at most); a wrong entry says so
  (`wrong_prompt`) and asks again,
  `tries` entries in all, then `failed_prompt` and the `failed` exit. PIN digits are
  never logged (the log shows "DTMF *") nor recorded; the record's route shows only
  the exit taken ("pin check:ok"). A verification's digits are checked against the
  step's numbers, then its HTTP hook (verify_hook.py), whose reply may pick the exit;
  a hook that is down sends the call by the step's `when_down` exit.

A caller who hangs up ends the step as `ABANDONED`; inbound.py records the call so,
naming the step. The result's `label` is the step's part of the record's route:
"menu main:1", "menu main:801" (direct dial), "pin check:failed", "verify acct:vip".
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from firmware.calls.digits import INBAND
from firmware.calls.verify_hook import ask_hook
from firmware.routing.keypad import KeyExit, KeypadStep, Menu, PinCheck, Verify
from firmware.routing.plan import Target

if TYPE_CHECKING:
    from firmware.calls.controller import CallController
    from firmware.calls.legs import OutsideLeg
    from firmware.calls.record import CallLog

log = logging.getLogger("switchboard.calls")

ABANDONED = "abandoned"  # the caller hung up during the step
DIRECT = "direct"  # a menu's caller keyed an extension: ring `KeypadResult.extension`
INTER_DIGIT_S = 3.0  # between the digits of an extension keyed in a menu
ENTRY_DIGIT_S = 5.0  # between the digits of a PIN or account number
ENTRY_TOTAL_S = 60.0  # a whole PIN or account number, after its first key's wait
AUDIO_WAIT_S = 2.0  # at most, for the line's audio after the answer
TWIN_WAIT_S = 0.4  # at most, for a key press's second report before the next prompt


class _Gone:
    """The caller hung up while the box waited for a key."""


GONE = _Gone()


@dataclass(frozen=True)
class KeypadResult:
    exit: str  # an exit of the step, DIRECT or ABANDONED
    label: str  # the step in the record's route: "menu main:1"
    extension: Target | None = None  # DIRECT: the extension keyed


async def run_keypad_step(core: CallController, step: KeypadStep, caller: OutsideLeg,
                          record: CallLog) -> KeypadResult:
    """Answer (once), then run `step` (module docstring)."""
    if not await _answer(core, caller):
        return KeypadResult(ABANDONED, f"{step.kind} {step.id}")
    lang = prompt_language(core)
    if step.kind == "greeting":  # calls/greeting.py
        from firmware.calls.greeting import run_greeting

        return await run_greeting(core, step, caller, lang)  # type: ignore[arg-type]
    if isinstance(step, Menu):
        return await _menu(core, step, caller, lang)
    if isinstance(step, PinCheck):
        return await _pin(core, step, caller, lang)
    assert isinstance(step, Verify), step
    return await _verify(core, step, caller, record, lang)


def prompt_language(core: CallController) -> str:
    """The prompts' language: the config's `prompts.language`, else Chinese."""
    prompts = getattr(core.config(), "prompts", None)
    return getattr(prompts, "language", None) or "zh"


def ringback_message(core: CallController, caller: OutsideLeg) -> asyncio.Future | None:
    """The company's ringback message (`prompts.ringback`) started looping to the
    caller (a task to cancel when the ringing ends), or None: none set, or no prompts."""
    name = getattr(getattr(core.config(), "prompts", None), "ringback", None)
    play = getattr(core.audio, "play", None)
    if not name or play is None:
        return None
    return asyncio.ensure_future(play(caller, [name], lang=prompt_language(core), loop=True))


async def _answer(core: CallController, caller: OutsideLeg) -> bool:
    """Answer the caller's line the first time a keypad step runs; tap its audio for
    DTMF. False when the caller is gone."""
    if caller.ended.done():
        return False
    if not caller.answered:
        core.keypad.forget(caller.name)  # nothing of an earlier call on this line counts
        drain(core.digit_queue(caller.name))
        if not await caller.answer():
            return False
        log.info("%s: answered for the keypad steps of the plan", caller.name)
    loop = asyncio.get_running_loop()
    until = loop.time() + AUDIO_WAIT_S
    while not _tap(core, caller) and loop.time() < until and not caller.ended.done():
        await asyncio.sleep(0.05)  # a line whose audio opens just after the answer
    return not caller.ended.done()


def _tap(core: CallController, caller: OutsideLeg) -> bool:
    """The caller's audio in the bridge with its DTMF heard (before any prompt takes
    the slot without); True once it is."""
    if caller.slot is not None:
        return True
    if core.audio.attach(caller, detect_dtmf=True) is True:
        core.keypad.expect(caller.name, INBAND)
        return True
    return False


def drain(queue: asyncio.Queue) -> None:
    """Drop the keys waiting in `queue`."""
    while not queue.empty():
        queue.get_nowait()


# --- prompts and keys ------------------------------------------------------------------


async def say(core: CallController, caller: OutsideLeg, names: Sequence[str | None],
              lang: str, *, interruptible: bool = True) -> bool:
    """Play prompts `names` (None: nothing) to the caller; False when the caller is gone.
    An interruptible prompt is skipped when keys are already waiting (typed ahead)."""
    names = [n for n in names if n]
    if not names or caller.ended.done():
        return not caller.ended.done()
    queue = core.digit_queue(caller.name)
    if interruptible and not queue.empty():
        return True
    await _twin(core, caller)
    if interruptible and not queue.empty():
        return True
    _tap(core, caller)
    play = getattr(core.audio, "play", None)
    if play is None:  # a media engine without prompts: the caller hears nothing
        return not caller.ended.done()
    try:
        result = await play(caller, list(names), lang=lang, interruptible=interruptible)
    except Exception as exc:  # a prompt that cannot play: the keys still work
        log.warning("%s: cannot play %s: %s", caller.name, ", ".join(names), exc)
        return not caller.ended.done()
    how = getattr(result, "how", result)
    return how != "gone" and not caller.ended.done()


async def _twin(core: CallController, caller: OutsideLeg) -> None:
    """Wait (briefly) for the second report of the last key press, so that it cannot
    cut the next prompt short (calls/digits.py `pending`)."""
    loop = asyncio.get_running_loop()
    until = loop.time() + TWIN_WAIT_S
    while core.keypad.pending(caller.name, loop.time()) and loop.time() < until \
            and not caller.ended.done():
        await asyncio.sleep(0.02)


async def next_key(core: CallController, caller: OutsideLeg, timeout: float) -> str | _Gone | None:
    """The caller's next key; None after `timeout` seconds without one; GONE."""
    queue: asyncio.Queue = core.digit_queue(caller.name)
    if not queue.empty():
        return queue.get_nowait()
    if caller.ended.done():
        return GONE
    get = asyncio.ensure_future(queue.get())
    try:
        done, _ = await asyncio.wait({get, caller.ended}, timeout=timeout,
                                     return_when=asyncio.FIRST_COMPLETED)
    finally:
        if not get.done():
            get.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await get
    if get in done:
        return get.result()
    return GONE if caller.ended.done() else None


async def collect(core: CallController, caller: OutsideLeg, first_s: float, max_digits: int
                  ) -> str | _Gone:
    """Digits until `#`, `max_digits` or a pause (`first_s` for the first key, then
    ENTRY_DIGIT_S), within `first_s` + ENTRY_TOTAL_S in all; `*` starts the entry again."""
    digits = ""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + first_s + ENTRY_TOTAL_S
    while len(digits) < max_digits:
        left = deadline - loop.time()
        if left <= 0:
            break  # keys keep coming (`*` again and again): the entry ends anyway
        key = await next_key(core, caller, min(left, ENTRY_DIGIT_S if digits else first_s))
        if isinstance(key, _Gone):
            return GONE
        if key is None or key == "#":
            break
        digits = "" if key == "*" else digits + key
    _swallow_hash(core.digit_queue(caller.name))
    return digits


def _swallow_hash(queue: asyncio.Queue) -> None:
    """A `#` keyed after a full entry ends that entry; it is no key for what follows."""
    waiting = getattr(queue, "_queue", None)  # asyncio.Queue's deque: peek, don't take
    if waiting and waiting[0] == "#":
        queue.get_nowait()


# --- the steps --------------------------------------------------------------------------


async def _menu(core: CallController, step: Menu, caller: OutsideLeg, lang: str
                ) -> KeypadResult:
    label = f"menu {step.id}"
    last: str = KeyExit.TIMEOUT
    for play in range(1, step.max_tries + 1):
        if not await say(core, caller, [step.prompt], lang):
            return KeypadResult(ABANDONED, label)
        key = await next_key(core, caller, step.timeout_s)
        if isinstance(key, _Gone):
            return KeypadResult(ABANDONED, label)
        picked = None if key is None else await _pick(core, step, caller, key)
        if isinstance(picked, _Gone):
            return KeypadResult(ABANDONED, label)
        if isinstance(picked, Target):
            log.info("%s: menu %s: extension %s keyed", caller.name, step.id, picked.id)
            return KeypadResult(DIRECT, f"{label}:{picked.id}", extension=picked)
        if picked is not None:
            log.info("%s: menu %s: %s chosen", caller.name, step.id, picked)
            return KeypadResult(picked, f"{label}:{picked}")
        last = KeyExit.TIMEOUT if key is None else KeyExit.INVALID
        log.info("%s: menu %s: %s (play %d of %d)", caller.name, step.id, last, play,
                 step.max_tries)
        if play == step.max_tries:  # no "please choose again": the exit follows at once
            break
        sorry = step.timeout_prompt if key is None else step.invalid_prompt
        if not await say(core, caller, [sorry], lang):
            return KeypadResult(ABANDONED, label)
    return KeypadResult(last, f"{label}:{last}")


async def _pick(core: CallController, step: Menu, caller: OutsideLeg, key: str
                ) -> str | Target | _Gone | None:
    """What key `key` (and with direct dialling the keys after it) chose: a choice's
    digit, an extension, or None (invalid)."""
    digits = key
    while step.extension_prefix(digits):
        more = await next_key(core, caller, INTER_DIGIT_S)
        if isinstance(more, _Gone):
            return GONE
        if more is None or more == "#":
            break
        digits += more
    extension = step.extension(digits)
    if extension is not None:
        return extension
    return digits if digits in step.choices else None


async def _pin(core: CallController, step: PinCheck, caller: OutsideLeg, lang: str
               ) -> KeypadResult:
    label = f"pin {step.id}"
    if not step.pins:
        log.info("%s: pin %s: no PIN is right for this caller", caller.name, step.id)
        await say(core, caller, [step.failed_prompt], lang, interruptible=False)
        return KeypadResult(KeyExit.FAILED, f"{label}:{KeyExit.FAILED}")
    core.keypad.secret(caller.name, True)
    try:
        for attempt in range(1, step.tries + 1):
            if not await say(core, caller, [step.prompt], lang):
                return KeypadResult(ABANDONED, label)
            digits = await collect(core, caller, step.timeout_s, step.max_digits)
            if isinstance(digits, _Gone):
                return KeypadResult(ABANDONED, label)
            if any(hmac.compare_digest(digits.encode(), pin.encode()) for pin in step.pins):
                log.info("%s: pin %s: right", caller.name, step.id)
                return KeypadResult(KeyExit.OK, f"{label}:{KeyExit.OK}")
            log.info("%s: pin %s: wrong (try %d of %d)", caller.name, step.id, attempt,
                     step.tries)
            if not await say(core, caller, [step.wrong_prompt], lang):
                return KeypadResult(ABANDONED, label)
    finally:
        core.keypad.secret(caller.name, False)
    await say(core, caller, [step.failed_prompt], lang, interruptible=False)
    return KeypadResult(KeyExit.FAILED, f"{label}:{KeyExit.FAILED}")


async def _verify(core: CallController, step: Verify, caller: OutsideLeg, record: CallLog,
                  lang: str) -> KeypadResult:
    label = f"verify {step.id}"
    for attempt in range(1, step.tries + 1):
        if not await say(core, caller, [step.prompt], lang):
            return KeypadResult(ABANDONED, label)
        digits = await collect(core, caller, step.timeout_s, step.max_digits)
        if isinstance(digits, _Gone):
            return KeypadResult(ABANDONED, label)
        if len(digits) >= step.min_digits:
            exit = await _check(step, caller, record, digits)
            if caller.ended.done():
                return KeypadResult(ABANDONED, label)
            if exit is not None:
                log.info("%s: verify %s: %s", caller.name, step.id, exit)
                return KeypadResult(exit, f"{label}:{exit}")
        log.info("%s: verify %s: not verified (try %d of %d)", caller.name, step.id, attempt,
                 step.tries)
        if not await say(core, caller, [step.wrong_prompt], lang):
            return KeypadResult(ABANDONED, label)
    await say(core, caller, [step.failed_prompt], lang, interruptible=False)
    return KeypadResult(KeyExit.FAILED, f"{label}:{KeyExit.FAILED}")


async def _check(step: Verify, caller: OutsideLeg, record: CallLog, digits: str) -> str | None:
    """The exit the digits earn, or None (wrong: ask again)."""
    if digits in step.numbers:
        return KeyExit.OK
    if step.hook is None:
        return None
    payload: dict[str, Any] = {"caller": caller.number, "line": caller.name,
                               "digits": digits, "call_id": record.id}
    answer = await ask_hook(step.hook, payload)
    if answer.down:
        log.warning("%s: verify %s: the hook is down (%s): %s", caller.name, step.id,
                    answer.why, step.hook.when_down)
        return step.hook.when_down
    if answer.exit is not None:
        if answer.exit in step.exit_names():
            return answer.exit
        log.warning("%s: verify %s: the hook chose exit %r, which the step does not have",
                    caller.name, step.id, answer.exit)
    return KeyExit.OK if answer.ok else None

