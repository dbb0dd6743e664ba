"""The FXO line driver on a fake port: incoming calls, answer, audio, far-end disconnect,
a cut line. Line time is a fake clock stepped 20 ms at a time (tests/lines/fxo_fake.py)."""

from __future__ import annotations

import random
from datetime import datetime

import pytest

from board.base import PortInUse
from firmware.config.schema import FxoLineConfig
from firmware.errors import LineInUse, LineOutOfService
from firmware.lines.callerid import caller_id_audio
from firmware.lines.fxo_call import CallStateError
from firmware.lines.model import IncomingCall, LineCallAnswered, LineCallEnded, LineStateChanged
from firmware.lines.tonegen import dtmf_pcm
from tests.lines import signals as sig
from tests.lines.fxo_fake import FxoRig, tone_pcm

WHEN = datetime(2026, 3, 2, 10, 0)


async def ring_in_with_fsk(rig: FxoRig, fsk: bytes) -> None:
    """Ring 1, then the caller ID 0.6 s after it, as a cn exchange sends it."""
    await rig.ring(1.0)
    await rig.run(0.6)
    rig.play(fsk)


async def test_a_cn_call_with_fsk_caller_id_is_offered_once_before_ring_two():
    async with FxoRig() as rig:
        await ring_in_with_fsk(rig, caller_id_audio(WHEN, "13812345678", "李雷"))
        assert rig.line.call is None and not rig.line.available()  # rung, not offered yet
        await rig.run_until(lambda: rig.of(IncomingCall), limit=3.0)
        assert rig.of(IncomingCall) == [IncomingCall("fxo0", "13812345678", False)]
        call = rig.line.call
        assert (call.direction, call.state, call.name) == ("in", "ringing", "李雷")
        assert rig.of(LineStateChanged)[-1].state == "ringing"
        assert rig.line.status_dict()["last_ring"].startswith("2026-03-02T10:00:0")
        await rig.ring(1.0)  # ring 2: the same call
        assert len(rig.of(IncomingCall)) == 1
        assert rig.port.hooks == []  # never answered by the driver itself


async def test_a_us_line_reads_sdmf_and_a_withheld_caller():
    async with FxoRig(profile="us") as rig:
        message = sig.sdmf("03021000", "P")
        fsk = sig.pcm(sig.fsk(sig.cid_bits(message), 1200, 2200, -18.0))
        await rig.ring(2.0)
        await rig.run(0.6)
        rig.play(fsk)
        await rig.run_until(lambda: rig.of(IncomingCall), limit=3.0)
        assert rig.of(IncomingCall) == [IncomingCall("fxo0", None, True)]
        assert rig.line.status_dict()["disconnect"] == "loop_current"


async def test_a_caller_who_gives_up_abandons_and_a_spike_is_no_call():
    async with FxoRig() as rig:
        rig.port.emit("ring_begin")
        await rig.run(0.1)  # a spike
        rig.port.emit("ring_end")
        await rig.run(6.0)
        assert rig.of(IncomingCall) == [] and rig.line.available()
        await rig.ring(1.0)  # no caller ID at all: offered at ring 2
        await rig.run(4.0)
        await rig.ring(1.0)
        assert rig.of(IncomingCall) == [IncomingCall("fxo0", None, False)]
        call = rig.line.call
        await rig.run_until(lambda: rig.of(LineCallEnded), limit=7.0)
        assert rig.of(LineCallEnded) == [LineCallEnded("fxo0", "abandoned")]
        assert call.cause == "abandoned" and await call.wait_answer() == "abandoned"
        assert rig.line.call is None and rig.line.available()
        assert rig.of(LineStateChanged)[-1].state == "idle"


async def test_a_voice_modem_port_rings_once_per_burst_and_decodes_caller_id_itself():
    async with FxoRig(ring_edges=False, caller_id="port") as rig:
        rig.port.emit("ring")
        await rig.run(1.5)
        rig.port.emit("caller_id", {"number": "13812345678", "name": None, "reason": None})
        await rig.run(0.1)
        assert rig.of(IncomingCall) == [IncomingCall("fxo0", "13812345678", False)]
        await rig.run(3.4)
        rig.port.emit("ring")
        await rig.run(2.0)
        assert rig.line.call is not None  # still ringing
        await rig.run_until(lambda: rig.of(LineCallEnded), limit=8.0)
        assert rig.of(LineCallEnded)[0].cause == "abandoned"
        rig.port.emit("ring")
        await rig.run(1.0)
        rig.port.emit("caller_id", {"number": None, "name": None, "reason": "withheld"})
        await rig.run(0.1)
        assert rig.of(IncomingCall)[-1] == IncomingCall("fxo0", None, True)


async def answered_call(rig: FxoRig):
    await ring_in_with_fsk(rig, caller_id_audio(WHEN, "13812345678"))
    await rig.run_until(lambda: rig.line.call)
    call = await rig.line.answer()
    assert rig.port.hook == "off" and call.answered and rig.of(LineCallAnswered)
    return call


async def test_answer_gives_the_ports_audio_both_ways_and_the_box_hangs_up():
    async with FxoRig() as rig:
        call = await answered_call(rig)
        assert rig.line.status_dict()["state"] == "in_use" and not rig.line.available()
        speech = tone_pcm((1000.0,), seconds=0.2)
        rig.play(speech)
        await rig.run(0.3)
        heard = b"".join(iter(call.audio.read_frame, None))
        assert speech in heard
        call.audio.write_frame(tone_pcm((800.0,), seconds=0.02))
        assert rig.port.audio.written[-1][1] == tone_pcm((800.0,), seconds=0.02)
        await rig.line.hangup()
        assert rig.port.hook == "on" and rig.of(LineCallEnded) == [LineCallEnded("fxo0", "normal")]
        # the exchange takes 1.1 s on hook to release the line: "in_use" till then, but a
        # call may be placed (its dial waits)
        assert rig.line.status_dict()["state"] == "in_use" and rig.line.available()
        await rig.run(1.4)
        assert rig.line.status_dict()["state"] == "idle"
        assert call.audio.read_frame() is None
        with pytest.raises(CallStateError):
            await rig.line.answer()
        with pytest.raises(CallStateError):
            await rig.line.send_dtmf("1")


async def test_dtmf_into_a_call_is_sent_in_band_instead_of_the_bridges_audio():
    async with FxoRig() as rig:
        call = await answered_call(rig)
        since = rig.now
        task = __import__("asyncio").ensure_future(rig.line.send_dtmf("5*0"))
        while not task.done():
            call.audio.write_frame(tone_pcm((800.0,), seconds=0.02))  # the bridge: dropped
            await rig.step()
        assert rig.port.sent_digits(since) == "5*0"
        with pytest.raises(ValueError, match="'x'"):
            await rig.line.send_dtmf("1x")


async def test_busy_tone_after_the_far_end_hangs_up_releases_the_line_but_music_does_not():
    async with FxoRig() as rig:
        call = await answered_call(rig)
        rng = random.Random(7)
        rig.play(sig.pcm(sig.piano(sig.melody(rng, 8.0, 0.35), 8.0, -18.0)))
        rig.play(sig.pcm(sig.piano([(440.0, 0.7 * i, 0.35) for i in range(6)], 4.2)))
        await rig.run(12.2)
        assert call.state == "active"  # music, even A4 on the busy rhythm, is no disconnect
        rig.play(tone_pcm((450.0,), (0.35, 0.35), seconds=3.0))
        await rig.run_until(lambda: call.ended, limit=3.0)
        assert call.cause == "normal" and rig.port.hook == "on"
        assert rig.of(LineCallEnded) == [LineCallEnded("fxo0", "normal")]
        assert "busy tone" in call.how


@pytest.mark.parametrize(("method", "event"), [("polarity", "polarity"),
                                               ("loop_current", "loop_off")])
async def test_polarity_and_loop_current_disconnects(method, event):
    async with FxoRig(disconnect=method) as rig:
        call = await answered_call(rig)
        if method == "loop_current":
            rig.port.emit("loop_off")  # a glitch of 0.1 s
            await rig.run(0.1)
            rig.port.emit("loop_on")
        await rig.run(1.5)
        assert call.state == "active"
        rig.port.emit(event)
        await rig.run_until(lambda: call.ended, limit=1.0)
        assert call.cause == "normal" and rig.port.hook == "on"


async def test_a_line_cut_mid_call_ends_it_failed_and_the_line_comes_back():
    async with FxoRig() as rig:
        call = await answered_call(rig)
        rig.port.emit("battery_lost")
        await rig.run(0.1)
        assert call.cause == "failed" and rig.port.hook == "on"
        assert rig.of(LineCallEnded) == [LineCallEnded("fxo0", "failed")]
        await rig.run(1.0)
        status = rig.line.status_dict()
        assert (status["state"], status["reason_code"], status["battery"]) == \
            ("fault", "no_battery", False)
        assert rig.of(LineStateChanged)[-1] == LineStateChanged("fxo0", "fault", status["reason"])
        assert not rig.line.available()
        with pytest.raises(LineOutOfService):
            await rig.line.dial("10086")
        rig.port.emit("battery_restored")
        await rig.run(0.1)
        assert rig.line.status_dict()["state"] == "idle" and rig.line.available()


async def test_status_shape_and_the_port_has_one_owner():
    async with FxoRig() as rig:
        status = rig.line.status_dict()
        assert status == {"kind": "fxo", "state": "idle", "reason": "", "reason_code": "",
                          "number": "01062345678", "profile": "cn", "disconnect": "busy_tone",
                          "battery": True, "polarity": "normal", "last_ring": None,
                          "in_call": False}
        with pytest.raises(PortInUse):
            rig.port.claim("someone else")
        with pytest.raises(LineInUse):
            await ring_in_with_fsk(rig, b"")
            await rig.run(0.2)
            await rig.line.dial("10086")


async def test_new_settings_apply_from_the_next_call_and_bad_ones_are_refused():
    async with FxoRig() as rig:
        await rig.ring(1.0)  # a cn call is ringing
        rig.line.configure(FxoLineConfig("fxo0", profile="us", disconnect="polarity"))
        assert rig.line.status_dict()["profile"] == "us"
        assert rig.line.status_dict()["disconnect"] == "polarity"
        await rig.run(4.0)
        await rig.ring(1.0)  # still the cn cadence of this call
        assert rig.of(IncomingCall) == [IncomingCall("fxo0", None, False)]
        await rig.run_until(lambda: rig.of(LineCallEnded), limit=7.0)
        await rig.ring(1.0)  # the next call is rung on the us profile
        await rig.run(0.1)
        assert rig.line._incoming.profile.name == "us"
        with pytest.raises(ValueError, match="uk"):
            rig.line.configure(FxoLineConfig("fxo0", profile="uk"))
        with pytest.raises(ValueError, match="smoke"):
            rig.line.configure(FxoLineConfig("fxo0", disconnect="smoke"))
        assert rig.line.status_dict()["profile"] == "us"


async def test_dtmf_caller_id_before_the_first_ring_is_offered_at_ring_one():
    async with FxoRig() as rig:
        rig.play(dtmf_pcm("A13812345678C", 0.07, 0.07))
        await rig.run(2.2)
        await rig.ring(0.5)
        assert rig.of(IncomingCall) == [IncomingCall("fxo0", "13812345678", False)]


async def test_dial_tone_after_the_answer_means_the_caller_had_gone():
    async with FxoRig() as rig:
        call = await answered_call(rig)
        rig.loop_tone(tone_pcm((450.0,)))  # the caller hung up just before: an idle line
        await rig.run_until(lambda: call.ended, limit=2.0)
        assert call.cause == "abandoned" and rig.port.hook == "on"
        assert rig.of(LineCallEnded) == [LineCallEnded("fxo0", "abandoned")]


async def test_a_steady_tone_later_in_the_call_is_no_abandon():
    async with FxoRig() as rig:
        call = await answered_call(rig)
        await rig.run(3.0)
        rig.loop_tone(tone_pcm((450.0,)))  # e.g. a test tone the caller plays
        await rig.run(3.0)
        assert call.state == "active"
