"""The FXO line driver (firmware/lines/fxo.py) against the emulator's telephone exchange.

Each test starts the emulator (`sim-analog`) and runs the driver on the simulated
board's real FXO port (hil_tests/fxo_driver_rig.py): rings, caller ID, tones and
hook signals are the exchange's, heard in-band exactly as on a copper pair. Nothing
sleeps a fixed time to assert a result: every check waits for its condition.
"""

from __future__ import annotations

import dataclasses

import pytest

from firmware.config.schema import FxoLineConfig
from firmware.errors import LineOutOfService
from firmware.lines.fxo_forward import ForwardingRefused
from firmware.lines.model import IncomingCall, LineCallAnswered, LineCallEnded, LineStateChanged
from hil_tests.fxo_driver_rig import DriverRig
from hil_tests.pstn.testing import FAST, wait_for

LINE = "+861062345678"
CALLER = "+8613812345678"
MOBILE = "+8613800138000"


@pytest.fixture
def analog(emulator_factory):
    return emulator_factory("sim-analog", **FAST)


def settings(**changes) -> FxoLineConfig:
    return dataclasses.replace(FxoLineConfig("fxo0", number=LINE), **changes)


def answer_incoming(rig: DriverRig):
    rig.wait_event(IncomingCall, timeout=8)
    call = rig.call(rig.line.answer)
    rig.bridge()
    return call


def test_a_cn_caller_with_fsk_caller_id_is_answered_and_talks_both_ways(analog):
    c = analog.client
    with DriverRig(analog.rundir, settings()) as rig:
        call = c.place_call(CALLER, LINE, name="Li Lei")
        (offer,) = rig.wait_event(IncomingCall, timeout=8)
        assert offer == IncomingCall("fxo0", "13812345678", False)  # before ring 2
        assert c.call(call["id"])["state"] == "ringing" and rig.port.hook_state() == "on"
        assert rig.line.call.name == "Li Lei"
        assert rig.line.status_dict()["last_ring"] is not None
        line_call = answer_incoming(rig)
        wait_for(lambda: c.call(call["id"])["state"] == "active", 3)
        assert line_call.answered and rig.of(LineCallAnswered)
        t = c.send_to_call(call["id"], tone_hz=1300, ms=400)
        wait_for(lambda: [x for x in rig.ear.heard()["tones"]
                          if x["hz"] == 1300 and x["t_start"] >= t - 0.1], 5)
        t_box = rig.say(800, 400)
        wait_for(lambda: [x for x in c.call_heard(call["id"])["tones"]
                          if x["hz"] == 800 and x["t_start"] >= t_box - 0.1], 5)
        c.hangup(call["id"])  # the far end hangs up: this cn line gives busy tone only
        (ended,) = rig.wait_event(LineCallEnded, timeout=6)
        assert ended.cause == "normal" and "busy tone" in line_call.how
        wait_for(lambda: c.line("fxo0")["state"] == "idle", 4)  # released at the exchange
        wait_for(lambda: rig.line.status_dict()["state"] == "idle", 3)  # released
        assert rig.line.available()


def test_a_us_line_with_a_withheld_caller_and_loop_current_disconnect(analog):
    c = analog.client
    c.line_config("fxo0", profile="us")  # us: SDMF, open-loop disconnect
    with DriverRig(analog.rundir, settings(profile="us")) as rig:
        call = c.place_call("+12125550100", LINE, withheld=True)
        (offer,) = rig.wait_event(IncomingCall, timeout=10)
        assert offer == IncomingCall("fxo0", None, True)
        line_call = answer_incoming(rig)
        wait_for(lambda: c.call(call["id"])["state"] == "active", 3)
        c.hangup(call["id"])
        (ended,) = rig.wait_event(LineCallEnded, timeout=4)
        assert ended.cause == "normal" and "loop current" in line_call.how
        wait_for(lambda: c.line("fxo0")["state"] == "idle", 4)


def test_a_caller_who_abandons_while_it_rings(analog):
    c = analog.client
    with DriverRig(analog.rundir, settings()) as rig:
        c.place_call(CALLER, LINE, abandon_after_s=3.0)
        rig.wait_event(IncomingCall, timeout=8)
        (ended,) = rig.wait_event(LineCallEnded, timeout=12)
        assert ended.cause == "abandoned" and rig.line.call is None
        assert rig.of(LineStateChanged)[-1].state == "idle" and rig.port.hook_state() == "on"


def test_answering_just_after_the_caller_gave_up_hears_dial_tone_and_lets_go(analog):
    c = analog.client
    with DriverRig(analog.rundir, settings()) as rig:
        call = c.place_call(CALLER, LINE)
        rig.wait_event(IncomingCall, timeout=8)
        c.hangup(call["id"])  # the caller gives up; the box answers before it knows
        line_call = rig.call(rig.line.answer)
        (ended,) = rig.wait_event(LineCallEnded, timeout=5)
        assert ended.cause == "abandoned" and "dial tone" in line_call.how
        wait_for(lambda: c.line("fxo0")["state"] == "idle", 4)


def test_polarity_disconnect(analog):
    c = analog.client
    c.line_config("fxo0", disconnect="polarity")
    with DriverRig(analog.rundir, settings(disconnect="polarity")) as rig:
        call = c.place_call(CALLER, LINE)
        line_call = answer_incoming(rig)
        wait_for(lambda: c.call(call["id"])["state"] == "active", 3)
        c.hangup(call["id"])
        (ended,) = rig.wait_event(LineCallEnded, timeout=4)
        assert ended.cause == "normal" and "polarity" in line_call.how
        wait_for(lambda: c.line("fxo0")["state"] == "idle", 4)


def test_dialling_out_answer_by_polarity_busy_and_no_answer(analog):
    c = analog.client
    c.line_config("fxo0", disconnect="polarity")  # the exchange reverses on answer
    c.add_subscriber(MOBILE, "answer", answer_after_s=1.5)
    c.add_subscriber("+8613900000002", "busy")
    c.add_subscriber("+8613900000003", "no_answer")
    with DriverRig(analog.rundir, settings(disconnect="polarity")) as rig:
        call = rig.call(rig.line.dial, MOBILE)
        assert rig.call(call.wait_answer, 15) == "answered"
        assert call.how == "polarity reversal"
        assert c.line("fxo0")["dialled"][-1]["digits"] == "13800138000"
        (far,) = [x for x in c.calls() if x["direction"] == "from_box"]
        assert far["state"] == "active"
        rig.call(rig.line.hangup)
        wait_for(lambda: c.line("fxo0")["state"] == "idle", 4)

        busy = rig.call(rig.line.dial, "13900000002")  # dialled right after the hang-up
        assert rig.call(busy.wait_answer, 15) == "busy"
        wait_for(lambda: c.line("fxo0")["state"] == "idle", 4)

        rig.line.profile = dataclasses.replace(rig.line.profile, no_answer_s=8.0)
        silent = rig.call(rig.line.dial, "13900000003")
        assert rig.call(silent.wait_answer, 20) == "no_answer"


def test_dialling_out_on_a_busy_tone_line_answers_when_the_far_end_speaks(analog):
    c = analog.client
    c.add_subscriber(MOBILE, "answer", answer_after_s=1.0)
    with DriverRig(analog.rundir, settings()) as rig:
        call = rig.call(rig.line.dial, MOBILE)
        far = wait_for(lambda: [x for x in c.calls() if x["state"] == "active"], 12)[0]
        c.send_to_call(far["id"], tone_hz=1000, ms=600)  # "wei?"
        assert rig.call(call.wait_answer, 10) == "answered" and "voice" in call.how


def test_a_line_cut_mid_call_ends_it_and_the_line_comes_back(analog):
    c = analog.client
    with DriverRig(analog.rundir, settings()) as rig:
        call = c.place_call(CALLER, LINE)
        answer_incoming(rig)
        wait_for(lambda: c.call(call["id"])["state"] == "active", 3)
        c.line_fault("fxo0", "cut")
        (ended,) = rig.wait_event(LineCallEnded, timeout=3)
        assert ended.cause == "failed"
        rig.wait_event(LineStateChanged, where=lambda e: e.state == "fault", timeout=3)
        status = rig.line.status_dict()
        assert (status["state"], status["reason_code"], status["battery"]) == \
            ("fault", "no_battery", False)
        assert not rig.line.available()
        c.line_fault("fxo0", "restore")
        wait_for(lambda: rig.line.status_dict()["state"] == "idle", 3)
        assert rig.line.available()


def test_forwarding_by_service_codes_is_confirmed_by_the_exchange(analog):
    c = analog.client
    with DriverRig(analog.rundir, settings()) as rig:
        rig.call(rig.line.set_forwarding, MOBILE)
        forwarding = c.line("fxo0")["forwarding"]["unconditional"]
        assert forwarding == {"active": True, "number": "13800138000"}
        assert rig.call(rig.line.forwarding) == MOBILE
        rig.call(rig.line.set_forwarding, None)  # heard the special dial tone first
        assert c.line("fxo0")["forwarding"]["unconditional"]["active"] is False
        assert rig.call(rig.line.forwarding) is None
        c.line_fault("fxo0", "cut")
        wait_for(lambda: rig.line.status_dict()["state"] == "fault", 3)
        with pytest.raises(LineOutOfService):
            rig.call(rig.line.set_forwarding, MOBILE)


def test_dtmf_caller_id_before_the_first_ring_on_a_noisy_line(analog):
    c = analog.client
    c.line_config("fxo0", cid="dtmf")
    c.line_fault("fxo0", "noise", level_dbfs=-45)
    with DriverRig(analog.rundir, settings()) as rig:
        call = c.place_call(CALLER, LINE)
        (offer,) = rig.wait_event(IncomingCall, timeout=8)
        assert offer == IncomingCall("fxo0", "13812345678", False)
        assert rig.port.line_state()["last_ring_t"] is not None
        line_call = answer_incoming(rig)
        wait_for(lambda: c.call(call["id"])["state"] == "active", 3)
        c.hangup(call["id"])  # busy tone through the noise
        (ended,) = rig.wait_event(LineCallEnded, timeout=6)
        assert ended.cause == "normal" and "busy tone" in line_call.how


def test_us_forwarding_codes_and_a_refused_code(analog):
    c = analog.client
    # the us code has no end mark: the exchange takes it as complete after its interdigit
    # gap, set short here (the driver waits for the confirmation whatever the gap is)
    c.line_config("fxo0", profile="us", interdigit_s=1.5)
    with DriverRig(analog.rundir, settings(profile="us")) as rig:
        rig.call(rig.line.set_forwarding, "+12125550100")  # *7212125550100, then the gap
        assert c.line("fxo0")["forwarding"]["unconditional"] == \
            {"active": True, "number": "12125550100"}
        rig.call(rig.line.set_forwarding, None)  # *73 after the stutter dial tone
        assert c.line("fxo0")["forwarding"]["unconditional"]["active"] is False
    c.line_config("fxo0", profile="cn")
    with DriverRig(analog.rundir, settings()) as rig:
        rig.line.profile = dataclasses.replace(rig.line.profile, forward_off="#58#")
        with pytest.raises(ForwardingRefused) as refused:  # not a code this exchange knows
            rig.call(rig.line.set_forwarding, None)
        assert refused.value.reason_code == "fxo_forward_refused"
        wait_for(lambda: c.line("fxo0")["state"] == "idle", 4)
