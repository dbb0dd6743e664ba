"""The box's side of recording without a call: frames written by the writer thread, the
finished WAV encoded by the real encoders (sox: MP3, opusenc: Opus) at low priority,
the limits applied and the owner warned (firmware/recordings/keeper.py, writer.py,
encode.py)."""

from __future__ import annotations

import asyncio
import shutil
import subprocess
import time
import wave
from pathlib import Path

import pytest

from firmware.config.recording_schema import RecordingConfig, RecordingFormat
from firmware.media.testing import power_at, tone_frame
from firmware.recordings.encode import encoder_tool, niced
from firmware.recordings.keeper import RecordingKeeper
from firmware.recordings.writer import WavWriter

TONE_HZ = 1000.0


class _Config:
    def __init__(self, section: RecordingConfig):
        self.recording = section


def _frames(n: int) -> list[bytes]:
    return [tone_frame(TONE_HZ, i, 8000) for i in range(n)]


def _decoded(path: Path) -> bytes:
    if path.suffix == ".opus":
        wav = path.with_suffix(".dec.wav")
        subprocess.run(["opusdec", "--quiet", "--rate", "8000", str(path), str(wav)],
                       capture_output=True, check=True, timeout=60)
        path = wav
    return subprocess.run(["sox", "-q", str(path), "-t", "raw", "-r", "8000", "-e", "signed",
                           "-b", "16", "-c", "1", "-"], capture_output=True, check=True,
                          timeout=60).stdout


async def _record(keeper: RecordingKeeper, frames: list[bytes]):
    pending = list(frames)

    def drain() -> list[bytes]:
        out = pending[:]
        pending.clear()
        return out

    rec = keeper.begin("20260901-100000-abcdef", drain, caller="+8613588888888", rule="all")
    keeper.end(rec)
    done = None
    for _ in range(600):
        await asyncio.sleep(0.05)
        if keeper._tasks:  # the row is stored by a thread, then closed and encoded
            continue
        done = keeper.store.get(rec.id)
        if done.state == "ready":
            return done
    raise AssertionError(f"recording {rec.id} never became ready: {done}")


@pytest.mark.parametrize("fmt", ["mp3", "opus", "wav"])
def test_a_recording_is_kept_in_the_configured_format(tmp_path, fmt):
    if fmt != "wav" and shutil.which(encoder_tool(fmt, Path("a"), Path("b"))[0]) is None:
        pytest.fail(f"the {fmt} encoder is not installed: run scripts/setup.sh")
    section = RecordingConfig(rules=("all",), format=RecordingFormat(fmt))
    keeper = RecordingKeeper(tmp_path, lambda: _Config(section))

    async def run():
        await keeper.start()
        try:
            return await _record(keeper, _frames(150))  # 3 s
        finally:
            await keeper.stop()

    done = asyncio.run(run())
    path = Path(done.file)
    assert done.format == fmt and path.suffix == f".{fmt}" and path.exists()
    assert done.duration_s == 3.0 and done.bytes == path.stat().st_size
    if fmt != "wav":
        assert done.bytes < 3 * 16000 / 4  # compressed: under a quarter of the WAV
        assert not path.with_suffix(".wav").exists()
    pcm = _decoded(path)
    assert len(pcm) >= 2.5 * 16000
    middle = pcm[16000:32000]
    assert power_at(middle, TONE_HZ) > 0.5 * power_at(tone_frame(TONE_HZ, 0, 8000), TONE_HZ)


def test_the_storage_limit_deletes_the_oldest_and_warns(tmp_path):
    section = RecordingConfig(rules=("all",), format=RecordingFormat.WAV, storage_limit_mb=1)
    keeper = RecordingKeeper(tmp_path, lambda: _Config(section))
    old = keeper.store.begin("old", time.time() - 3600)
    Path(old.file).write_bytes(bytes(1_040_000))
    keeper.store.finished(old.id, 65.0, encode=False)

    async def run():
        await keeper.start()
        try:
            return await _record(keeper, _frames(500))  # 10 s: 160 kB more
        finally:
            await keeper.stop()

    done = asyncio.run(run())
    assert [r.id for r in keeper.store.list()] == [done.id]
    warning = keeper.store.warning()
    assert warning["deleted"] == 1 and warning["limit_mb"] == 1
    status = keeper.status()
    assert status["warning"] == warning and status["used_bytes"] == done.bytes
    assert status["enabled"] and status["active"] == 0


def test_the_writer_keeps_a_playable_file_while_it_runs(tmp_path):
    writer = WavWriter(flush_s=0.02).start()
    frames = _frames(50)
    try:
        writer.add("r1", tmp_path / "r1.wav", lambda: [frames.pop(0)] if frames else [])
        deadline = time.monotonic() + 10
        while frames and time.monotonic() < deadline:
            time.sleep(0.02)
        with wave.open(str(tmp_path / "r1.wav")) as w:  # read while still open
            assert w.getnframes() > 0
        assert writer.close("r1").result(10) == 1.0
    finally:
        writer.stop()
    assert writer.close("gone").result(1) == 0.0


def test_the_encoder_runs_at_the_lowest_priority():
    command = niced(encoder_tool("mp3", Path("in.wav"), Path("out.mp3")))
    assert command[1:3] == ["-n", "19"] and command[3] == "sox"
    with pytest.raises(ValueError):
        encoder_tool("flac", Path("in.wav"), Path("out.flac"))
