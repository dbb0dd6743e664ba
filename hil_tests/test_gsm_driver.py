"""The GSM driver against the PSTN emulator: bring-up, signal, calls, audio, DTMF."""

from __future__ import annotations

import pytest

from firmware.lines.gsm import (
    GsmCallAnswered,
    GsmCallEnded,
    GsmDtmf,
    GsmIncomingCall,
)
from hil_tests.pstn.testing import wait_for
from hil_tests.test_gsm_driver_rig import CALLER, TIMINGS, GsmRig, tone_frames, tone_share

pytestmark = pytest.mark.hil


@pytest.fixture
def rig(emulator_factory):
    with GsmRig(emulator_factory("sim", **TIMINGS)) as r:
        r.ready()
        yield r


def test_init_registration_and_signal(rig):
    status = rig.line.status
    assert (status.sim, status.registration, status.csq) == ("ready", 1, 20)
    assert status.operator == "CHINA MOBILE"
    assert rig.line.info["imei"] == rig.mid
    assert rig.line.info["voice"] == "0,8000,16,20"
    mark = rig.mark()
    rig.client.modem_signal(rig.mid, 9)
    assert rig.wait_status("ready", since=mark, csq=9).registration == 1
    rig.client.modem_registration(rig.mid, 0)
    assert rig.wait_status("not_registered", since=mark).reason == "not registered"
    rig.client.modem_registration(rig.mid, 5)
    assert rig.wait_status("ready", since=mark, registration=5, operator="CHINA MOBILE")


def _answered_incoming_call(rig) -> dict:
    rig.client.place_call(CALLER, rig.number)
    rig.wait_event(GsmIncomingCall, number=CALLER, withheld=False)
    call = rig.run(rig.line.answer())
    assert call.state == "active" and call.audio is not None
    rig.wait_event(GsmCallAnswered)
    assert rig.line.status.in_call
    em = rig.emulator_call("to_box")
    wait_for(lambda: rig.client.call(em["id"])["state"] == "active", what="call active")
    return em


def test_incoming_call_answered_with_audio_both_ways(rig):
    em = _answered_incoming_call(rig)
    audio = rig.line.call.audio
    rig.client.send_to_call(em["id"], tone_hz=1000, ms=600)
    wait_for(lambda: (f := audio.read_frame()) is not None and tone_share(f, 1000) > 0.5,
             timeout=5, what="the far party's 1000 Hz tone in read_frame")
    for frame in tone_frames(1400, 600):
        audio.write_frame(frame)
    wait_for(lambda: _heard_ms(rig, em["id"], 1400) >= 400, timeout=5,
             what="the far party hearing the box's 1400 Hz tone for 0.4 s")
    mark = rig.mark()
    rig.run(rig.line.hangup())
    assert rig.wait_event(GsmCallEnded, since=mark).cause == "normal"
    wait_for(lambda: rig.client.call(em["id"])["state"] == "ended", what="call ended")
    assert rig.client.call(em["id"])["cause"] == 16
    wait_for(lambda: audio.failed is None and audio._serial is None, what="audio closed")
    assert rig.line.call is None and not rig.line.status.in_call


def _heard_ms(rig, cid: str, hz: int) -> float:
    """How long the far party heard `hz` in all (a loaded machine may split a tone)."""
    tones = rig.client.call_heard(cid)["tones"]
    return 1000 * sum(t["t_end"] - t["t_start"] for t in tones if t["hz"] == hz)


def test_remote_hangup_ends_the_call(rig):
    em = _answered_incoming_call(rig)
    mark = rig.mark()
    rig.client.hangup(em["id"], cause=16)
    ended = rig.wait_event(GsmCallEnded, since=mark)
    assert (ended.cause, ended.q850) == ("normal", 16)
    assert rig.line.call is None


def test_withheld_caller_who_abandons(rig):
    em = rig.client.place_call(CALLER, rig.number, withheld=True)
    assert rig.wait_event(GsmIncomingCall).number is None
    assert rig.wait_event(GsmIncomingCall).withheld is True
    rig.client.hangup(em["id"])
    assert rig.wait_event(GsmCallEnded).cause == "abandoned"
    assert rig.line.call is None


def test_caller_abandons_after_some_rings(rig):
    rig.client.place_call(CALLER, rig.number, abandon_after_s=1.0)
    rig.wait_event(GsmIncomingCall, number=CALLER)
    ended = rig.wait_event(GsmCallEnded, timeout=10)
    assert ended.cause == "abandoned"


def test_refusing_a_ringing_call(rig):
    em = rig.client.place_call(CALLER, rig.number)
    rig.wait_event(GsmIncomingCall)
    rig.run(rig.line.hangup())
    assert rig.wait_event(GsmCallEnded).cause == "rejected"
    wait_for(lambda: rig.client.call(em["id"])["cause"] == 21, what="caller told rejected")


def test_outgoing_call_answered_then_far_end_hangs_up(rig):
    rig.client.add_subscriber("+8613700000001", "answer", answer_after_s=0.3)
    call = rig.run(rig.line.dial("+8613700000001"))
    assert rig.run(call.wait_answer(10)) == "answered"
    rig.wait_event(GsmCallAnswered)
    assert call.audio is not None
    em = rig.emulator_call("from_box")
    mark = rig.mark()
    rig.client.hangup(em["id"], cause=16)
    ended = rig.wait_event(GsmCallEnded, since=mark)
    assert (ended.cause, ended.q850) == ("normal", 16)
    assert rig.run(call.wait_end(5)) == "normal"


@pytest.mark.parametrize("behaviour, options, cause, q850", [
    ("busy", {}, "busy", 17),
    ("no_answer", {"no_answer_after_s": 0.5}, "no_answer", 19),
    ("reject", {"answer_after_s": 0.3}, "rejected", 21),
    ("unreachable", {}, "unreachable", 1),
])
def test_outgoing_call_outcomes(rig, behaviour, options, cause, q850):
    rig.client.add_subscriber("+8613700000002", behaviour, **options)
    call = rig.run(rig.line.dial("+8613700000002"))
    assert rig.run(call.wait_answer(10)) == cause
    ended = rig.wait_event(GsmCallEnded)
    assert (ended.cause, ended.q850) == (cause, q850)
    assert rig.line.call is None


def test_outgoing_call_to_a_number_nobody_has(rig):
    call = rig.run(rig.line.dial("13700000000"))
    assert rig.run(call.wait_end(10)) == "unreachable"


def test_local_hangup_of_outgoing_call(rig):
    rig.client.add_subscriber("+8613700000003", "answer", answer_after_s=0.2)
    call = rig.run(rig.line.dial("+8613700000003"))
    assert rig.run(call.wait_answer(10)) == "answered"
    em = rig.emulator_call("from_box")
    rig.run(rig.line.hangup())
    assert rig.run(call.wait_end(5)) == "normal"
    wait_for(lambda: rig.client.call(em["id"])["state"] == "ended", what="far end released")


def test_dtmf_both_ways(rig):
    em = _answered_incoming_call(rig)
    rig.run(rig.line.send_dtmf("12#"))
    wait_for(lambda: [d["digit"] for d in rig.client.call_heard(em["id"])["dtmf"]] == list("12#"),
             what="far party hearing 1 2 #")
    mark = rig.mark()
    rig.client.send_to_call(em["id"], dtmf="5*")
    wait_for(lambda: [e.digit for e in rig.events[mark:] if isinstance(e, GsmDtmf)] == list("5*"),
             what="^DDTMF 5 and *")
    with pytest.raises(ValueError):
        rig.run(rig.line.send_dtmf("A"))
