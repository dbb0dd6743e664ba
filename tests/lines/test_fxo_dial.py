"""Dialling out and network forwarding on the FXO line driver, on a fake port.

The test plays the exchange: dial tone until the box's first digit, then what the
network says in-band (ringback, busy, a voice), as a real analog line gives no
other signal. Line time is a fake clock (tests/lines/fxo_fake.py)."""

from __future__ import annotations

import asyncio

import pytest

from firmware.errors import LineInUse
from firmware.lines.analog_profiles import CN, US
from firmware.lines.fxo_dial import dialable
from firmware.lines.fxo_forward import ForwardingRefused
from firmware.lines.model import IncomingCall, LineCallAnswered, LineCallEnded
from tests.lines import signals as sig
from tests.lines.fxo_fake import FxoRig, tone_pcm

DIAL = tone_pcm((450.0,))
RINGBACK = tone_pcm((450.0,), (1.0, 4.0), seconds=5.0)


async def seized_with_dial_tone(rig: FxoRig, dial: bytes = DIAL) -> float:
    await rig.run_until(lambda: rig.port.hook == "off", limit=3.0)
    rig.loop_tone(dial, until_digit=True)
    return rig.now


async def after_digits(rig: FxoRig, digits: str, limit: float = 8.0) -> None:
    since = rig.port.hooks[-1][0]  # this seizure's digits
    for _ in range(round(limit / 0.2)):
        await rig.run(0.2)
        if rig.port.sent_digits(since) == digits:
            await rig.run(0.3)  # the last digit's off time
            return
    raise AssertionError(f"{digits} not dialled within {limit} s")


async def test_dial_sends_dtmf_after_dial_tone_and_voice_after_ringback_is_the_answer():
    async with FxoRig() as rig:
        call = await rig.line.dial("+8613800138000")
        assert (call.direction, call.state, rig.line.available()) == ("out", "dialling", False)
        t_seize = await seized_with_dial_tone(rig)
        await after_digits(rig, "13800138000")
        digits_start = next(t for t, f in rig.port.audio.written if any(f))
        assert digits_start >= t_seize + 0.9  # cn: dial tone confirmed first
        rig.loop_tone(RINGBACK)
        await rig.run(6.0)
        assert call.state == "alerting" and not call.answered
        rig.loop_tone(None)
        rig.play(sig.pcm(sig.piano([(220.0, 0.0, 1.0)], 1.0)))  # somebody speaks
        await rig.run_until(lambda: call.answered, limit=2.0)
        assert await call.wait_answer() == "answered" and "voice" in call.how
        assert rig.of(LineCallAnswered) and call.audio is not None


async def test_ringback_stopping_means_a_silent_answer_and_polarity_answers_at_once():
    async with FxoRig() as rig:
        call = await rig.line.dial("13800138000")
        await seized_with_dial_tone(rig)
        await after_digits(rig, "13800138000")
        rig.play(RINGBACK)
        await rig.run_until(lambda: call.answered, limit=12.0)
        assert call.how == "ringback stopped"
        await rig.line.hangup()
        t_onhook = rig.now
        second = await rig.line.dial("13800138000")
        await seized_with_dial_tone(rig)
        assert rig.port.hooks[-1][0] - t_onhook >= 1.1  # the exchange must see a release
        await after_digits(rig, "13800138000")
        rig.port.emit("polarity")
        await rig.run(0.1)
        assert second.answered and second.how == "polarity reversal"


@pytest.mark.parametrize(("tone", "cause"), [
    (tone_pcm((450.0,), (0.35, 0.35), seconds=2.8), "busy"),
    (tone_pcm((450.0,), (0.7, 0.7), seconds=4.2), "failed"),
    (tone_pcm((450.0,), (0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.4, 0.4), seconds=2.8), "unreachable")])
async def test_busy_congestion_and_vacant_end_the_call(tone, cause):
    async with FxoRig() as rig:
        call = await rig.line.dial("13800138000")
        await seized_with_dial_tone(rig)
        await after_digits(rig, "13800138000")
        rig.loop_tone(tone)
        assert await asyncio.wait_for(_until_end(rig, call), 5) == cause
        assert rig.port.hook == "on" and rig.of(LineCallEnded)[-1].cause == cause


async def _until_end(rig: FxoRig, call) -> str:
    await rig.run_until(lambda: call.ended, limit=10.0)
    return call.cause


async def test_no_dial_tone_fails_and_endless_ringback_is_no_answer():
    async with FxoRig() as rig:
        call = await rig.line.dial("13800138000")
        await rig.run_until(lambda: call.ended, limit=6.0)  # 1.3 s on hook, 3 s seized
        assert call.cause == "failed" and "dial tone" in call.how and rig.port.hook == "on"
        call = await rig.line.dial("13800138000")
        await seized_with_dial_tone(rig)
        await after_digits(rig, "13800138000")
        rig.loop_tone(RINGBACK)
        await rig.run_until(lambda: call.ended, limit=62.0)
        assert call.cause == "no_answer"


async def test_a_us_line_dials_after_its_dial_tone_and_hears_us_busy():
    async with FxoRig(profile="us") as rig:
        call = await rig.line.dial("+12125550100")
        await seized_with_dial_tone(rig, tone_pcm((350.0, 440.0)))
        await after_digits(rig, "12125550100")
        rig.loop_tone(tone_pcm((480.0, 620.0), (0.5, 0.5), seconds=1.0))
        await rig.run_until(lambda: call.ended, limit=4.0)
        assert call.cause == "busy"


def test_numbers_are_dialled_the_way_the_line_wants_them():
    assert dialable("+8613800138000", CN) == "13800138000"
    assert dialable("+86 10 6234 5678", CN) == "01062345678"
    assert dialable("+12125550100", CN) == "0012125550100"
    assert dialable("+12125550100", US) == "12125550100"
    assert dialable("*57*13800138000#", CN) == "*57*13800138000#"
    for bad in ("", "+86abc", "138-0013-800x"):
        with pytest.raises(ValueError):
            dialable(bad, CN)


CONFIRM = tone_pcm((450.0,), (0.1, 0.1), seconds=0.6) + bytes(320 * 60)


async def test_forwarding_dials_the_service_code_and_waits_for_the_confirmation():
    async with FxoRig() as rig:
        task = asyncio.ensure_future(rig.line.set_forwarding("+8613800138000"))
        await seized_with_dial_tone(rig)
        await after_digits(rig, "*57*13800138000#")
        assert not task.done()
        rig.play(CONFIRM)
        await rig.run_until(task.done, limit=3.0)
        await task
        assert await rig.line.forwarding() == "+8613800138000" and rig.port.hook == "on"
        await rig.run(0.5)
        # forwarding on: the exchange gives the special dial tone (0.4 s / 0.04 s)
        off = asyncio.ensure_future(rig.line.set_forwarding(None))
        await seized_with_dial_tone(rig, tone_pcm((450.0,), (0.4, 0.04), seconds=4.4))
        await after_digits(rig, "#57#")
        rig.play(CONFIRM)
        await rig.run_until(off.done, limit=3.0)
        await off
        assert await rig.line.forwarding() is None


async def test_forwarding_refused_by_the_exchange_or_while_the_line_is_busy():
    async with FxoRig() as rig:
        task = asyncio.ensure_future(rig.line.set_forwarding("13800138000"))
        await seized_with_dial_tone(rig)
        await after_digits(rig, "*57*13800138000#")
        rig.loop_tone(tone_pcm((450.0,), (0.7, 0.7), seconds=1.4))
        await rig.run_until(task.done, limit=4.0)
        with pytest.raises(ForwardingRefused) as refused:
            await task
        assert refused.value.reason_code == "fxo_forward_refused"
        assert await rig.line.forwarding() is None and rig.port.hook == "on"
        rig.loop_tone(None)
        await rig.run(1.4)
        call = await rig.line.dial("13800138000")
        with pytest.raises(ForwardingRefused) as busy:
            await rig.line.set_forwarding("13800138000")
        assert busy.value.reason_code == "fxo_forward_busy"
        with pytest.raises(LineInUse):
            await rig.line.dial("10086")
        await rig.line.hangup()
        assert call.cause == "normal"
        await rig.run(1.4)
        assert rig.port.hooks[-1][1] is False  # the dial was stopped before it seized


async def test_on_a_polarity_line_the_answers_reversal_is_no_disconnect_the_next_one_is():
    async with FxoRig(disconnect="polarity") as rig:
        call = await rig.line.dial("13800138000")
        await seized_with_dial_tone(rig)
        await after_digits(rig, "13800138000")
        rig.loop_tone(RINGBACK)
        await rig.run(1.5)
        rig.port.emit("polarity")  # answer supervision
        await rig.run(0.1)
        rig.loop_tone(None)
        rig.port.emit("polarity")  # the same reversal reported twice (a bouncing contact)
        await rig.run(2.0)
        assert call.state == "active" and call.how == "polarity reversal"
        rig.port.emit("polarity")  # the far end hung up
        await rig.run(0.1)
        assert call.cause == "normal" and rig.port.hook == "on"


async def test_stopping_the_line_ends_a_dial_that_waits_for_the_release():
    rig = FxoRig()
    await rig.line.start()
    call = await rig.line.dial("13800138000")
    await seized_with_dial_tone(rig)
    await rig.line.hangup()
    second = await rig.line.dial("10086")  # waits 1.3 s on hook first
    await rig.run(0.2)
    await rig.line.stop()
    assert (call.cause, second.cause) == ("normal", "normal")
    assert rig.port.hook == "on" and rig.port.owner is None
    assert rig.line.status_dict()["state"] == "fault"  # stopped
    await asyncio.sleep(0)
    assert [t for t in asyncio.all_tasks() if t.get_name().startswith(("dial-", "pump-"))] == []


async def test_a_call_ringing_in_while_a_dial_waits_for_the_release_goes_first():
    async with FxoRig() as rig:
        first = await rig.line.dial("13800138000")
        await seized_with_dial_tone(rig)
        await rig.line.hangup()
        waiting = await rig.line.dial("10086")  # must stay on hook 1.3 s first
        rig.port.emit("ring_begin")
        await rig.run(0.5)
        rig.port.emit("ring_end")
        await rig.run(1.5)
        assert (first.cause, waiting.cause) == ("normal", "failed")
        assert rig.port.hook == "on"  # not seized: that would have answered the caller
        await rig.run(3.0)
        await rig.ring(1.0)  # ring 2: no caller ID came, the call is offered now
        assert rig.of(IncomingCall) == [IncomingCall("fxo0", None, False)]  # no caller ID
        assert rig.line.call.direction == "in" and rig.port.hook == "on"


async def test_late_ticks_still_send_every_frame_of_the_digits():
    async with FxoRig() as rig:
        await rig.line.dial("13800138000")
        await seized_with_dial_tone(rig)
        await rig.run(1.0)  # dial tone confirmed: the digits start
        start = len(rig.port.audio.written)
        for _ in range(40):  # the loop is late: a tick every 60 ms
            rig.port.audio.inbound.extend([bytes(320)] * 3)
            rig.clock.advance(0.06)
            rig.line.tick()
            await asyncio.sleep(0)
        assert len(rig.port.audio.written) - start in range(119, 122)  # 2.4 s of frames
        await rig.run(1.0)
        assert rig.port.sent_digits(rig.port.hooks[-1][0]) == "13800138000"


async def test_an_outbound_call_has_early_media_and_the_bridge_is_muted_until_the_answer():
    async with FxoRig() as rig:
        call = await rig.line.dial("13800138000")
        assert call.early_media and call.audio is not None
        await seized_with_dial_tone(rig)
        for _ in range(40):  # the bridge talks while the box dials: dropped
            call.audio.write_frame(tone_pcm((800.0,), seconds=0.02))
            await rig.step()
        assert tone_pcm((800.0,), seconds=0.02) not in [f for _, f in rig.port.audio.written]
        await after_digits(rig, "13800138000")
        rig.play(RINGBACK[:320 * 50])
        await rig.run(1.0)
        heard = b"".join(iter(call.audio.read_frame, None))
        assert RINGBACK[:320 * 20] in heard  # the caller hears the line's own ringback
        rig.port.emit("polarity")
        await rig.run(0.1)
        assert call.answered
        call.audio.write_frame(tone_pcm((800.0,), seconds=0.02))
        assert rig.port.audio.written[-1][1] == tone_pcm((800.0,), seconds=0.02)
