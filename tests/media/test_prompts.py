"""Prompts through the bridge: clips in memory and WAV files, in order, looped, cut short."""

from __future__ import annotations

import asyncio
import wave
from pathlib import Path

import pytest

from board.base import FRAME_BYTES
from firmware.media.testing import tone_frame

from .helpers import running, wait_until


def write_wav(path: Path, pcm: bytes, rate: int = 8000) -> Path:
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(rate)
        wav.writeframes(pcm)
    return path


def sound(device) -> list[bytes]:
    return [s.frame for s in list(device.written) if s.frame != bytes(FRAME_BYTES)]


async def test_a_wav_file_comes_out_frame_for_frame(tmp_path: Path):
    frames = [tone_frame(700, k) for k in range(60)]  # 1.2 s: more than the read-ahead
    tail = tone_frame(900)[:100]
    path = write_wav(tmp_path / "tone.wav", b"".join(frames) + tail)
    async with running() as rig:
        slot, device = rig.line("gsm0")
        assert await asyncio.wait_for(rig.engine.play_prompt(slot, [path]), 10) is True
        assert slot.playing is None
    assert sound(device) == [*frames, tail + bytes(FRAME_BYTES - len(tail))]


async def test_a_sequence_plays_in_order_memory_and_file(tmp_path: Path):
    first = [tone_frame(500, k) for k in range(3)]
    second = [tone_frame(1500, k) for k in range(4)]
    path = write_wav(tmp_path / "two.wav", b"".join(second))
    async with running() as rig:
        slot, device = rig.line("gsm0")
        done = rig.engine.play_prompt(slot, [b"".join(first), path, b"".join(first)])
        assert slot.playing == "prompt"
        assert await asyncio.wait_for(done, 10) is True
    assert sound(device) == first + second + first


async def test_a_looping_prompt_plays_until_stopped(tmp_path: Path):
    frames = [tone_frame(800, k) for k in range(2)]
    path = write_wav(tmp_path / "moh.wav", b"".join(frames))
    async with running() as rig:
        slot, device = rig.line("gsm0")
        done = rig.engine.play_prompt(slot, [path], loop=True)
        await wait_until(lambda: len(sound(device)) >= 10, what="five rounds")
        assert not done.done()
        rig.engine.stop_tone(slot)
        assert await done is False
        await rig.engine.settled()
        count = len(device.written)
        await asyncio.sleep(0.2)
        assert len(device.written) == count  # nothing more once stopped
    assert sound(device)[:10] == frames * 5


async def test_cut_short_a_tone_replaces_it_and_detach_ends_it(tmp_path: Path):
    long = write_wav(tmp_path / "long.wav", b"".join(tone_frame(600, k) for k in range(500)))
    async with running() as rig:
        slot, device = rig.line("gsm0")
        first = rig.engine.play_prompt(slot, [long])
        await wait_until(lambda: len(sound(device)) >= 5, what="the prompt started")
        tone = rig.engine.play_tone(slot, "busy")
        assert await first is False  # replaced: not played out
        rig.engine.stop_tone(slot)
        assert await tone is False
        again = rig.engine.play_prompt(slot, [long])
        await wait_until(lambda: slot.playing == "prompt")
        rig.engine.detach(slot)
        assert await again is False


async def test_a_missing_or_wrong_file_is_skipped_not_fatal(tmp_path: Path, caplog):
    good = [tone_frame(1000, k) for k in range(3)]
    stereo = tmp_path / "stereo.wav"
    with wave.open(str(stereo), "wb") as wav:
        wav.setnchannels(2)
        wav.setsampwidth(2)
        wav.setframerate(8000)
        wav.writeframes(bytes(640))
    async with running() as rig:
        slot, device = rig.line("gsm0")
        done = rig.engine.play_prompt(slot, [tmp_path / "gone.wav", stereo, b"".join(good)])
        assert await asyncio.wait_for(done, 10) is True
        looping = rig.engine.play_prompt(slot, [tmp_path / "gone.wav"], loop=True)
        assert await asyncio.wait_for(looping, 10) is True  # nothing to loop: it ends
        with pytest.raises(ValueError, match="at least one clip"):
            rig.engine.play_prompt(slot, [])
        with pytest.raises(ValueError, match="clip 0"):
            rig.engine.play_prompt(slot, ["welcome.wav"])
    assert sound(device) == good
    assert "skipping clip" in caplog.text
