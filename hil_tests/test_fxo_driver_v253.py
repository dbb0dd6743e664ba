"""The FXO line driver on a USB voice modem: `sim-v253`, the exchange's analog line
ending in the emulator's CX93001 modem, opened by board/v253.py exactly as on the Pi.

The modem reports one RING per burst (`ring_edges` False) and decodes caller ID
itself (`caller_id` "port"); it cannot measure the line's battery. The driver is the
same as on the sim board's DAA-like port (hil_tests/test_fxo_driver.py).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from firmware.config.schema import FxoLineConfig
from firmware.lines.model import IncomingCall, LineCallEnded
from hil_tests.fxo_driver_rig import DriverRig
from hil_tests.pstn.emulator import SHAPES
from hil_tests.pstn.testing import FAST, wait_for

# the voice modem port and its emulator profile come with issue 11 §4 (branch v253)
if "sim-v253" not in SHAPES:
    pytest.skip("this tree has no V.253 voice modem port yet", allow_module_level=True)
v253 = pytest.importorskip("board.v253")

LINE = "+861062345678"
CALLER = "+8613812345678"
MOBILE = "+8613800138000"


@pytest.fixture
def modem(emulator_factory):
    return emulator_factory("sim-v253", **FAST)


def rig(emu) -> DriverRig:
    port = v253.V253Port("fxo0", str(Path(emu.rundir) / "fxo0.tty"), backoff=(0.05, 0.3))
    return DriverRig(emu.rundir, FxoLineConfig("fxo0", number=LINE), port=port)


def test_a_call_with_caller_id_answer_audio_and_busy_tone_disconnect(modem):
    c = modem.client
    with rig(modem) as r:
        call = c.place_call(CALLER, LINE)
        (offer,) = r.wait_event(IncomingCall, timeout=12)
        assert offer == IncomingCall("fxo0", "13812345678", False)
        line_call = r.call(r.line.answer)
        r.bridge()
        wait_for(lambda: c.call(call["id"])["state"] == "active", 5)
        t = c.send_to_call(call["id"], tone_hz=1300, ms=400)
        wait_for(lambda: [x for x in r.ear.heard()["tones"]
                          if x["hz"] == 1300 and x["t_start"] >= t - 0.1], 5)
        t_box = r.say(800, 400)
        wait_for(lambda: [x for x in c.call_heard(call["id"])["tones"]
                          if x["hz"] == 800 and x["t_start"] >= t_box - 0.1], 5)
        c.hangup(call["id"])
        (ended,) = r.wait_event(LineCallEnded, timeout=8)
        assert ended.cause == "normal" and "busy tone" in line_call.how
        status = r.line.status_dict()
        assert status["battery"] is None and status["last_ring"] is not None


def test_dialling_out_and_forwarding_through_the_modem(modem):
    c = modem.client
    c.add_subscriber(MOBILE, "busy")
    with rig(modem) as r:
        out = r.call(r.line.dial, MOBILE)
        assert r.call(out.wait_answer, 20) == "busy"
        r.call(r.line.set_forwarding, MOBILE)
        assert c.line("fxo0")["forwarding"]["unconditional"] == \
            {"active": True, "number": "13800138000"}
