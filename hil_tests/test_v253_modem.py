"""The V.253 voice modem port (board/v253.py) against the emulator's CX93001 profile.

Each test starts the emulator process with shape `sim-v253`: the exchange's analog
line ends in the emulated voice modem, whose pty (RUNDIR/fxo0.tty) the port opens
exactly as it opens /dev/ttyACM0 on the Pi. The rig (hil_tests/fxo_rig.py, with
the V.253 port in place of the simulated DAA) pumps the port's audio every 20 ms
and hears it with an Analyzer. Every check waits for its condition.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
import serial

from board.v253 import V253Port
from hil_tests.fxo_rig import FxoRig
from hil_tests.pstn.client import EmulatorError
from hil_tests.pstn.testing import FAST, wait_for

LINE = "+861062345678"
CALLER = "+8613812345678"
MOBILE = "+8613800138000"


class V253Rig(FxoRig):
    """FxoRig with the V.253 voice modem port as the box's FXO port."""

    def __init__(self, rundir: Path, name: str = "fxo0"):
        super().__init__(rundir, name)
        self.port = V253Port(name, str(Path(rundir) / f"{name}.tty"), backoff=(0.05, 0.3))
        self.port.on_event(self.events.append)
        self.statuses: list = []
        self.port.on_status(self.statuses.append)

    def __enter__(self) -> V253Rig:
        self.port.start()
        assert self.port.wait_ready(8), f"modem not ready: {self.port.status().reason}"
        self._thread.start()
        return self

    def details(self, kind: str = "caller_id") -> list[dict]:
        return [json.loads(e.detail) for e in list(self.events) if e.kind == kind]


@pytest.fixture
def v253(emulator_factory):
    return emulator_factory("sim-v253", **FAST)


def _commands(emu) -> list[str]:
    return [h["command"] for h in emu.client.line("fxo0")["modem"]["history"]]


def test_the_port_initialises_the_modem_into_voice_mode(v253):
    with V253Rig(v253.rundir) as rig:
        assert rig.port.status().ok
        modem = v253.client.line("fxo0")["modem"]
        assert (modem["fclass"], modem["vcid"], modem["vsm"], modem["echo"]) == \
            ("8", 1, [1, 8000], False)
        commands = _commands(v253)
        assert commands[:4] == ["ATZ", "ATE0", "ATV1", "AT+FCLASS=8"]
        assert "AT+VSM=1,8000,0,0" in commands and commands[-1] == "AT+VLS=0"
        state = rig.port.line_state()
        assert state["battery"] is None and state["compression"] == "1 UNSIGNED PCM"
        assert (rig.port.ring_edges, rig.port.caller_id) == (False, "port")
    info = json.loads((v253.rundir / "emulator.json").read_text())
    assert info["fxo"] == ["fxo0"] and info["voice_modems"]["fxo0"].endswith("fxo0.tty")


def test_a_call_rings_per_burst_with_caller_id_and_talks_both_ways(v253):
    c = v253.client
    with V253Rig(v253.rundir) as rig:
        call = c.place_call(CALLER, LINE, name="Li Lei")
        rig.wait_event("ring", 2, timeout=8)
        assert rig.times("ring_begin") == [] and rig.times("ring_end") == []
        (cid,) = rig.details()
        assert cid == {"number": "13812345678", "name": "Li Lei", "reason": None}
        t_cid = rig.times("caller_id")[0]
        ring1, ring2 = rig.times("ring")[:2]
        assert ring1 < t_cid < ring2  # between the first and second ring, as sent
        assert rig.port.line_state()["last_ring_t"] >= ring2

        rig.seize()
        wait_for(lambda: c.call(call["id"])["state"] == "active", 3)
        wait_for(lambda: rig.port.line_state()["streaming"], 2)  # CONNECT follows +VLS=1
        assert rig.port.line_state()["duplex"] == "full"
        t = c.send_to_call(call["id"], tone_hz=1300, ms=400)
        rig.wait_tone(1300, since=t - 0.05)  # the far end's tone through the 8-bit stream
        t_box = rig.say(800, 400)
        heard = wait_for(lambda: [x for x in c.call_heard(call["id"])["tones"]
                                  if x["hz"] == 800 and x["t_start"] >= t_box - 0.1
                                  and x["t_end"] < time.monotonic() - 0.1], 5)
        assert heard[0]["t_end"] - heard[0]["t_start"] == pytest.approx(0.4, abs=0.06)

        c.hangup(call["id"])  # cn: busy tone only
        rig.wait_tone(450, count=2, since=t_box + 0.4)  # heard as audio by the box
        rig.wait_event("busy_tone", timeout=5)  # and reported by the modem (DLE b)
        assert rig.port.line_state()["last_tone"] == "busy_tone"
        rig.release()
        wait_for(lambda: c.line("fxo0")["state"] == "idle", 3)
        wait_for(lambda: _commands(v253)[-1] == "ATH", 3)
        assert not rig.port.line_state()["streaming"]


@pytest.mark.parametrize(("withheld", "profile", "cid", "reason"), [
    (True, "cn", "fsk", "withheld"), (True, "us", "fsk", "withheld"),
    (False, "cn", "dtmf", "unavailable")])  # the modem decodes no DTMF caller ID
def test_a_caller_without_a_number_is_told_withheld_or_unavailable(v253, withheld, profile, cid,
                                                                  reason):
    c = v253.client
    c.line_config("fxo0", profile=profile, cid=cid)
    with V253Rig(v253.rundir) as rig:
        call = c.place_call(CALLER, LINE, withheld=withheld)
        wait_for(rig.details, 12, what="caller ID")
        assert rig.details() == [{"number": None, "name": None, "reason": reason}]
        assert len(rig.times("ring")) <= 2  # known by the second ring at the latest
        c.hangup(call["id"])  # the caller gives up while it rings
        wait_for(lambda: c.line("fxo0")["state"] == "idle", 3)


def test_outbound_dial_tone_digits_and_the_far_end_answers(v253):
    c = v253.client
    c.add_subscriber(MOBILE, "answer", answer_after_s=1.0)
    with V253Rig(v253.rundir) as rig:
        rig.seize()
        rig.wait_tone(450, timeout=3)  # dial tone heard in the stream
        rig.wait_event("dial_tone", timeout=3)  # and reported by the modem (DLE d)
        rig.port.flash(500)  # ATH, half a second, +VLS=1 and the stream again
        wait_for(lambda: c.line("fxo0")["flashes"] == 1, 3)
        wait_for(lambda: rig.port.line_state()["streaming"], 3)
        assert c.line("fxo0")["state"] == "dialtone"  # a flash while dialling starts again
        rig.dial("13800138000")  # in-band DTMF through the modem's stream
        wait_for(lambda: c.line("fxo0")["state"] in ("ringback", "connected"), 6)
        assert c.line("fxo0")["dialled"][-1]["digits"] == "13800138000"
        (call,) = [x for x in c.calls() if x["direction"] == "from_box"]
        wait_for(lambda: c.call(call["id"])["state"] == "active", 5)
        t = c.send_to_call(call["id"], tone_hz=1000, ms=300)
        rig.wait_tone(1000, since=t - 0.05)
        rig.release()
        wait_for(lambda: c.line("fxo0")["state"] == "idle", 3)


def test_a_loop_drop_disconnect_is_reported_as_loop_off(v253):
    c = v253.client
    c.line_config("fxo0", disconnect="loop_drop")
    with V253Rig(v253.rundir) as rig:
        call = c.place_call(CALLER, LINE)
        rig.wait_event("ring", timeout=8)
        rig.seize()
        wait_for(lambda: c.call(call["id"])["state"] == "active", 3)
        c.hangup(call["id"])
        rig.wait_event("loop_off", timeout=3)
        rig.release()


def test_polarity_reversals_are_reported_by_a_modem_that_sees_them(v253):
    c = v253.client
    c.line_config("fxo0", disconnect="polarity")
    c.line_modem("fxo0", reports=["busy", "dial", "loop", "polarity"])
    c.add_subscriber(MOBILE, "answer", answer_after_s=0.5)
    with V253Rig(v253.rundir) as rig:
        rig.seize()
        rig.wait_event("dial_tone", timeout=3)
        rig.dial("13800138000")
        rig.wait_event("polarity", timeout=8)  # answer supervision
        assert rig.port.line_state()["polarity"] == "reversed"
        (call,) = [x for x in c.calls() if x["direction"] == "from_box"]
        c.hangup(call["id"])
        rig.wait_event("polarity", 2, timeout=3)  # the far end hung up
        assert rig.port.line_state()["polarity"] == "normal"
        rig.release()


def test_unplug_puts_the_port_out_of_service_and_replug_brings_it_back(v253):
    c = v253.client
    with V253Rig(v253.rundir) as rig:
        c.line_modem("fxo0", action="unplug")
        wait_for(lambda: not rig.port.status().ok, 3, what="out of service")
        assert "gone" in rig.port.status().reason or "not found" in rig.port.status().reason
        with pytest.raises(Exception, match="not in service"):
            rig.port.set_hook(True)
        c.line_modem("fxo0", action="replug")
        wait_for(lambda: rig.port.status().ok, 8, what="back in service")
        assert c.line("fxo0")["modem"]["fclass"] == "8"  # initialised afresh
        call = c.place_call(CALLER, LINE)
        rig.wait_event("ring", timeout=8)
        c.hangup(call["id"])


def test_bad_modem_requests_are_refused_whole_naming_the_field(v253, emulator_factory):
    c = v253.client
    for body, field in [({"action": "explode"}, "action"), ({"reports": ["smoke"]}, "reports"),
                        ({"duplex": "yes"}, "duplex"), ({"colour": 1}, "colour"),
                        ({"reports": ["busy"], "action": "melt"}, "action")]:
        with pytest.raises(EmulatorError) as caught:
            c.post("/lines/fxo0/modem", body)
        assert caught.value.status == 400 and caught.value.message.startswith(field)
    modem = c.line("fxo0")["modem"]
    assert modem["reports"] == ["busy", "dial", "loop"] and modem["plugged"]  # nothing changed
    assert c.line_modem("fxo0", reports=["polarity"])["modem"]["reports"] == ["polarity"]
    analog = emulator_factory("sim-analog", **FAST)
    with pytest.raises(EmulatorError) as caught:
        analog.client.post("/lines/fxo0/modem", {"action": "unplug"})
    assert caught.value.status == 409 and "not a voice modem" in caught.value.message


def test_the_emulated_modem_is_strict(v253):
    """What a CX93001 refuses, the profile refuses; stream bytes outside a stream are lost."""
    with serial.serial_for_url(str(v253.rundir / "fxo0.tty"), baudrate=115200,
                               timeout=0.3) as tty:
        def ask(line: bytes) -> bytes:
            tty.write(line + b"\r")
            return wait_for(lambda: _reply(tty), 3, what=f"reply to {line!r}")

        assert ask(b"ATZ") == b"ATZ\r\r\nOK\r\n"  # echo is on until ATE0
        assert ask(b"ATE0") == b"ATE0\r\r\nOK\r\n"
        assert ask(b"AT+VLS=1") == b"\r\nERROR\r\n"  # voice needs +FCLASS=8
        assert ask(b"AT+FCLASS=8") == b"\r\nOK\r\n"
        assert ask(b"AT+VTR") == b"\r\nERROR\r\n"  # not on the line yet
        assert ask(b"AT+VSM=128,8000") == b"\r\nERROR\r\n"  # not a CX93001 method
        assert b'1,"UNSIGNED PCM",8,0,(8000),(0),(0)' in ask(b"AT+VSM=?")
        assert ask(b"ATD123") == b"\r\nERROR\r\n"  # data calls are not emulated
        tty.write(b"\x80\x80\x10\x10\r")  # voice bytes in command state: dropped
        assert ask(b"AT") == b"\r\nOK\r\n"
        assert ask(b"AT+VLS=1") == b"\r\nOK\r\n"
        tty.write(b"AT+VTR\r")
        stream = _read_for(tty, 0.4)
        assert stream.startswith(b"\r\nCONNECT\r\n")
        assert len(stream) >= 1000 and b"OK" not in stream  # 8000 bytes/s of voice
        tty.write(b"\x10^")  # leave the duplex stream
        tail = _read_for(tty, 0.5)
        assert tail.endswith(b"\x10\x03\r\nOK\r\n")  # DLE ETX ends its stream, then OK
        assert ask(b"ATH") == b"\r\nOK\r\n"
    history = _commands(v253)
    assert "ATD123" in history and "AT" in history


def _reply(tty: serial.Serial) -> bytes:
    """What the modem answered: bytes until it goes quiet after a CR LF (b"" if none)."""
    data, end = b"", time.monotonic() + 2.0
    while time.monotonic() < end:
        chunk = tty.read(256)
        data += chunk
        if not chunk and data.endswith(b"\r\n"):
            return data
    return b""


def _read_for(tty: serial.Serial, seconds: float) -> bytes:
    end, data = time.monotonic() + seconds, b""
    while time.monotonic() < end:
        data += tty.read(4096)
    return data


def test_the_box_runs_on_sim_v253_and_sees_the_modem_unplugged(tmp_path, boxes):
    from hil_tests.boxrig import start_box

    box = start_box(tmp_path / "data", "sim-v253")
    boxes.append(box)
    assert box.status()["ports"] == {"fxo0": "idle", **{f"fxs{i}": "idle" for i in range(4)}}
    assert box.emulator.line("fxo0")["modem"]["fclass"] == "8"  # the box set it up
    box.emulator.line_modem("fxo0", action="unplug")
    wait_for(lambda: box.status()["ports"]["fxo0"] == "fault", 5)
    box.emulator.line_modem("fxo0", action="replug")
    wait_for(lambda: box.status()["ports"]["fxo0"] == "idle", 10)
    assert box.stop() == 0
