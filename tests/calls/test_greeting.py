"""The greeting step in the call core (calls/greeting.py): answered, played in the
prompts' language, skipped by a key into a menu, per schedule state (ivr_rig.py)."""

from __future__ import annotations

import asyncio
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from firmware.calls import ivr
from tests.calls.ivr_rig import FRONT_DOOR, IvrRig, front_door
from tests.calls.rig import DAYS, until

HELLO = {"id": "hello", "do": "greeting", "on": {"next": "main"}}
PROMPTS = {"language": "en", "greeting_open": "hello_open", "greeting_closed": "hello_closed",
           "greeting_holiday": "hello_holiday"}
SH = ZoneInfo("Asia/Shanghai")


@pytest.fixture(autouse=True)
def _quick_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ivr, "INTER_DIGIT_S", 0.3)
    monkeypatch.setattr(ivr, "ENTRY_DIGIT_S", 0.3)


def _run(scenario) -> None:
    asyncio.run(asyncio.wait_for(scenario(), 60))


def test_the_greeting_answers_and_a_key_during_it_is_the_menu_choice(tmp_path: Path) -> None:
    async def scenario() -> None:
        rig = IvrRig(tmp_path, front_door([HELLO, *FRONT_DOOR], prompts=PROMPTS))
        rig.audio.keys_during["hello_open"] = ["1"]
        caller = rig.ring_in()
        desk = await rig.answer_desk("fxs1")  # sales: 802
        assert caller.answered, "the greeting answered the caller's line"
        assert rig.audio.plays[0][1:] == (("hello_open",), "en", True), "skippable: a menu follows"
        assert rig.audio.prompts() == ["hello_open"], "the menu's prompt skipped: key typed ahead"
        await rig.hang_up_desk(desk)
        assert rig.calls()[-1]["route"] == ("route front door > greeting hello:open > "
                                            "menu main:1 > sales")
        rig.close()

    _run(scenario)


def test_without_a_key_the_menu_follows_the_greeting(tmp_path: Path) -> None:
    async def scenario() -> None:
        rig = IvrRig(tmp_path, front_door([HELLO, *FRONT_DOOR], prompts=PROMPTS))
        rig.audio.keys_during["main_menu"] = ["0"]
        rig.ring_in()
        desk = await rig.answer_desk("fxs0")
        assert rig.audio.prompts() == ["hello_open", "main_menu"]
        await rig.hang_up_desk(desk)
        rig.close()

    _run(scenario)


def test_a_greeting_before_a_pin_cannot_be_skipped_and_drops_keys(tmp_path: Path) -> None:
    steps = [{"id": "hello", "do": "greeting"},
             {"id": "check", "do": "pin", "pin": {"pins": ["4321"], "tries": 1, "timeout_s": 1},
              "on": {"ok": "sales"}},
             {"id": "sales", "do": "ring_group:sales"},
             {"id": "reception", "do": "ring_group:reception"}]

    async def scenario() -> None:
        rig = IvrRig(tmp_path, front_door(steps, prompts=PROMPTS))
        rig.audio.keys_during["hello_open"] = ["9"]
        rig.audio.keys_during["pin_enter"] = ["4321#"]
        rig.ring_in()
        desk = await rig.answer_desk("fxs1")
        assert rig.audio.plays[0][1:] == (("hello_open",), "en", False)
        assert rig.audio.prompts()[:2] == ["hello_open", "pin_enter"], "the PIN prompt still plays"
        await rig.hang_up_desk(desk)
        assert "greeting hello:open > pin check:ok > sales" in rig.calls()[-1]["route"]
        rig.close()

    _run(scenario)


@pytest.mark.parametrize(("schedule", "at", "heard"), [
    ({d: [] for d in DAYS}, datetime(2026, 11, 2, 10, 0, tzinfo=SH), "hello_closed"),
    ({d: ["00:00-24:00"] for d in DAYS}, datetime(2026, 10, 1, 10, 0, tzinfo=SH),
     "hello_holiday"),
])
def test_the_greeting_of_the_office_state_at_the_call(tmp_path: Path, schedule, at, heard
                                                       ) -> None:
    async def scenario() -> None:
        rig = IvrRig(tmp_path, front_door([HELLO, *FRONT_DOOR], prompts=PROMPTS,
                                          schedule=schedule))
        rig.clock.wall = at
        rig.audio.keys_during["main_menu"] = ["0"]
        rig.ring_in()
        desk = await rig.answer_desk("fxs0")
        assert rig.audio.prompts()[0] == heard
        await rig.hang_up_desk(desk)
        state = heard.removeprefix("hello_")
        assert f"greeting hello:{state}" in rig.calls()[-1]["route"]
        rig.close()

    _run(scenario)


def test_a_caller_who_hangs_up_in_the_greeting_is_abandoned_there(tmp_path: Path) -> None:
    async def scenario() -> None:
        rig = IvrRig(tmp_path, front_door([HELLO, *FRONT_DOOR], prompts=PROMPTS))
        played = rig.audio.play

        async def long_greeting(leg, names, lang="zh", **kw):  # plays until the leg ends
            if names == ["hello_open"]:
                rig.audio.plays.append((leg.name, tuple(names), lang, kw["interruptible"]))
                await leg.ended
                return "gone"
            return await played(leg, names, lang, **kw)

        rig.audio.play = long_greeting
        rig.ring_in()
        await until(lambda: rig.audio.plays, "the greeting plays")
        rig.gsm["gsm0"].end("normal", 16)  # the caller hangs up
        rec = await rig.ended()
        assert rec["result"] == "abandoned"
        assert rec["route"] == "route front door > greeting hello"
        assert "in greeting hello" in rec["cause"]
        rig.close()

    _run(scenario)
