"""Carrying out the steps that end a plan when nobody is available (Q3, Q5).

`run_end_step` runs a `Voicemail` or `CallerSms` step (routing/voicemail_steps.py);
calls/inbound.py hands them over and the call is over when it returns.

Voicemail: the box answers the caller's line (calls/ivr.py, as for keypad steps),
plays the box's greeting (the step's prompt, else the owner's `vm_<box>`, else the
default "leave a message after the tone") and a beep, then records what the caller
says (only the caller's direction: a sink on the line's uplink tap, bridge.py
`Audio.listen`; voicemail/recorder.py writes it in chunks from the event loop). The
message ends with `#`, after `silence_s` of silence, at `max_s`, or when the caller
hangs up. A message with less than a second of sound is dropped (the call is recorded
"missed", cause "no message left"); otherwise it is stored (voicemail/store.py), the
owner is told (firmware/notify `notify_voicemail`: e-mail with the WAV, SMS), the
oldest messages beyond the storage limit are deleted (the owner is warned), and the
call record's result is "voicemail". A caller still there hears "saved" and goodbye.

CallerSms: the owner's "nobody available" text goes by SMS to the caller's mobile
(`nobody_available_sms`); the box answers, says so and goodbye, and hangs up. The
record's result is "missed" (cause "nobody available: SMS to the caller").
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import TYPE_CHECKING, Any

from firmware.calls import ivr
from firmware.calls.record import caller_gone
from firmware.notify import nobody_available_sms, notify_voicemail, notify_voicemail_storage
from firmware.routing.voicemail_steps import CallerSms, EndStep, Voicemail
from firmware.voicemail.recorder import MIN_SOUND_S, FrameSink, MessageWriter
from firmware.voicemail.store import VoicemailStore

if TYPE_CHECKING:
    from firmware.calls.controller import CallController
    from firmware.calls.legs import OutsideLeg
    from firmware.calls.record import CallLog

log = logging.getLogger("switchboard.calls")

CHUNK_S = 0.25  # how often the recording is written to the file
HASH_TRIM_S = 0.3  # the `#` that ends a message is not part of it
BEEP_S = 0.6
NO_MESSAGE = "no message left"


async def run_end_step(core: CallController, step: EndStep, caller: OutsideLeg,
                       record: CallLog) -> None:
    core.note_step(caller, f"{step.kind} {step.id}")
    try:
        if isinstance(step, CallerSms):
            await _sms_caller(core, step, caller, record)
        else:
            assert isinstance(step, Voicemail), step
            await _voicemail(core, step, caller, record)
    finally:
        core.note_step(caller, "")


def voicemail_store(core: Any) -> VoicemailStore | None:
    """The box's message store (box.py sets `core.voicemail_store`)."""
    return getattr(core, "voicemail_store", None)


async def _sms_caller(core: CallController, step: CallerSms, caller: OutsideLeg,
                      record: CallLog) -> None:
    sent = nobody_available_sms(core, caller.number, step.text)
    log.info("%s: nobody available: %s", caller.name,
             "an SMS to the caller" if sent else "no SMS (not a mobile, or withheld)")
    if await ivr._answer(core, caller):
        lang = ivr.prompt_language(core)
        await ivr.say(core, caller, [step.prompt, "goodbye"], lang, interruptible=False)
        await core.release(caller, "normal")
    cause = "nobody available: SMS to the caller" if sent else "nobody available"
    await record.finish("missed", cause=cause)


async def _voicemail(core: CallController, step: Voicemail, caller: OutsideLeg,
                     record: CallLog) -> None:
    store = voicemail_store(core)
    if store is None or not await ivr._answer(core, caller):
        if store is None:
            log.warning("%s: voicemail for %s: no message store", caller.name, step.box)
        await _gone_or(core, caller, record, "no voicemail storage")
        return
    lang = ivr.prompt_language(core)
    greeting = _greeting(core, step, lang)
    if not await ivr.say(core, caller, [greeting], lang, interruptible=True) or \
            not await _beep(core, caller):
        await _gone_or(core, caller, record, "hung up before the tone")
        return
    ident, path = store.new_path(step.box)
    writer = MessageWriter(path)
    at_ts = core.clock.now().timestamp()
    how = await _record(core, step, caller, writer)
    duration = writer.close()
    if writer.sound_s < MIN_SOUND_S:
        writer.discard()
        log.info("%s: voicemail for %s: no message left (%s)", caller.name, step.box, how)
        await _gone_or(core, caller, record, NO_MESSAGE)
        return
    region = record.region.region_text if record.region else ""
    message = store.add(ident, step.box, path, caller=caller.number or "", region=region,
                        at_ts=at_ts, duration_s=duration, line=caller.name)
    log.info("%s: voicemail %s for %s: %.1f s (%s)", caller.name, ident, step.box,
             duration, how)
    _after_saving(core, store, message)
    if not caller.ended.done():
        await ivr.say(core, caller, ["voicemail_saved", "goodbye"], lang, interruptible=False)
        await core.release(caller, "normal")
    await record.finish("voicemail", cause=f"message {ident} for {step.box}")


def _greeting(core: CallController, step: Voicemail, lang: str) -> str:
    prompts = getattr(core.audio, "prompts", None)
    has = getattr(prompts, "has", None)
    for name in step.greetings:
        if has is None or has(name, lang):
            return name
    return step.greetings[-1]


async def _beep(core: CallController, caller: OutsideLeg) -> bool:
    """The tone after which the caller speaks; False when the caller is gone."""
    play_pcm = getattr(getattr(core.audio, "media", None), "play_pcm", None)
    if play_pcm is not None and caller.slot is not None:
        from firmware.prompts.library import BEEP

        with contextlib.suppress(Exception):
            done = play_pcm(caller.slot, BEEP[: int(8000 * 2 * BEEP_S)])
            await asyncio.wait({done, caller.ended}, timeout=BEEP_S + 1.0,
                               return_when=asyncio.FIRST_COMPLETED)
    return not caller.ended.done()


async def _record(core: CallController, step: Voicemail, caller: OutsideLeg,
                  writer: MessageWriter) -> str:
    """Record until `#`, silence, the maximum, or the caller hangs up; how it ended."""
    sink = FrameSink()
    queue = core.digit_queue(caller.name)
    while not queue.empty():
        queue.get_nowait()  # keys typed during the greeting end nothing
    if not core.audio.listen(caller, sink):
        log.warning("%s: voicemail: the line has no audio to record", caller.name)
    log.info("%s: voicemail for %s: recording (at most %d s)", caller.name, step.box,
             step.max_s)
    loop = asyncio.get_running_loop()
    until = loop.time() + step.max_s
    how = "maximum length"
    try:
        while loop.time() < until:
            key = await ivr.next_key(core, caller, CHUNK_S)
            writer.take(sink)
            if isinstance(key, ivr._Gone):
                how = "caller hung up"
                break
            if key == "#":
                writer.trim_last(HASH_TRIM_S)
                how = "# pressed"
                break
            if step.silence_s and writer.silence_s >= step.silence_s:
                how = f"{step.silence_s} s of silence"
                break
    finally:
        core.audio.unlisten(caller)
        writer.take(sink)
    return how


def _after_saving(core: CallController, store: VoicemailStore, message: Any) -> None:
    """Tell the owner; keep the storage within its limit; light message waiting."""
    meta = {"id": message.id, "box": message.box, "caller": message.caller,
            "region": message.region, "at_ts": message.at_ts,
            "duration_s": message.duration_s}
    notify_voicemail(core, meta, message.file)
    config = core.config()
    section = getattr(config, "voicemail", None)
    if section is None:
        return
    gone = store.cleanup(section.limit_bytes)
    if gone:
        log.warning("voicemail storage over %d MB: deleted the %d oldest messages (%s)",
                    section.storage_limit_mb, len(gone), ", ".join(m.id for m in gone))
        store.note_cleanup(len(gone), section.storage_limit_mb,
                           unheard=sum(1 for m in gone if not m.heard))
        notify_voicemail_storage(core, len(gone), section.storage_limit_mb)


async def _gone_or(core: CallController, caller: OutsideLeg, record: CallLog, cause: str
                   ) -> None:
    """No message. A caller still there hears goodbye ("missed", `cause`); one who hung
    up after the tone is "missed", "no message left"; before it, as any caller who
    gave up ("abandoned")."""
    if not caller.ended.done():
        await ivr.say(core, caller, ["goodbye"], ivr.prompt_language(core), interruptible=False)
        await core.release(caller, "normal")
        await record.finish("missed", cause=cause)
        return
    result, gone_cause, why = caller_gone(caller)
    if cause == NO_MESSAGE:
        result, gone_cause = "missed", NO_MESSAGE
    await record.finish(result, cause=gone_cause, end_reason=why)
