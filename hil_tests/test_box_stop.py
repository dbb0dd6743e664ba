"""Stopping the box while calls are up: no traceback, no error, and the call ends."""

from __future__ import annotations

import re

from hil_tests.calls_rig import CALLER, SIM, box_with, office
from hil_tests.pstn.testing import wait_for


def test_stop_with_a_call_up_is_clean(tmp_path, boxes):
    box = box_with(tmp_path, office(members=("801",)))
    boxes.append(box)
    emu = box.emulator
    emu.phone_auto_answer("fxs0", 0.3)
    call = emu.place_call(CALLER, SIM[0])
    wait_for(lambda: emu.call(call["id"])["state"] == "active", 15, what="caller connected")
    wait_for(lambda: box.status()["calls"], 5, what="the box has the call")

    assert box.stop() == 0
    text = box.output()
    assert "Traceback" not in text and "EngineNotRunning" not in text, text[-3000:]
    assert " ERROR " not in text, text[-2000:]
    # the box hung the caller up on its way out (the emulator stops with the box)
    assert re.search(rf"call \{CALLER} ended: normal \((released|hung up) by the box", text)
