"""The voicemail and "SMS to the caller" plan steps in the call core (calls/voicemail.py),
on fake lines and a prompt-recording audio (ivr_rig.py) whose `listen` feeds the
recorder the caller's frames: a tone, silence, then `#` or a hang-up."""

from __future__ import annotations

import asyncio
import itertools
import math
import struct
import wave
from pathlib import Path
from typing import Any

from firmware.voicemail import VoicemailStore
from tests.calls.ivr_rig import IvrRig, PromptAudio, front_door
from tests.calls.rig import until

RATE = 8000


def tone_frame(hz: float, start: int, level: int = 8000) -> bytes:
    return struct.pack("<160h", *(round(level * math.sin(2 * math.pi * hz * (start + i) / RATE))
                                  for i in range(160)))


SILENT = bytes(320)


class CallerAudio(PromptAudio):
    """The caller says `script` once the recording listens: (frames, "tone"/"silence"),
    then keys `then` ("#"), hangs up ("hangup") or waits ("")."""

    def __init__(self, script: list[tuple[int, str]], then: str = "#"):
        super().__init__()
        self.script, self.then = script, then
        self.has_prompts: set[str] = set()
        self.prompts_lib = self
        self.listened = False

    def has(self, name: str, lang: str) -> bool:
        return name in self.has_prompts or not name.startswith("vm_")

    @property
    def prompts(self) -> Any:  # type: ignore[override]
        return self

    def played(self) -> list[str]:
        return [n for _leg, names, _lang, _i in self.plays for n in names]

    def listen(self, leg: Any, sink: Any) -> bool:
        self.listened = True
        asyncio.get_running_loop().create_task(self._speak(leg, sink))
        return True

    def unlisten(self, leg: Any) -> None:
        pass

    async def _speak(self, leg: Any, sink: Any) -> None:
        n = 0
        for count, kind in self.script:
            for _ in range(count):
                sink.feed(tone_frame(1000, n * 160) if kind == "tone" else SILENT, 0.0)
                n += 1
                if n % 25 == 0:
                    await asyncio.sleep(0.01)
        await asyncio.sleep(0.3)
        if self.then == "#":
            self.press(leg.name, "#")
        elif self.then == "hangup":
            leg.line.end("normal")


class FakeNotifier:
    def __init__(self, config_fn: Any):
        self.config_fn = config_fn
        self.voicemails: list[tuple[dict, str]] = []
        self.sms: list[str] = []
        self.texts: list[str | None] = []
        self.storage: list[tuple[int, int]] = []

    def voicemail(self, meta: dict, wav_path: Any) -> None:
        self.voicemails.append((meta, str(wav_path)))

    def voicemail_storage(self, deleted: int, limit_mb: int) -> None:
        self.storage.append((deleted, limit_mb))

    def caller_sms(self, number: str, text: str | None = None) -> bool:
        self.sms.append(number)
        self.texts.append(text)
        return True


def _rig(tmp: Path, step: dict, audio: CallerAudio, **changes: Any) -> IvrRig:
    rig = IvrRig(tmp, front_door([step], **changes))
    rig.core.audio = rig.audio = audio
    audio.core = rig.core
    rig.core.voicemail_store = VoicemailStore(tmp / "vm")
    rig.core.notifier = FakeNotifier(rig.core.config)
    return rig


def _run(scenario: Any) -> None:
    asyncio.run(asyncio.wait_for(scenario(), 60))


VM = {"id": "vm", "do": "voicemail", "voicemail": {"box": "801", "silence_s": 2}}


def _dominant_hz(path: str) -> float:
    with wave.open(path) as w:
        assert (w.getframerate(), w.getnchannels(), w.getsampwidth()) == (8000, 1, 2)
        samples = struct.unpack(f"<{w.getnframes()}h", w.readframes(w.getnframes()))
    crossings = sum(1 for a, b in itertools.pairwise(samples) if a < 0 <= b)
    return crossings / (len(samples) / RATE)


def test_a_message_is_recorded_stored_notified_and_the_call_recorded(tmp_path: Path) -> None:
    async def scenario() -> None:
        audio = CallerAudio([(150, "tone")], then="#")  # 3 s of 1 kHz, then #
        rig = _rig(tmp_path, VM, audio)
        caller = rig.ring_in()
        await until(lambda: not rig.core.calls, "the call ends")
        assert caller.answered
        assert audio.played() == ["voicemail_intro", "voicemail_saved", "goodbye"]
        [message] = rig.core.voicemail_store.list()
        assert message.box == "801" and message.caller == "+8613588888888"
        assert 2.8 <= message.duration_s <= 3.6
        assert not message.heard
        assert Path(message.file).name == f"{message.id}.wav"
        assert Path(message.file).parent == tmp_path / "vm" / "801"
        assert 980 <= _dominant_hz(message.file) <= 1020
        [(meta, wav)] = rig.core.notifier.voicemails
        assert meta["id"] == message.id and wav == message.file
        rec = rig.calls()[-1]
        assert rec["result"] == "voicemail"
        assert rec["route"].endswith("vm")
        rig.close()

    _run(scenario)


def test_silence_ends_the_message_and_is_cut_off(tmp_path: Path) -> None:
    async def scenario() -> None:
        audio = CallerAudio([(75, "tone"), (400, "silence")], then="")
        rig = _rig(tmp_path, VM, audio)
        rig.ring_in()
        await until(lambda: not rig.core.calls, "the call ends")
        [message] = rig.core.voicemail_store.list()
        assert 1.4 <= message.duration_s <= 2.2, "the trailing silence is not kept"
        assert rig.calls()[-1]["result"] == "voicemail"
        rig.close()

    _run(scenario)


def test_a_caller_who_says_nothing_leaves_no_message(tmp_path: Path) -> None:
    async def scenario() -> None:
        audio = CallerAudio([(20, "tone"), (50, "silence")], then="hangup")
        rig = _rig(tmp_path, VM, audio)
        rig.ring_in()
        await until(lambda: not rig.core.calls, "the call ends")
        assert rig.core.voicemail_store.list() == []
        assert not list((tmp_path / "vm" / "801").glob("*")), "no file is left behind"
        assert not rig.core.notifier.voicemails
        rec = rig.calls()[-1]
        assert rec["result"] == "missed"
        rig.close()

    _run(scenario)


def test_the_box_own_greeting_plays_when_recorded(tmp_path: Path) -> None:
    async def scenario() -> None:
        audio = CallerAudio([(100, "tone")], then="#")
        audio.has_prompts.add("vm_801")
        rig = _rig(tmp_path, VM, audio)
        rig.ring_in()
        await until(lambda: not rig.core.calls, "the call ends")
        assert audio.played()[0] == "vm_801"
        rig.close()

    _run(scenario)


def test_the_storage_limit_deletes_the_oldest_and_warns(tmp_path: Path) -> None:
    async def scenario() -> None:
        audio = CallerAudio([(100, "tone")], then="#")
        rig = _rig(tmp_path, VM, audio, voicemail={"storage_limit_mb": 10})
        store = rig.core.voicemail_store
        ident, part = store.new_path("801")
        part.write_bytes(b"\0" * (10 * 1024 * 1024))  # an old 10 MB message
        store.add(ident, "801", part, caller="", region="", at_ts=1.0, duration_s=600)
        rig.ring_in()
        await until(lambda: not rig.core.calls, "the call ends")
        [message] = store.list()
        assert message.id != ident
        assert store.warning()["deleted"] == 1
        assert store.warning()["unheard"] == 1, "nobody had heard it: the dashboard warns"
        assert rig.core.notifier.storage == [(1, 10)], "the owner is told"
        rig.close()

    _run(scenario)


def test_nobody_available_sms_to_the_caller_then_goodbye(tmp_path: Path) -> None:
    async def scenario() -> None:
        audio = CallerAudio([])
        rig = _rig(tmp_path, {"id": "sms", "do": "sms_caller"}, audio)
        caller = rig.ring_in()
        await until(lambda: not rig.core.calls, "the call ends")
        assert rig.core.notifier.sms == ["+8613588888888"]
        assert rig.core.notifier.texts == [None], "the owner's notifications text"
        assert caller.answered and audio.played() == ["unavailable", "goodbye"]
        rec = rig.calls()[-1]
        assert rec["result"] == "missed"
        assert "SMS" in rec["cause"]
        rig.close()

    _run(scenario)


def test_an_sms_step_with_its_own_text_and_prompt(tmp_path: Path) -> None:
    async def scenario() -> None:
        audio = CallerAudio([])
        step = {"id": "sms", "do": "sms_caller",
                "sms_caller": {"text": "销售部稍后回电。", "prompt": "closed"}}
        rig = _rig(tmp_path, step, audio)
        caller = rig.ring_in()
        await until(lambda: not rig.core.calls, "the call ends")
        assert rig.core.notifier.texts == ["销售部稍后回电。"]
        assert caller.answered and audio.played() == ["closed", "goodbye"]
        rig.close()

    _run(scenario)
