"""Office hours follow China's calendar, with real calls: the box runs at a chosen wall
time (`switchboard run --board sim --clock ...`) on National Day 2026 (Thu 10-01 ..
Wed 10-07) and on the adjusted working Saturday 2026-10-10.

The office (`calendar_office`): open mon-fri 09:00-18:00, following the calendar
(the default); zhang on duty after hours, david on public holidays.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from hil_tests.boxrig import REPO
from hil_tests.calls_rig import CALLER, MOBILES, SIM, box_with, calendar_office, ringing
from hil_tests.pstn.testing import wait_for

pytestmark = pytest.mark.no_web_page  # none of these tests opens the page


def _unconditional(emu) -> dict:
    return emu.modem(emu.modems()[0]["id"])["forwarding"]["unconditional"]


def _forwarded_to(emu) -> str | None:
    fwd = _unconditional(emu)
    if not fwd["active"]:
        return None
    number = fwd["number"]
    return number if number.startswith("+") else f"+{number}"


def test_national_day_two_lines_ring_holiday_duty_not_the_desk_phones(tmp_path, boxes):
    box = box_with(tmp_path, calendar_office(lines=2), "sim-2gsm", "--clock",
                   "2026-10-01T10:00")
    boxes.append(box)
    emu = box.emulator
    emu.add_subscriber(MOBILES["david"], "answer", answer_after_s=0.5)
    call = emu.place_call(CALLER, SIM[0])
    wait_for(lambda: emu.call(call["id"])["state"] == "active", 20, what="caller connected")
    out = next(c for c in emu.calls() if c["direction"] == "from_box")
    assert out["to"] == MOBILES["david"]
    assert not any(p["ringing"] for p in emu.phones())  # closed for the holiday
    emu.hangup(call["id"])
    explained = box.switchboard("route", "explain", "--line", "gsm0", "--caller", CALLER,
                                "--lines", "2", "--json")  # no --at: the box's own clock
    assert explained.returncode == 0, explained.stderr
    doc = json.loads(explained.stdout)
    assert doc["at"].startswith("2026-10-01T10:")
    assert doc["targets"][0] == MOBILES["david"]
    assert any("public holiday (国庆节 National Day)" in r for r in doc["reasons"])
    assert box.stop() == 0


def test_an_adjusted_working_saturday_rings_the_desk_phones(tmp_path, boxes):
    box = box_with(tmp_path, calendar_office(lines=2), "sim-2gsm", "--clock",
                   "2026-10-10T10:00")
    boxes.append(box)
    emu = box.emulator
    emu.place_call(CALLER, SIM[0])
    wait_for(lambda: ringing(emu, "fxs0"), 15, what="the desk phone rings on a worked Saturday")
    assert not [c for c in emu.calls() if c["direction"] == "from_box"]
    assert box.stop() == 0


def test_one_line_box_forwards_to_holiday_duty_on_national_day(tmp_path, boxes):
    box = box_with(tmp_path, calendar_office(lines=1), "sim", "--clock", "2026-10-02T15:00")
    boxes.append(box)
    emu = box.emulator
    wait_for(lambda: _forwarded_to(emu) == MOBILES["david"], 20,
             what="AT+CCFC to holiday duty")
    state = wait_for(lambda: box.status()["forwarding"]["gsm0"]["enabled"]
                     and box.status()["forwarding"]["gsm0"], 10, what="status says so")
    assert "public holiday" in state["reason"] and "holiday duty" in state["reason"]
    assert box.status()["clock"].startswith("2026-10-02T15:")
    emu.add_subscriber(MOBILES["david"], "answer", answer_after_s=0.3)
    call = emu.place_call(CALLER, SIM[0])
    wait_for(lambda: emu.call(call["id"]).get("forwarded_to") == MOBILES["david"], 10,
             what="the network forwards the caller to holiday duty")
    assert box.stop() == 0


def test_one_line_box_switches_at_midnight_into_the_holiday(tmp_path, boxes):
    box = box_with(tmp_path, calendar_office(lines=1), "sim", "--clock",
                   "2026-09-30T23:59:52")
    boxes.append(box)
    emu = box.emulator
    # Wednesday night: zhang (the roster default), then at 00:00 holiday duty (david);
    # the box may already be past midnight when its line comes up
    first = wait_for(lambda: _forwarded_to(emu), 20, what="forwarding on")
    assert first in (MOBILES["zhang"], MOBILES["david"])
    wait_for(lambda: _forwarded_to(emu) == MOBILES["david"], 40,
             what="at midnight the keeper forwards to holiday duty")
    assert box.stop() == 0


def test_one_line_box_stops_forwarding_when_an_adjusted_working_day_opens(tmp_path, boxes):
    box = box_with(tmp_path, calendar_office(lines=1), "sim", "--clock",
                   "2026-10-10T08:59:45")
    boxes.append(box)
    emu = box.emulator
    # before 09:00 the line is forwarded to zhang (the roster default), if the line came
    # up in time (it takes 3-5 s; the midnight test above leaves 8 s); from 09:00 the
    # office is open (monday's hours) and forwarding is off
    wait_for(lambda: box.status()["forwarding"]["gsm0"]["in_step"], 20, what="keeper in step")
    wait_for(lambda: _forwarded_to(emu) is None
             and not box.status()["forwarding"]["gsm0"]["enabled"], 40,
             what="at 09:00 on the worked Saturday the network stops forwarding")
    emu.place_call(CALLER, SIM[0])
    wait_for(lambda: ringing(emu, "fxs0"), 15, what="the desk phone rings")
    assert box.stop() == 0


def test_clock_is_refused_on_a_real_board(tmp_path):
    done = subprocess.run([sys.executable, "-m", "firmware.cli", "run", "--board", "pi-gsm",
                           "--clock", "2026-10-01T10:00", "--data", str(tmp_path)],
                          cwd=REPO, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert "--clock is only for a simulated board" in done.stderr
    bad = subprocess.run([sys.executable, "-m", "firmware.cli", "run", "--board", "sim",
                          "--clock", "National Day", "--data", str(tmp_path)],
                         cwd=REPO, capture_output=True, text=True, timeout=60)
    assert bad.returncode == 2 and "--clock 'National Day' is not a time" in bad.stderr
