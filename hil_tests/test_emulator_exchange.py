"""The emulator's telephone exchange, through its control API and the sim board's FXO port.

Each test starts the emulator process (`sim-analog`, or `sim-mixed`) and plays
the box with the simulated board's real FXO port (hil_tests/fxo_rig.py): ring
cadences are measured from the port's events, caller ID is decoded from the
line's audio by hil_tests/pstn/dsp.py, tones are heard by an Analyzer. Nothing
sleeps a fixed time to assert a result: every check waits for its condition.
"""

from __future__ import annotations

import itertools
import json
import time

import pytest
import serial

from board.base import FRAME_BYTES
from hil_tests.boxrig import start_box
from hil_tests.fxo_rig import FxoRig
from hil_tests.pstn.client import EmulatorError
from hil_tests.pstn.dsp import tone
from hil_tests.pstn.testing import FAST, open_at, wait_for

LINE = "+861062345678"
CALLER = "+8613812345678"
MOBILE = "+8613800138000"


@pytest.fixture
def analog(emulator_factory):
    return emulator_factory("sim-analog", **FAST)


def _durations(rig: FxoRig, rings: int) -> tuple[list[float], list[float]]:
    on, off = rig.times("ring_begin")[:rings], rig.times("ring_end")[:rings]
    return ([b - a for a, b in zip(on, off, strict=False)],
            [a - b for a, b in zip(on[1:], off, strict=False)])


def test_lines_are_listed_in_the_api_and_the_rundir(analog, emulator_factory):
    (line,) = analog.client.lines()
    assert {k: line[k] for k in ("id", "number", "profile", "state", "battery", "polarity")} \
        == {"id": "fxo0", "number": LINE, "profile": "cn", "state": "idle", "battery": True,
            "polarity": "normal"}
    assert (line["cid"], line["disconnect"]) == ("fsk", "busy_tone")  # fsk: MDMF on cn
    info = json.loads((analog.rundir / "emulator.json").read_text())
    assert info["fxo"] == ["fxo0"] and info["lines"] == {"fxo0": LINE} and info["modems"] == []
    assert analog.client.health()["lines"] == 1
    assert analog.client.line(LINE)["id"] == "fxo0"  # by number too
    mixed = emulator_factory("sim-mixed", **FAST)
    assert [m["number"] for m in mixed.client.modems()] == ["+8613900000001"]
    assert [x["id"] for x in mixed.client.lines()] == ["fxo0"]


def test_a_call_rings_the_cn_cadence_with_fsk_caller_id_and_talks_both_ways(analog):
    c = analog.client
    with FxoRig(analog.rundir) as rig:
        call = c.place_call(CALLER, LINE, name="Li Lei")
        assert (call["line"], call["state"], call["modem"]) == ("fxo0", "ringing", None)
        rig.wait_event("ring_begin", 2, timeout=8)
        on, off = _durations(rig, 2)
        assert on[0] == pytest.approx(1.0, abs=0.1) and off[0] == pytest.approx(4.0, abs=0.1)
        (cid,) = rig.caller_ids
        assert cid["ok"] and cid["format"] == "MDMF" and cid["number"] == "13812345678"
        assert cid["name"] == "Li Lei" and len(cid["date"]) == 8
        ring1_end, ring2 = rig.times("ring_end")[0], rig.times("ring_begin")[1]
        assert ring1_end + 0.5 <= cid["t_start"] and cid["t_end"] < ring2

        rig.seize()  # answer: ring trip, the call is up
        wait_for(lambda: c.call(call["id"])["state"] == "active", 2)
        assert c.line("fxo0")["state"] == "connected"
        t = c.send_to_call(call["id"], tone_hz=1300, ms=400)
        rig.wait_tone(1300, since=t - 0.05)
        t_box = rig.say(800, 400)  # not in the old list of 11 frequencies
        heard = wait_for(lambda: [x for x in c.call_heard(call["id"])["tones"]
                                  if x["hz"] == 800 and x["t_start"] >= t_box - 0.1
                                  and x["t_end"] < time.monotonic() - 0.1], 5)  # it ended
        assert heard[0]["t_end"] - heard[0]["t_start"] == pytest.approx(0.4, abs=0.05)
        c.hangup(call["id"])  # the far end hangs up: cn lines give busy tone only
        busy = rig.wait_tone(450, count=2, since=t + 0.4)
        assert busy[1]["t_start"] - busy[0]["t_start"] == pytest.approx(0.7, abs=0.08)
        assert c.line("fxo0")["state"] == "disconnected"
        rig.release()
        wait_for(lambda: c.line("fxo0")["state"] == "idle", 3)


def test_us_profile_rings_2_on_4_off_with_sdmf_and_a_withheld_caller(analog):
    c = analog.client
    line = c.line_config("fxo0", profile="us")
    assert (line["profile"], line["cid"], line["disconnect"]) == ("us", "sdmf", "loop_drop")
    with FxoRig(analog.rundir) as rig:
        call = c.place_call("+12125550100", LINE, withheld=True)
        rig.wait_event("ring_begin", 2, timeout=9)
        on, off = _durations(rig, 2)
        assert on[0] == pytest.approx(2.0, abs=0.1) and off[0] == pytest.approx(4.0, abs=0.1)
        (cid,) = rig.caller_ids
        assert cid["ok"] and cid["format"] == "SDMF" and cid["number_absent"] == "P"
        assert cid["number"] is None
        c.hangup(call["id"])


def test_dtmf_caller_id_comes_before_the_first_ring_and_the_caller_can_abandon(analog):
    c = analog.client
    c.line_config("fxo0", cid="dtmf")
    with FxoRig(analog.rundir) as rig:
        call = c.place_call(CALLER, LINE, abandon_after_s=2.5)
        (ring1,) = rig.wait_event("ring_begin", timeout=5)
        digits = [d for d in rig.onhook_ear.heard()["dtmf"] if d["t"] < ring1]
        assert "".join(d["digit"] for d in digits) == "A13812345678C"
        ended = wait_for(lambda: (x := c.call(call["id"]))["state"] == "ended" and x, 5)
        assert (ended["cause"], ended["ended_by"]) == (16, "far")
        assert len(rig.times("ring_end")) == len(rig.times("ring_begin")) == 1
        assert c.line("fxo0")["state"] == "idle"
        withheld = c.place_call(CALLER, LINE, cli="unavailable")
        rig.wait_event("ring_begin", 2)
        assert "D00C" in "".join(d["digit"] for d in rig.onhook_ear.heard()["dtmf"])
        c.hangup(withheld["id"])


@pytest.mark.parametrize("method", ["busy_tone", "polarity", "loop_drop"])
def test_seize_dial_ringback_answer_and_each_disconnect_method(analog, method):
    c = analog.client
    c.line_config("fxo0", disconnect=method)
    c.add_subscriber(MOBILE, "answer", answer_after_s=1.5)
    with FxoRig(analog.rundir) as rig:
        t_seize = time.monotonic()
        rig.seize()
        dial_tone = rig.wait_tone(450, timeout=3)[0]
        assert dial_tone["t_start"] >= t_seize + 0.1  # the register attaches first
        rig.dial("13800138000")
        wait_for(lambda: c.line("fxo0")["state"] == "ringback", 5)
        assert c.line("fxo0")["dialled"][-1]["digits"] == "13800138000"
        (call,) = [x for x in c.calls() if x["direction"] == "from_box"]
        assert (call["from"], call["to"], call["line"]) == (LINE, "13800138000", "fxo0")
        rig.wait_tone(450, since=dial_tone["t_end"] + 0.05)  # ringback
        wait_for(lambda: c.call(call["id"])["state"] == "active", 5)
        if method == "polarity":  # answer supervision
            rig.wait_event("polarity")
            assert rig.port.line_state()["polarity"] == "reversed"
        else:
            assert rig.times("polarity") == []
        t = c.send_to_call(call["id"], tone_hz=1000, ms=300)
        rig.wait_tone(1000, since=t - 0.05)
        c.hangup(call["id"])
        if method == "busy_tone":
            rig.wait_tone(450, count=2, since=t + 0.3)
        elif method == "polarity":  # reversed on answer, back on the far end's hang-up
            rig.wait_event("polarity", 2)
            assert rig.port.line_state()["polarity"] == "normal"
        else:
            off = rig.wait_event("loop_off")[0]
            on = rig.wait_event("loop_on", 2)[-1]
            assert on - off == pytest.approx(0.8, abs=0.1)
        assert c.line("fxo0")["state"] == "disconnected"
        rig.release()
        wait_for(lambda: c.line("fxo0")["state"] == "idle", 3)


@pytest.mark.parametrize(("behaviour", "number", "hz", "period"), [
    ("busy", MOBILE, 450, 0.7), (None, "13912345678", 450, None)])
def test_busy_and_vacant_numbers_are_heard_in_band_only(analog, behaviour, number, hz, period):
    c = analog.client
    if behaviour:
        c.add_subscriber(number, behaviour)
    with FxoRig(analog.rundir) as rig:
        rig.seize()
        rig.wait_tone(450, timeout=3)
        rig.dial(number.removeprefix("+86"))
        wait_for(lambda: c.line("fxo0")["tone"] in ("busy", "vacant"), 5)
        tone = c.line("fxo0")["tone"]
        assert tone == ("busy" if behaviour else "vacant")
        t0 = c.line("fxo0")["dialled"][-1]["t"]
        heard = rig.wait_tone(hz, count=3, since=t0)
        starts = [x["t_start"] for x in heard]
        gaps = [b - a for a, b in itertools.pairwise(starts)]
        if period:
            assert gaps[0] == pytest.approx(period, abs=0.08)
        else:  # 空号音: three short bursts, then a long one
            assert gaps[0] == pytest.approx(0.2, abs=0.08)
        assert rig.times("polarity") == [] and rig.times("loop_off") == []


def test_service_codes_forward_the_line_and_the_exchange_confirms(analog):
    c = analog.client
    c.add_subscriber(MOBILE, "answer", answer_after_s=5)
    with FxoRig(analog.rundir) as rig:
        rig.seize()
        rig.wait_tone(450, timeout=3)
        rig.dial("*57*13800138000#")
        wait_for(lambda: c.line("fxo0")["forwarding"]["unconditional"]["active"], 5)
        t = c.line("fxo0")["dialled"][-1]["t"]
        rig.wait_tone(450, count=3, since=t)  # the confirmation tone
        rig.release()
        wait_for(lambda: c.line("fxo0")["state"] == "idle", 3)
        assert c.line("fxo0")["forwarding"]["unconditional"]["number"] == "13800138000"

        call = c.place_call(CALLER, LINE)
        assert call["forwarded_via"] == [LINE] and call["state"] == "alerting"
        assert call["forwarded_to"] == MOBILE and rig.times("ring_begin") == []
        c.hangup(call["id"])

        rig.seize()  # forwarding on: special dial tone 0.4 s on / 0.04 off
        wait_for(lambda: c.line("fxo0")["tone"] == "special_dial", 3)
        rig.dial("#57#")
        wait_for(lambda: not c.line("fxo0")["forwarding"]["unconditional"]["active"], 5)
        rig.release()
        wait_for(lambda: c.line("fxo0")["state"] == "idle", 3)
        again = c.place_call(CALLER, LINE)
        assert again["state"] == "ringing" and again["forwarded_via"] == []
        rig.wait_event("ring_begin")
        c.hangup(again["id"])


def test_busy_and_no_answer_forwarding_and_the_us_codes(analog):
    c = analog.client
    c.add_subscriber(MOBILE, "answer", answer_after_s=10)
    c.line_config("fxo0", no_reply_s=5)
    with FxoRig(analog.rundir) as rig:
        for code in ("*40*13800138000#", "*41*13800138000#"):
            rig.seize()
            rig.wait_tone(450, timeout=3, since=time.monotonic())
            rig.dial(code)
            wait_for(lambda: c.line("fxo0")["state"] == "confirmed", 5)
            rig.release()
            wait_for(lambda: c.line("fxo0")["state"] == "idle", 3)
        call = c.place_call(CALLER, LINE)  # rings, then forwarded after no_reply_s
        assert call["state"] == "ringing"
        rig.wait_event("ring_begin")
        done = wait_for(lambda: (x := c.call(call["id"]))["forwarded_to"] and x, 8)
        assert done["state"] == "alerting" and done["forwarded_via"] == [LINE]
        assert c.line("fxo0")["state"] == "idle"
        c.hangup(call["id"])
        rig.seize()
        wait_for(lambda: c.line("fxo0")["hook"] == "off", 3)
        busy = c.place_call(CALLER, LINE)  # off hook: busy forwarding
        assert busy["forwarded_to"] == MOBILE and busy["state"] == "alerting"
        c.hangup(busy["id"])
        rig.release()
        wait_for(lambda: c.line("fxo0")["state"] == "idle", 3)
        c.line_config("fxo0", profile="us")
        for code, active in (("*7213800138000#", True), ("*73", False)):
            rig.seize()
            rig.wait_tone(440, timeout=3, since=time.monotonic())
            rig.dial(code)
            wait_for(lambda a=active: c.line("fxo0")["forwarding"]["unconditional"]["active"]
                     is a, 5)
            rig.release()
            wait_for(lambda: c.line("fxo0")["state"] == "idle", 3)


def test_cut_restore_and_noise(analog):
    c = analog.client
    c.add_subscriber(MOBILE, "answer", answer_after_s=0.2)
    with FxoRig(analog.rundir) as rig:
        rig.seize()
        rig.wait_tone(450, timeout=3)
        rig.dial("13800138000")
        (call,) = wait_for(lambda: [x for x in c.calls() if x["state"] == "active"], 5)
        line = c.line_fault("fxo0", "cut")
        assert (line["battery"], line["state"]) == (False, "cut")
        rig.wait_event("battery_lost")
        wait_for(lambda: not rig.port.status().ok, 2)
        assert c.call(call["id"])["cause"] == 41
        mark = c.mark()
        rig.release()
        c.wait_event("line_state", state="idle", since=mark, timeout=3)
        into_void = c.place_call(CALLER, LINE)  # the exchange rings a cut pair
        assert into_void["state"] == "ringing" and c.line("fxo0")["state"] == "cut"
        line = c.line_fault("fxo0", "restore")
        assert line["battery"] is True
        rig.wait_event("battery_restored")
        assert rig.port.status().ok
        rig.wait_event("ring_begin", timeout=6)  # the next ring reaches the box again
        c.hangup(into_void["id"])
        wait_for(lambda: c.line("fxo0")["state"] == "idle", 3)

        quiet = rig.rms_since(time.monotonic())
        noisy = c.line_fault("fxo0", "noise", level_dbfs=-30)
        assert noisy["noise_dbfs"] == -30
        t = time.monotonic()
        wait_for(lambda: len([x for x in rig.levels if x[0] > t]) > 20, 3)
        assert rig.rms_since(t) > 20 * max(quiet, 1.0)  # -30 dBFS is ~1000 RMS
        assert c.line_fault("fxo0", "restore")["noise_dbfs"] is None


def test_digit_timeouts_end_the_number_or_give_congestion(analog):
    c = analog.client
    line = c.line_config("fxo0", first_digit_s=1, interdigit_s=1.5)
    assert (line["first_digit_s"], line["interdigit_s"]) == (1.0, 1.5)
    c.add_subscriber("10086", "answer", answer_after_s=5)
    with FxoRig(analog.rundir) as rig:
        rig.seize()
        wait_for(lambda: c.line("fxo0")["tone"] == "congestion", 4)  # no digit in time
        t = time.monotonic()
        heard = rig.wait_tone(450, count=2, since=t)
        assert heard[1]["t_start"] - heard[0]["t_start"] == pytest.approx(1.4, abs=0.08)
        rig.release()
        wait_for(lambda: c.line("fxo0")["state"] == "idle", 3)
        rig.seize()
        rig.wait_tone(450, timeout=3, since=time.monotonic())
        t_dial = rig.dial("10086")  # a short number: complete only after the gap
        routed = wait_for(lambda: [x for x in c.calls() if x["to"] == "10086"], 6)
        assert routed[0]["t_start"] - t_dial >= 5 * 0.16 + 1.5 - 0.1
        wait_for(lambda: c.line("fxo0")["state"] == "ringback", 3)
        rig.release()


def test_flash_glitch_and_release_are_told_apart(analog):
    c = analog.client
    with FxoRig(analog.rundir) as rig:
        rig.seize()
        wait_for(lambda: c.line("fxo0")["state"] == "dialtone", 3)
        rig.port.flash(600)
        wait_for(lambda: c.line("fxo0")["flashes"] == 1, 3)
        rig.port.flash(100)  # too short for a flash
        mark = c.mark()
        c.wait_event("line_hook_glitch", since=mark - 4)
        assert c.line("fxo0")["flashes"] == 1 and c.line("fxo0")["state"] == "dialtone"
        rig.release()
        wait_for(lambda: c.line("fxo0")["state"] == "idle", 3)  # > 1.1 s on hook


def test_the_analog_line_and_the_gsm_sim_call_each_other(emulator_factory):
    emu = emulator_factory("sim-mixed", **FAST)
    c = emu.client
    at = open_at(emu)
    with FxoRig(emu.rundir) as rig:
        at.command("AT+CLIP=1")
        rig.seize()
        rig.wait_tone(450, timeout=3)
        rig.dial("13900000001")  # the box's own SIM, from its analog line
        at.wait_line("RING", timeout=5)
        at.command("ATA")
        wait_for(lambda: c.line("fxo0")["state"] == "connected", 5)
        (line_call,) = [x for x in c.calls() if x["line"] == "fxo0"]
        assert line_call["peer"] is not None and line_call["state"] == "active"
        at.command("AT+CHUP")
        rig.wait_tone(450, count=2, timeout=5, since=time.monotonic())
        rig.release()
        wait_for(lambda: c.line("fxo0")["state"] == "idle", 3)


def test_bad_line_requests_are_refused_naming_the_field(analog):
    c = analog.client
    cases = [
        ("/lines/fxo9/fault", {"kind": "cut"}, 404, "fxo9"),
        ("/lines/fxo0/fault", {"kind": "flood"}, 400, "kind"),
        ("/lines/fxo0/fault", {}, 400, "kind"),
        ("/lines/fxo0/fault", {"kind": "noise", "level_dbfs": 3}, 400, "level_dbfs"),
        ("/lines/fxo0/fault", {"kind": "cut", "when": 1}, 400, "when"),
        ("/lines/fxo0/config", {"profile": "uk"}, 400, "profile"),
        ("/lines/fxo0/config", {"profile": "us", "cid": "dtmf"}, 400, "cid"),
        ("/lines/fxo0/config", {"disconnect": "smoke"}, 400, "disconnect"),
        ("/lines/fxo0/config", {"no_reply_s": "soon"}, 400, "no_reply_s"),
        ("/lines/fxo0/config", {"ring": 3}, 400, "ring"),
        ("/calls", {"from": CALLER, "to": LINE, "name": 7}, 400, "name"),
    ]
    for path, body, status, field in cases:
        with pytest.raises(EmulatorError) as err:
            c.post(path, body)
        assert err.value.status == status and field in err.value.message, (path, body)
    line = c.line("fxo0")
    assert (line["profile"], line["cid"], line["disconnect"]) == ("cn", "fsk", "busy_tone")
    with pytest.raises(EmulatorError) as err:
        c.get("/lines/fxo0/nothing")
    assert err.value.status == 404


def test_the_box_runs_on_sim_analog_and_shows_the_lines_health(tmp_path, boxes):
    box = start_box(tmp_path / "data", "sim-analog")
    boxes.append(box)
    status = box.status()
    assert status["ports"] == {"fxo0": "idle", **{f"fxs{i}": "idle" for i in range(4)}}
    assert box.emulator.line("fxo0")["connected"] is True
    box.emulator.line_fault("fxo0", "cut")
    wait_for(lambda: box.status()["ports"]["fxo0"] == "fault", 5)
    assert box.status()["leds"]["ERR"] == "4 flashes every 4000 ms"  # FXO battery lost
    box.emulator.line_fault("fxo0", "restore")
    wait_for(lambda: box.status()["ports"]["fxo0"] == "idle", 5)
    assert box.stop() == 0


def test_a_gsm_far_party_hears_an_800_hz_tone_too(emulator_factory):
    emu = emulator_factory("sim", **FAST)
    emu.client.add_subscriber(MOBILE, "answer", answer_after_s=0.1)
    audio = serial.Serial(str(emu.modem_dir() / "audio"), 115200, timeout=0.05)
    with open_at(emu) as port:
        port.command("ATE0")
        port.command("ATD13800138000;")
        port.command("AT^DDSETEX=2")
        port.wait_line("^CONN:")
        (call,) = emu.client.calls()
        emu.client.wait_event(kind="audio", what="start")
        pcm = tone(800, 400)
        for i in range(0, len(pcm), FRAME_BYTES):
            audio.write(pcm[i:i + FRAME_BYTES])
            audio.read(FRAME_BYTES)  # keep pace with the modem's 20 ms frames
        heard = wait_for(lambda: emu.client.call_heard(call["id"])["tones"], timeout=3)
        assert [x["hz"] for x in heard] == [800]
    audio.close()
