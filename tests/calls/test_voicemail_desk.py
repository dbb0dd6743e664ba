"""Voicemail on a desk phone (calls/voicemail_listen.py): stutter dial tone while the
extension has unheard messages, and listening with the feature code and the box's PIN:
1 replays, 7 deletes, 9 keeps, # ends. Fake lines and a prompt-recording audio."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from firmware.calls.desk import desk_call
from firmware.calls.legs import DeskLeg
from firmware.routing import classify_dialed
from firmware.voicemail import VoicemailStore
from tests.calls.ivr_rig import IvrRig, PromptAudio, front_door
from tests.calls.rig import until


class DeskAudio(PromptAudio):
    def __init__(self) -> None:
        super().__init__()
        self.clips: list[str] = []
        self.keys_after_clip: list[str] = []

    async def play_clips(self, leg: Any, clips: list[Any], *, interruptible: bool = False,
                         loop: bool = False) -> str:
        self.clips.append(str(clips[0]))
        self.plays.append((leg.name, ("(message)",), "", interruptible))
        await asyncio.sleep(0)
        if self.keys_after_clip:
            self.press(leg.name, self.keys_after_clip.pop(0))
        return "gone" if leg.ended.done() else "finished"


def _leave(store: VoicemailStore, box: str, at: float) -> str:
    ident, part = store.new_path(box)
    part.write_bytes(b"RIFF")
    store.add(ident, box, part, caller="+8613588888888", region="", at_ts=at, duration_s=2)
    return ident


def _rig(tmp: Path, **changes: Any) -> tuple[IvrRig, DeskAudio, VoicemailStore]:
    rig = IvrRig(tmp, front_door([{"id": "r", "do": "ring_group:sales"}], **changes))
    audio = DeskAudio()
    rig.core.audio = rig.audio = audio
    audio.core = rig.core
    store = rig.core.voicemail_store = VoicemailStore(tmp / "vm")
    return rig, audio, store


def _lift(rig: IvrRig, port: str = "fxs0", number: str = "801") -> DeskLeg:
    desk = DeskLeg(rig.fxs[port], number, offhook=True)
    rig.fxs[port].state = "offhook"
    rig.core.owners[port] = desk
    rig.core.spawn(f"desk call from {port}", desk_call(rig.core, desk), desk)
    return desk


def _run(scenario: Any) -> None:
    asyncio.run(asyncio.wait_for(scenario(), 60))


def test_the_voicemail_code_is_a_feature_code_and_configurable(tmp_path: Path) -> None:
    config = front_door()
    assert classify_dialed("*97", config).feature == "voicemail"
    assert classify_dialed("*9", config).kind == "incomplete"
    config = front_door(voicemail={"feature_code": "*98"})
    assert classify_dialed("*98", config).feature == "voicemail"
    assert classify_dialed("*97", config).kind == "invalid"


def test_stutter_dial_tone_while_messages_wait(tmp_path: Path) -> None:
    async def scenario() -> None:
        rig, audio, store = _rig(tmp_path)
        ident = _leave(store, "801", 1.0)
        desk = _lift(rig)
        await until(lambda: audio.tones, "a tone")
        assert audio.tones[0] == ("fxs0", "stutter")
        desk.on_onhook()
        await until(lambda: not rig.core.calls, "hung up")
        store.mark_heard(ident)
        audio.tones.clear()
        desk = _lift(rig)
        await until(lambda: audio.tones, "a tone")
        assert audio.tones[0] == ("fxs0", "dial")
        desk.on_onhook()
        rig.close()

    _run(scenario)


def test_listen_with_the_pin_then_delete_keep_and_end(tmp_path: Path) -> None:
    async def scenario() -> None:
        rig, audio, store = _rig(tmp_path, voicemail={"boxes": [{"box": "801",
                                                                 "pin": "2468"}]})
        old = _leave(store, "801", 1.0)
        group = _leave(store, "reception", 2.0)  # 801 is reception's member
        heard = _leave(store, "801", 0.5)
        store.mark_heard(heard)
        audio.keys_during["pin_enter"] = ["2468#"]
        audio.keys_during["vm_message_menu"] = ["7", "9", "#"]
        desk = _lift(rig)
        audio.press("fxs0", "*97")
        await until(lambda: "goodbye" in audio.prompts(), "the listening ends")
        assert audio.prompts()[:4] == ["pin_enter", "vm_you_have", "n2", "vm_new_messages"]
        assert [Path(c).stem for c in audio.clips] == [old, group, heard]
        assert [m.id for m in store.list()] == [heard, group], "the first was deleted"
        assert all(m.heard for m in store.list())
        assert "vm_deleted" in audio.prompts()
        desk.on_onhook()
        rig.close()

    _run(scenario)


def test_a_wrong_pin_three_times_hears_goodbye_and_nothing(tmp_path: Path) -> None:
    async def scenario() -> None:
        rig, audio, store = _rig(tmp_path, voicemail={"boxes": [{"box": "801",
                                                                 "pin": "2468"}]})
        _leave(store, "801", 1.0)
        audio.keys_during["pin_enter"] = ["1111#", "2222#", "3333#"]
        desk = _lift(rig)
        audio.press("fxs0", "*97")
        await until(lambda: "goodbye" in audio.prompts(), "refused")
        assert audio.prompts().count("pin_wrong") == 3
        assert audio.clips == [] and not store.list()[0].heard
        desk.on_onhook()
        rig.close()

    _run(scenario)


def test_replay_with_1(tmp_path: Path) -> None:
    async def scenario() -> None:
        rig, audio, store = _rig(tmp_path)
        ident = _leave(store, "801", 1.0)
        audio.keys_during["vm_message_menu"] = ["1", "9"]
        desk = _lift(rig)
        audio.press("fxs0", "*97")
        await until(lambda: "goodbye" in audio.prompts(), "the listening ends")
        assert [Path(c).stem for c in audio.clips] == [ident, ident]
        assert audio.prompts()[-2:] == ["vm_no_more", "goodbye"]
        assert store.get(ident).heard
        desk.on_onhook()
        rig.close()

    _run(scenario)
