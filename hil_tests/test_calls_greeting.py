"""The greeting per schedule end to end (G1, open / closed / holiday): a box at a chosen
wall time (`--clock`) answers a GSM call with the greeting of the office's state, and
the caller hears that prompt, not another one: the emulator's `heard` finds speech, and
prompt_match finds the greeting's own WAV (the owner's prompt, spoken by espeak-ng) in
the call recording.

The office (calendar_office): open mon-fri 09:00-18:00; a plan greets, then offers a
menu (0: the reception's desk phone 801); a key during the greeting goes to the menu.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from hil_tests.boxrig import REPO
from hil_tests.calls_rig import CALLER, SIM, box_with, calendar_office, ringing, wait_record
from hil_tests.prompt_match import MATCH_SCORE, find_heard, find_prompt
from hil_tests.pstn.testing import wait_for

pytestmark = pytest.mark.no_web_page  # none of these tests opens the page

GREETINGS = {"hello_open": "您好，欢迎致电青木贸易，我们很高兴为您服务。",
             "hello_closed": "现在是下班时间，请在周一到周五的上班时间再来电，谢谢。",
             "hello_holiday": "国庆节假期期间暂停服务，祝您节日快乐。"}


def _office() -> dict:
    config = calendar_office(lines=1)
    config["prompts"] = {"language": "zh", "greeting_open": "hello_open",
                         "greeting_closed": "hello_closed",
                         "greeting_holiday": "hello_holiday"}
    config["plans"] = [{"name": "front", "steps": [
        {"id": "hello", "do": "greeting", "on": {"next": "main"}},
        {"id": "main", "do": "menu", "on": {"timeout": "reception"},
         "menu": {"prompt": "menu_timeout", "timeout_s": 8,
                  "choices": [{"digit": "0", "to": "reception"}]}},
        {"id": "reception", "do": "ring_group:desk"}]}]
    config["routes"] = [{"name": "front door", "to": "plan:front"}]
    return config


@pytest.fixture(scope="module")
def spoken(tmp_path_factory) -> Path:
    """The owner's greetings typed as text (`switchboard prompts speak`), spoken once for
    the module: a data dir's prompts/ that each test's box gets a copy of."""
    data = tmp_path_factory.mktemp("spoken")
    for name, text in GREETINGS.items():
        done = subprocess.run([sys.executable, "-m", "firmware.cli", "prompts", "speak", name,
                               text, "--lang", "zh", "--data", str(data)], cwd=REPO,
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
    return data / "prompts"


def _speak_greetings(data: Path, spoken: Path) -> None:
    data.mkdir(parents=True, exist_ok=True)
    shutil.copytree(spoken, data / "prompts")


@pytest.mark.parametrize(("clock", "state", "other"), [
    ("2026-10-12T10:00", "open", "closed"),  # a Monday in office hours
    ("2026-10-12T20:00", "closed", "open"),  # the same Monday after hours
    ("2026-10-01T10:00", "holiday", "open"),  # National Day, a Thursday: closed all day
])
def test_the_caller_hears_the_greeting_of_the_time_of_the_call(tmp_path, boxes, spoken, clock,
                                                                state, other):
    _speak_greetings(tmp_path / "data", spoken)
    box = box_with(tmp_path, _office(), "sim", "--clock", clock)
    boxes.append(box)
    emu = box.emulator
    call = emu.place_call(CALLER, SIM[0])
    wait_for(lambda: emu.call(call["id"])["state"] == "active", 20,
             what="the greeting answered the call")
    prompts = tmp_path / "data" / "prompts" / "zh"
    own = prompts / f"hello_{state}.wav"

    def greeting_heard():
        return find_heard(emu.call_recording(call["id"]), own)

    heard = wait_for(greeting_heard, 40, interval=0.5, what=f"the {state} greeting heard")
    wrong = prompts / f"hello_{other}.wav"
    longest = max(heard.duration_s, find_prompt(wrong.read_bytes(), wrong).duration_s)
    recording = wait_for(lambda: (r := emu.call_recording(call["id"])) and
                         r.duration_s > longest + 0.5 and r, 30, interval=0.5,
                         what="a recording longer than either greeting")
    assert find_prompt(recording, wrong).score < MATCH_SCORE, "not the other greeting"
    speech = emu.call_heard(call["id"])["speech"]
    assert any(abs(s["t_start"] - heard.t) < 0.5 for s in speech), (speech, heard)
    emu.send_to_call(call["id"], dtmf="0")  # the menu: the reception
    wait_for(lambda: ringing(emu, "fxs0"), 20, what="801 rings after the menu")
    emu.hangup(call["id"])
    rec = wait_record(box, route=f"route front door > greeting hello:{state} > menu main:0 > "
                                  "reception")
    assert rec["result"] != "answered"
    assert box.stop() == 0


def test_a_key_during_the_greeting_cuts_it_short_and_is_the_menus_choice(tmp_path, boxes,
                                                                        spoken):
    _speak_greetings(tmp_path / "data", spoken)
    box = box_with(tmp_path, _office(), "sim", "--clock", "2026-10-12T10:00")
    boxes.append(box)
    emu = box.emulator
    call = emu.place_call(CALLER, SIM[0])
    wait_for(lambda: emu.call(call["id"])["state"] == "active", 20, what="answered")
    wait_for(lambda: emu.call_heard(call["id"])["speech"], 20, interval=0.2,
             what="the greeting began")
    sent = emu.send_to_call(call["id"], dtmf="0")  # a second or so into a longer greeting
    wait_for(lambda: ringing(emu, "fxs0"), 10, what="801 rings: the key chose the reception")
    greeting = tmp_path / "data" / "prompts" / "zh" / "hello_open.wav"
    length = find_prompt(greeting.read_bytes(), greeting).duration_s
    speech = emu.call_heard(call["id"])["speech"]
    assert sent + 1.0 < speech[0]["t_start"] + length, "the key came well before its end"
    assert all(s["t_end"] < sent + 1.0 for s in speech), \
        ("the greeting stopped at the key", speech, sent, length)
    emu.hangup(call["id"])
    wait_record(box, route="route front door > greeting hello:open > menu main:0 > reception")
    assert box.stop() == 0
