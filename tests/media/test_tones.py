"""Tones, DTMF and PCM prompts the engine plays into a slot, measured at the device."""

from __future__ import annotations

import asyncio
import wave

import pytest

from board.base import FRAME_BYTES
from firmware.lines.dsp import DtmfDetector
from firmware.media import TONE_NAMES, TONE_PLANS, MediaEngine, load_wav
from firmware.media.testing import PacedDevice, energy, tone_frame, tone_share
from firmware.media.tones import Segment

from .helpers import running, wait_until

BLOCK = 40  # 5 ms of samples: the resolution of the cadence measurement
BLOCK_MS = 5


def sound(device: PacedDevice) -> list[bytes]:
    """The frames written to `device` that are not silence."""
    return [s.frame for s in list(device.written) if s.frame != bytes(FRAME_BYTES)]


def pcm_of(device: PacedDevice) -> bytes:
    return b"".join(stamp.frame for stamp in list(device.written))


def runs(pcm: bytes) -> list[tuple[bool, int]]:
    """(tone on?, length in ms) runs of 5 ms blocks, the last (cut) run left out."""
    blocks = [pcm[i:i + 2 * BLOCK] for i in range(0, len(pcm) - 2 * BLOCK + 1, 2 * BLOCK)]
    found: list[tuple[bool, int]] = []
    for block in blocks:
        on = energy(block) > 1e5  # the generator's tones are ~1e7; silence is 0
        if found and found[-1][0] == on:
            found[-1] = (on, found[-1][1] + BLOCK_MS)
        else:
            found.append((on, BLOCK_MS))
    return found[:-1]


def expected_runs(plan: str, name: str) -> list[tuple[bool, int]]:
    pattern: list[tuple[bool, int]] = []
    for segment in TONE_PLANS[plan][name].segments:
        pattern.append((True, segment.on_ms))
        if segment.off_ms:
            pattern.append((False, segment.off_ms))
    return pattern


def assert_cadence(name: str, measured: list[tuple[bool, int]], pattern) -> None:
    assert len(measured) >= len(pattern), f"{name}: too few runs {measured}"
    for k, (on, ms) in enumerate(measured):
        want_on, want_ms = pattern[k % len(pattern)]
        assert on == want_on and abs(ms - want_ms) <= 15, \
            f"{name}: run {k} is {'on' if on else 'off'} {ms} ms, want {want_ms} ({measured})"


def tone_blocks(pcm: bytes) -> bytes:
    """The samples of the blocks that carry tone."""
    blocks = [pcm[i:i + 2 * BLOCK] for i in range(0, len(pcm), 2 * BLOCK)]
    return b"".join(block for block in blocks if energy(block) > 1e5)


async def test_china_tones_have_their_frequency_and_cadence():
    names = ("ringback", "busy", "congestion", "vacant", "call_waiting")
    async with running(tone_plan="cn") as rig:
        lines = {name: rig.line(name) for name in (*names, "dial")}
        for name, (slot, _) in lines.items():
            rig.engine.play_tone(slot, name)
        # ringback's cycle is 5 s: two of its on-runs need ~5.5 s of audio
        await wait_until(lambda: all(len(dev.written) >= 290 for _, dev in lines.values()),
                         timeout=40, what="5.8 s of every tone")
    for name in names:
        pcm = pcm_of(lines[name][1])
        assert_cadence(name, runs(pcm), expected_runs("cn", name))
        assert tone_share(tone_blocks(pcm)[:4000], 450) > 0.95, name
    dial = pcm_of(lines["dial"][1])
    assert min(energy(dial[i:i + 320]) for i in range(0, len(dial), 320)) > 1e5
    assert tone_share(dial[:8000], 450) > 0.95


async def test_us_plan_is_a_table_entry():
    async with running(tone_plan="us") as rig:
        dial, dial_dev = rig.line("dial")
        busy, busy_dev = rig.line("busy")
        rig.engine.play_tone(dial, "dial")
        rig.engine.play_tone(busy, "busy")
        await wait_until(lambda: len(busy_dev.written) >= 120, what="2.4 s of busy")
    assert_cadence("us busy", runs(pcm_of(busy_dev)), expected_runs("us", "busy"))
    tone = tone_blocks(pcm_of(busy_dev))[:4000]
    assert tone_share(tone, 480) > 0.4 and tone_share(tone, 620) > 0.4
    sound = pcm_of(dial_dev)[:8000]
    assert tone_share(sound, 350) > 0.4 and tone_share(sound, 440) > 0.4


async def test_dtmf_digits_are_heard_and_the_future_says_when_done():
    async with running() as rig:
        slot, device = rig.line("gsm0")
        done = rig.engine.play_dtmf(slot, "159#a*0D", on_ms=60, off_ms=60)
        assert slot.playing == "dtmf:159#A*0D"
        assert await asyncio.wait_for(done, 10) is True
        assert slot.playing is None
        await rig.engine.settled()
        count, reads = len(device.written), device.reads
        await wait_until(lambda: device.reads >= reads + 10)
    detector = DtmfDetector()
    digits = []
    for k, stamp in enumerate(device.written):
        digits += [digit for digit, _ in detector.feed(stamp.frame, k * 0.02)]
    assert "".join(digits) == "159#A*0D"
    assert len(device.written) == count  # the generator left the slot when done


async def test_a_new_prompt_replaces_the_old_one():
    async with running() as rig:
        slot, device = rig.line("fxs0")
        first = rig.engine.play_tone(slot, "dial")
        await wait_until(lambda: len(device.written) >= 3)
        second = rig.engine.play_tone(slot, "busy")
        assert await first is False and not second.done()
        assert slot.playing == "tone:busy"
        rig.engine.stop_tone(slot)
        assert await second is False and slot.playing is None
        await rig.engine.settled()
        count, reads = len(device.written), device.reads
        await wait_until(lambda: device.reads >= reads + 10)
        assert len(device.written) == count


async def test_play_pcm_is_bit_exact_once_and_loops_until_stopped():
    frames = [tone_frame(700, k) for k in range(3)] + [tone_frame(1300, k) for k in range(2)]
    pcm = b"".join(frames) + tone_frame(900)[:100]  # a short tail is padded with silence
    async with running() as rig:
        slot, device = rig.line("gsm0")
        assert await asyncio.wait_for(rig.engine.play_pcm(slot, pcm), 10) is True
        await rig.engine.settled()
        once = [s.frame for s in device.written]
        # then silence until the engine saw the end and let go (a pump turn or two)
        assert once[:6] == [*frames, tone_frame(900)[:100] + bytes(220)]
        assert set(once[6:]) <= {bytes(FRAME_BYTES)} and len(once) <= 6 + 5

        looping = rig.engine.play_pcm(slot, bytes(frames[0] + frames[3]), loop=True)
        await wait_until(lambda: len(sound(device)) >= 6 + 8, what="four loops")
        rig.engine.stop_tone(slot)
        assert await looping is False
    assert sound(device)[6:14] == [frames[0], frames[3]] * 4


async def test_prompt_futures_resolve_when_detached_or_stopped():
    async with running() as rig:
        a, _ = rig.line("a")
        b, _ = rig.line("b")
        on_a = rig.engine.play_tone(a, "ringback")
        on_b = rig.engine.play_pcm(b, bytes(FRAME_BYTES), loop=True)
        rig.engine.detach(a)
        assert await on_a is False
    assert await on_b is False and not b.attached


async def test_bad_prompts_are_refused():
    async with running() as rig:
        slot, _ = rig.line("a")
        with pytest.raises(ValueError, match="no tone 'ring'"):
            rig.engine.play_tone(slot, "ring")
        with pytest.raises(ValueError, match="DTMF digits"):
            rig.engine.play_dtmf(slot, "12x")
        with pytest.raises(ValueError, match="DTMF digits"):
            rig.engine.play_dtmf(slot, "1" * 33)
        with pytest.raises(ValueError, match="16-bit"):
            rig.engine.play_pcm(slot, b"\x00\x01\x02")
        with pytest.raises(ValueError, match="16-bit"):
            rig.engine.play_pcm(slot, b"")
        assert slot.playing is None
    with pytest.raises(ValueError, match="unknown tone plan 'xx'"):
        MediaEngine(tone_plan="xx")


def test_tone_tables_are_checked():
    assert set(TONE_PLANS["cn"]) == set(TONE_PLANS["us"]) == set(TONE_NAMES)
    assert TONE_PLANS["cn"]["vacant"].cycle_ms == 3 * 200 + 800
    with pytest.raises(ValueError, match="one or two frequencies"):
        Segment((450, 500, 600), 100)
    with pytest.raises(ValueError, match=r"1\.\.32767 ms on"):
        Segment((450,), 40000)


def write_wav(path, rate=8000, channels=1, width=2, data=b"\x01\x00" * 800):
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(channels)
        wav.setsampwidth(width)
        wav.setframerate(rate)
        wav.writeframes(data)


def test_load_wav(tmp_path):
    good = tmp_path / "greeting.wav"
    write_wav(good)
    assert load_wav(good) == b"\x01\x00" * 800
    wide = tmp_path / "wide.wav"
    write_wav(wide, rate=16000)
    with pytest.raises(ValueError, match="16000 Hz"):
        load_wav(wide)
    junk = tmp_path / "junk.wav"
    junk.write_bytes(b"RIFF nonsense")
    with pytest.raises(ValueError, match="not a PCM WAV"):
        load_wav(junk)
