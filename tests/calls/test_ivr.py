"""Menus, PINs and verification as plan steps in the call core (calls/ivr.py), on fake
lines, a prompt-recording audio and the real records store (ivr_rig.py)."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import pytest

from firmware.calls import ivr
from tests.calls.ivr_rig import FRONT_DOOR, IvrRig, front_door
from tests.calls.rig import until


@pytest.fixture(autouse=True)
def _quick_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    """Shorter pauses between keys, so a test waits less for "no more keys"."""
    monkeypatch.setattr(ivr, "INTER_DIGIT_S", 0.3)
    monkeypatch.setattr(ivr, "ENTRY_DIGIT_S", 0.3)


def _run(scenario) -> None:
    asyncio.run(asyncio.wait_for(scenario(), 60))


def test_a_choice_rings_its_department_and_the_record_says_the_choice(tmp_path: Path) -> None:
    async def scenario() -> None:
        rig = IvrRig(tmp_path, front_door())
        rig.audio.keys_during["main_menu"] = ["1"]
        caller = rig.ring_in()
        desk = await rig.answer_desk("fxs1")  # sales: 802
        assert caller.answered, "the menu answered the caller's line"
        assert rig.audio.plays[0][1:] == (("main_menu",), "zh", True)
        assert "gsm0" in rig.audio.detecting, "the caller's audio is tapped for DTMF"
        assert ("gsm0", "ringback") in rig.audio.tones, "the box plays ringback now"
        await rig.hang_up_desk(desk)
        rec = rig.calls()[-1]
        assert rec["result"] == "answered"
        assert rec["route"] == "route front door > menu main:1 > sales"
        rig.close()

    _run(scenario)


def test_nested_menu_and_a_repeat_choice(tmp_path: Path) -> None:
    async def scenario() -> None:
        rig = IvrRig(tmp_path, front_door())
        rig.audio.keys_during["main_menu"] = ["2", "0"]
        rig.audio.keys_during["support_menu"] = ["9"]  # back to the main menu
        rig.ring_in()
        desk = await rig.answer_desk("fxs0")  # reception: 801
        await rig.hang_up_desk(desk)
        rec = rig.calls()[-1]
        assert rec["route"] == ("route front door > menu main:2 > menu support:9 > "
                                "menu main:0 > reception")
        assert rig.audio.prompts() == ["main_menu", "support_menu", "main_menu"]
        rig.close()

    _run(scenario)


def test_no_key_replays_the_menu_then_leaves_by_timeout(tmp_path: Path) -> None:
    async def scenario() -> None:
        rig = IvrRig(tmp_path, front_door())
        rig.ring_in()
        desk = await rig.answer_desk("fxs0")
        # "we did not receive your choice" before each replay, not after the last play
        assert rig.audio.prompts() == ["main_menu", "menu_timeout", "main_menu"]
        await rig.hang_up_desk(desk)
        assert rig.calls()[-1]["route"] == "route front door > menu main:timeout > reception"
        rig.close()

    _run(scenario)


def test_an_invalid_key_says_so_and_asks_again(tmp_path: Path) -> None:
    async def scenario() -> None:
        rig = IvrRig(tmp_path, front_door())
        rig.audio.keys_during["main_menu"] = ["7", "1"]
        rig.ring_in()
        desk = await rig.answer_desk("fxs1")
        assert rig.audio.prompts() == ["main_menu", "menu_invalid", "main_menu"]
        await rig.hang_up_desk(desk)
        assert rig.calls()[-1]["route"] == "route front door > menu main:1 > sales"
        rig.close()

    _run(scenario)


def test_invalid_keys_every_time_leave_by_invalid(tmp_path: Path) -> None:
    async def scenario() -> None:
        rig = IvrRig(tmp_path, front_door())
        rig.audio.keys_during["main_menu"] = ["7", "*"]
        rig.ring_in()
        desk = await rig.answer_desk("fxs0")
        await rig.hang_up_desk(desk)
        assert rig.calls()[-1]["route"] == "route front door > menu main:invalid > reception"
        rig.close()

    _run(scenario)


def test_an_extension_keyed_in_the_menu_rings_it(tmp_path: Path) -> None:
    async def scenario() -> None:
        rig = IvrRig(tmp_path, front_door())
        rig.audio.keys_during["main_menu"] = ["803"]
        rig.ring_in()
        desk = await rig.answer_desk("fxs2")  # 803
        await rig.hang_up_desk(desk)
        rec = rig.calls()[-1]
        assert rec["route"] == "route front door > menu main:803"
        assert rec["answered_by"] == "803"
        rig.close()

    _run(scenario)


def test_an_extension_keyed_that_does_not_answer_goes_on_by_no_answer(tmp_path: Path
                                                                       ) -> None:
    async def scenario() -> None:
        rig = IvrRig(tmp_path, front_door())
        rig.fxs["fxs3"].state = "offhook"  # 804 is busy
        rig.audio.keys_during["main_menu"] = ["804"]
        rig.ring_in()
        desk = await rig.answer_desk("fxs0")  # no_answer -> reception
        await rig.hang_up_desk(desk)
        rec = rig.calls()[-1]
        assert rec["route"] == "route front door > menu main:804 > reception"
        assert (rec["legs"][0]["target"], rec["legs"][0]["outcome"]) == ("804", "busy")
        rig.close()

    _run(scenario)


def test_the_right_pin_passes_and_is_never_logged(tmp_path: Path,
                                                  caplog: pytest.LogCaptureFixture) -> None:
    async def scenario() -> None:
        rig = IvrRig(tmp_path, front_door())
        rig.audio.twins = True  # every key heard in-band and reported: one digit each
        rig.audio.keys_during["main_menu"] = ["2"]
        rig.audio.keys_during["support_menu"] = ["1"]
        rig.audio.keys_during["pin_enter"] = ["4321#"]
        rig.ring_in()
        desk = await rig.answer_desk("fxs1")
        await rig.hang_up_desk(desk)
        rec = rig.calls()[-1]
        assert rec["route"] == ("route front door > menu main:2 > menu support:1 > "
                                "pin check:ok > sales")
        assert "4321" not in str(rec)
        rig.close()

    with caplog.at_level(logging.DEBUG):
        _run(scenario)
    assert "4321" not in caplog.text
    assert "DTMF *" in caplog.text


def test_a_wrong_pin_twice_ends_the_call_with_a_prompt(tmp_path: Path) -> None:
    async def scenario() -> None:
        rig = IvrRig(tmp_path, front_door())
        rig.audio.keys_during["main_menu"] = ["2"]
        rig.audio.keys_during["support_menu"] = ["1"]
        rig.audio.keys_during["pin_enter"] = ["1111#", "2222#"]
        caller = rig.ring_in()
        rec = await rig.ended()
        assert rig.audio.prompts()[-5:] == ["pin_enter", "pin_wrong", "pin_enter",
                                            "pin_wrong", "goodbye"]
        assert rec["route"] == ("route front door > menu main:2 > menu support:1 > "
                                "pin check:failed > refused")
        assert rec["result"] == "blocked"
        assert caller.ended.done()
        assert not [leg for leg in rec["legs"]], "nobody rang"
        rig.close()

    _run(scenario)


def test_a_caller_with_an_own_pin_must_key_that_one(tmp_path: Path) -> None:
    steps = [{"id": "check", "do": "pin", "pin": {
                  "pins": ["1111"], "tries": 1, "timeout_s": 1,
                  "callers": [{"caller": "13588888888", "pin": "2468"}]},
              "on": {"ok": "sales"}},
             {"id": "sales", "do": "ring_group:sales"}]

    async def scenario() -> None:
        rig = IvrRig(tmp_path, front_door(steps))
        rig.audio.keys_during["pin_enter"] = ["1111#"]  # the step's PIN: not this caller's
        rig.ring_in()
        rec = await rig.ended()
        assert rec["route"] == "route front door > pin check:failed > refused"
        rig.audio.keys_during["pin_enter"] = ["2468#"]
        rig.ring_in()
        desk = await rig.answer_desk("fxs1")
        await rig.hang_up_desk(desk)
        assert rig.calls()[-1]["route"] == "route front door > pin check:ok > sales"
        rig.close()

    _run(scenario)


def test_a_caller_who_hangs_up_in_a_menu_is_abandoned_there(tmp_path: Path) -> None:
    async def scenario() -> None:
        rig = IvrRig(tmp_path, front_door())
        rig.ring_in()
        await until(lambda: rig.audio.plays, "the menu plays")
        rig.gsm["gsm0"].end("normal", 16)  # the caller hangs up
        rec = await rig.ended()
        assert rec["result"] == "abandoned"
        assert rec["route"] == "route front door > menu main"
        assert "in menu main" in rec["cause"]
        rig.close()

    _run(scenario)


def test_a_plan_without_keypad_steps_still_rings_before_answering(tmp_path: Path) -> None:
    steps = [{"id": "sales", "do": "ring_group:sales"}]

    async def scenario() -> None:
        rig = IvrRig(tmp_path, front_door(steps))
        caller = rig.ring_in()
        await until(lambda: rig.ringing("fxs1"), "802 rings")
        assert not caller.answered, "the caller pays nothing while phones ring"
        assert not rig.audio.plays and not rig.audio.tones
        desk = await rig.answer_desk("fxs1")
        await rig.hang_up_desk(desk)
        rig.close()

    _run(scenario)


def test_keys_reported_and_heard_are_one_key_each(tmp_path: Path) -> None:
    async def scenario() -> None:
        rig = IvrRig(tmp_path, front_door())
        rig.audio.twins = True
        rig.audio.keys_during["main_menu"] = ["803"]
        rig.ring_in()
        desk = await rig.answer_desk("fxs2")
        await rig.hang_up_desk(desk)
        assert rig.calls()[-1]["answered_by"] == "803"
        rig.close()

    _run(scenario)


def test_front_door_config_is_the_one_the_tests_use() -> None:
    config = front_door()
    plan = config.plan("front")
    assert plan is not None and [s.id for s in plan.steps] == [s["id"] for s in FRONT_DOOR]


class _WithPrompts:
    """The config with a `prompts` section naming a ringback message (the prompts
    schema's `PromptsConfig`: language, ringback)."""

    class Prompts:
        language = "en"
        ringback = "ringback"

    prompts = Prompts()

    def __init__(self, config) -> None:
        self._config = config

    def __getattr__(self, name: str):
        return getattr(self._config, name)


def test_a_caller_the_menu_answered_hears_the_ringback_message_while_phones_ring(
        tmp_path: Path) -> None:
    async def scenario() -> None:
        rig = IvrRig(tmp_path, front_door())
        rig.config = _WithPrompts(rig.config)
        rig.audio.keys_during["main_menu"] = ["1"]
        rig.ring_in()
        await until(lambda: rig.ringing("fxs1"), "802 rings")
        assert rig.audio.looping == ["ringback"]
        assert rig.audio.plays[0][2] == "en", "the prompts' language"
        desk = await rig.answer_desk("fxs1")
        assert rig.audio.looping == [], "the message stops when someone answers"
        assert ("gsm0", "ringback") not in rig.audio.tones
        await rig.hang_up_desk(desk)
        rig.close()

    _run(scenario)


def test_a_prompt_that_cannot_play_leaves_the_keys_working(tmp_path: Path) -> None:
    async def scenario() -> None:
        rig = IvrRig(tmp_path, front_door())

        async def broken(leg, names, lang="zh", *, interruptible=False, loop=False):
            rig.audio.press(leg.name, "1")
            raise OSError("prompt file unreadable")

        rig.audio.play = broken
        rig.ring_in()
        desk = await rig.answer_desk("fxs1")
        await rig.hang_up_desk(desk)
        assert rig.calls()[-1]["route"] == "route front door > menu main:1 > sales"
        rig.close()

    _run(scenario)


def test_the_dashboard_sees_a_caller_in_the_menu(tmp_path: Path) -> None:
    async def scenario() -> None:
        rig = IvrRig(tmp_path, front_door())
        rig.ring_in()
        await until(lambda: rig.audio.plays, "the menu plays")
        live = rig.core.status()[0]
        assert (live["state"], live["step"]) == ("keypad", "menu main")
        desk = await rig.answer_desk("fxs0")  # no key: the reception
        live = rig.core.status()[0]
        assert (live["state"], live["step"]) == ("talking", "")
        await rig.hang_up_desk(desk)
        rig.close()

    _run(scenario)
