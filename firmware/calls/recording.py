"""Recording a call (T6): the call core's side, one recorder per call that follows its legs.

    recorder = await begin_recording(core, a, b, record)   # None: not under a rule
    core.audio.talk(a, b)
    if recorder: recorder.follow(a, b)                      # who is heard in the file
    ...                                                     # the call goes on
    if recorder: recorder.stop()                            # the rest in the background

`begin_recording` asks the config's `recording.rules` (firmware/recordings/rules.py)
with what the call record knows once two parties talk: the direction, the inbound
route (`record.route_name`), the ring groups and agent of the answering leg, and the
extension that dialled. Under a rule, the parties first hear the announcement when the
owner turned it on (the prompt `recording.announcement`, "this call may be recorded"),
then the media engine's recorder (firmware/media/recorder.py) mixes both into one
stream and the box's `RecordingKeeper` (core.recordings; firmware/recordings/keeper.py)
writes it, and after the call encodes it and applies the limits.

Transfers and three-way calls: the recorder belongs to the call, not to a pair of
legs. `recorder_of(core, leg)` finds the recorder that hears `leg`; after the call's
audio is connected anew (a blind transfer's new agent, an attended transfer's swap, a
third party), call `recorder.follow(*legs_talking_now)`: it records exactly those legs
from then on (a leg that left is no longer heard). A leg whose slot is attached again
(`Audio.listen` adding a DTMF tap) is heard again by itself: Audio's `on_attach` hook
tells the recorders. Call `recorder.stop()` once, when the call (not a leg) ends.

Nothing here may break or delay a call's audio: every failure is logged and the call
goes on unrecorded (the bridge full: `RecordingKeeper.refused` counts it).
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any

from firmware.calls.legs import DeskLeg, Leg
from firmware.recordings.rules import CallFacts, matching_rule

if TYPE_CHECKING:
    from firmware.calls.controller import CallController
    from firmware.calls.record import CallLog

log = logging.getLogger("switchboard.calls")

ANNOUNCE_TIMEOUT_S = 15.0


class CallRecorder:
    """One call's recording: the engine's recorder and the slots it hears."""

    def __init__(self, core: CallController, recorder: Any, recording: Any, rule: str):
        self.core = core
        self.recorder = recorder
        self.recording = recording  # firmware.recordings.store.Recording (its row at start)
        self.rule = rule
        self._heard: dict[str, Any] = {}  # leg name -> the slot it is heard through
        self._legs: tuple[Leg, ...] = ()  # the legs to hear (those followed last)
        self.stopped = False

    @property
    def legs(self) -> set[str]:
        return {leg.name for leg in self._legs}

    def reattached(self, leg: Leg) -> None:
        """`leg`'s slot was attached anew (the bridge's Audio says so): hear the new one."""
        if any(mine is leg for mine in self._legs):
            self.follow(*self._legs)

    def follow(self, *legs: Leg) -> None:
        """Record exactly `legs` from now on (those with audio)."""
        if self.stopped:
            return
        self._legs = legs
        media = self.core.media
        wanted = {leg.name: leg.slot for leg in legs if leg.slot is not None}
        try:
            for name, slot in list(self._heard.items()):
                if wanted.get(name) is not slot:
                    media.stop_record_from(self.recorder, slot)
                    del self._heard[name]
            for name, slot in wanted.items():
                media.record_from(self.recorder, slot)
                self._heard[name] = slot
        except Exception:
            log.exception("recording %s: following %s failed", self.recording.id,
                          [leg.name for leg in legs])

    def stop(self) -> None:
        """The call is over: out of the bridge now; the file is finished in the background."""
        if self.stopped:
            return
        self.stopped = True
        _book(self.core).pop(self.recording.id, None)
        try:
            self.core.media.stop_recorder(self.recorder)
        except Exception:
            log.exception("recording %s: stopping the recorder failed", self.recording.id)
        self._heard.clear()
        keeper = getattr(self.core, "recordings", None)
        if keeper is not None:
            keeper.end(self.recording)


def recorder_of(core: CallController, leg: Leg) -> CallRecorder | None:
    """The recorder of the call `leg` is heard in, if that call is recorded."""
    return next((r for r in _book(core).values() if leg.name in r.legs), None)


def recorded_legs(core: Any) -> set[str]:
    """The names of the legs heard in a recording now (the dashboard marks their calls)."""
    book = getattr(core, "_call_recorders", None) or {}
    return {name for recorder in list(book.values()) for name in recorder.legs}


def _book(core: Any) -> dict[str, CallRecorder]:
    book = getattr(core, "_call_recorders", None)
    if book is None:
        book = {}
        core._call_recorders = book
        audio = getattr(core, "audio", None)
        if audio is not None:  # a leg attached again (a DTMF tap added) stays recorded
            audio.on_attach = lambda leg: _reattached(book, leg)
    return book


def _reattached(book: dict[str, CallRecorder], leg: Leg) -> None:
    for recorder in list(book.values()):
        recorder.reattached(leg)


def call_facts(record: CallLog, a: Leg, b: Leg) -> CallFacts:
    """What the recording rules match on, from the call record and its two legs."""
    who = getattr(record, "answered_who", None)
    agents = [record.agent_id, *(leg.number for leg in (a, b)
                                 if isinstance(leg, DeskLeg) and leg.number)]
    return CallFacts(direction=record.direction, route=getattr(record, "route_name", ""),
                     groups=tuple(who.groups) if who is not None else (),
                     agents=tuple(dict.fromkeys(x for x in agents if x)))


async def begin_recording(core: CallController, a: Leg, b: Leg, record: CallLog
                          ) -> CallRecorder | None:
    """Start recording the call between `a` and `b` if a rule says so (after the
    announcement, when on); None when it is not recorded."""
    keeper = getattr(core, "recordings", None)
    if keeper is None:
        return None
    try:
        section = core.config().recording
        rule = matching_rule(section.rules, call_facts(record, a, b))
    except Exception:
        log.exception("recording rules failed for %s <-> %s", a, b)
        return None
    if rule is None:
        return None
    if section.announce:
        await _announce(core, a, b, section.announcement)
    return _start(core, keeper, record, rule)


def _start(core: CallController, keeper: Any, record: CallLog, rule: str
           ) -> CallRecorder | None:
    try:
        name = f"call-{record.id or id(record)}"
        recorder = core.media.start_recorder(name)
    except Exception as exc:  # RecorderRefused: the bridge is full; the call goes on
        keeper.refused += 1
        log.warning("call %s is not recorded: %s", record.id, exc)
        return None
    try:
        recording = keeper.begin(record.id or "", recorder.drain, caller=record.caller or "",
                                 rule=rule)
    except Exception:
        log.exception("call %s is not recorded: the recording store failed", record.id)
        core.media.stop_recorder(recorder)
        return None
    log.info("call %s: recording %s (rule %s)", record.id, recording.id, rule)
    found = CallRecorder(core, recorder, recording, rule)
    _book(core)[recording.id] = found
    return found


async def _announce(core: CallController, a: Leg, b: Leg, prompt: str) -> None:
    """Both parties hear "this call may be recorded" before they are connected."""
    from firmware.calls.ivr import prompt_language

    lang = prompt_language(core)
    plays = [asyncio.ensure_future(core.audio.play(leg, [prompt], lang)) for leg in (a, b)]
    both = asyncio.gather(*plays, return_exceptions=True)
    try:
        await asyncio.wait({both, a.ended, b.ended}, timeout=ANNOUNCE_TIMEOUT_S,
                           return_when=asyncio.FIRST_COMPLETED)
    finally:
        for play in plays:
            play.cancel()
        await asyncio.gather(*plays, return_exceptions=True)
