"""The modem's serial ports over a pseudo-terminal: AT link and paced PCM audio."""

import asyncio
import os
import select
import time
import tty

import pytest

from board.base import FRAME_BYTES
from firmware.lines.gsm_link import SILENCE, SerialAudio, SerialLink


def wait_for(condition, timeout: float = 5.0, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while not (value := condition()):
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what} not met within {timeout} s")
        time.sleep(0.005)
    return value


class Pty:
    def __init__(self):
        self.master, self.slave = os.openpty()
        tty.setraw(self.slave)
        self.path = os.ttyname(self.slave)
        self.received = b""

    def drain(self) -> bytes:
        while select.select([self.master], [], [], 0)[0]:
            self.received += os.read(self.master, 65536)
        return self.received

    def close(self):
        for fd in (self.master, self.slave):
            try:
                os.close(fd)
            except OSError:
                pass


@pytest.fixture
def pty():
    p = Pty()
    yield p
    p.close()


async def test_at_link_moves_bytes_and_reports_loss(pty):
    loop = asyncio.get_running_loop()
    got, lost = [], []
    link = SerialLink("gsmL", pty.path, 115200, loop, got.append, lost.append)
    await asyncio.to_thread(link.open)
    link.write(b"AT\r")
    await asyncio.to_thread(wait_for, lambda: pty.drain() == b"AT\r")
    os.write(pty.master, b"\r\nOK\r\n")
    while b"".join(got) != b"\r\nOK\r\n":
        await asyncio.sleep(0.01)
    pty.close()  # the USB stick is pulled
    while not lost:
        await asyncio.sleep(0.01)
    assert len(lost) == 1
    await asyncio.to_thread(link.close)


async def test_at_link_to_a_missing_device():
    link = SerialLink("gsmL", "/dev/nonexistent-modem", 115200, asyncio.get_running_loop(),
                      print, print)
    with pytest.raises(Exception, match="nonexistent-modem"):
        await asyncio.to_thread(link.open)


def test_audio_paces_silence_and_queued_frames(pty):
    audio = SerialAudio("gsmA", pty.path, 115200)
    audio.open()
    try:
        tone = bytes(range(256)) + bytes(64)
        audio.write_frame(tone)
        start = time.monotonic()
        wait_for(lambda: len(pty.drain()) >= 10 * FRAME_BYTES, what="ten frames")
        elapsed = time.monotonic() - start
        assert 0.1 < elapsed < 1.0  # ~50 frames a second, not a burst
        data = pty.received
        frames = [data[i:i + FRAME_BYTES] for i in range(0, len(data), FRAME_BYTES)]
        assert frames.count(tone) == 1  # once, at a frame boundary, among silence
        assert all(f == tone or SILENCE.startswith(f) for f in frames)
        with pytest.raises(ValueError):
            audio.write_frame(b"short")
    finally:
        audio.close()


def test_audio_cuts_frames_from_the_stream(pty):
    audio = SerialAudio("gsmA", pty.path, 115200)
    audio.open()
    try:
        assert audio.read_frame() is None
        os.write(pty.master, b"\x01" * 500)
        os.write(pty.master, b"\x02" * 140)
        wait_for(lambda: audio.frames_in == 2, what="two frames")
        assert audio.read_frame() == b"\x01" * 320
        assert audio.read_frame() == b"\x01" * 180 + b"\x02" * 140
        assert audio.read_frame() is None
    finally:
        audio.close()


def test_audio_port_that_breaks(pty):
    audio = SerialAudio("gsmA", pty.path, 115200)
    audio.open()
    pty.close()
    wait_for(lambda: audio.failed, what="failure noticed")
    assert audio.read_frame() is None
    audio.close()
