"""Real speech and mixed sound for tests of what the emulator hears (8 kHz s16le mono).

`spoken(text, voice)` is `text` said by espeak-ng ("cmn" Mandarin, "en" English;
"+f3" and the like for other speakers), resampled to 8 kHz and trimmed to the
voice (leading and trailing silence cut), so a test knows exactly where the
speech starts and ends. `Track` lays sounds out at known offsets; `noise()`
is white Gaussian noise at a level in dBFS.
"""

from __future__ import annotations

import functools
import io
import math
import random
import shutil
import subprocess
import sys
import tempfile
import wave
from array import array
from pathlib import Path

from hil_tests.prompt_match import RATE, audioop, read_wav, to_pcm

ESPEAK = "espeak-ng"
TRIM_DBFS = -45.0  # a 5 ms block below this at either end is silence


def _samples(pcm: bytes) -> array:
    samples = array("h", pcm)
    if sys.byteorder == "big":
        samples.byteswap()
    return samples


def _pcm(samples: array) -> bytes:
    if sys.byteorder == "big":
        samples = array("h", samples)
        samples.byteswap()
    return samples.tobytes()


@functools.cache
def spoken(text: str, voice: str = "cmn", speed: int = 160) -> bytes:
    """`text` spoken by espeak-ng at 8 kHz, trimmed to the voice."""
    if shutil.which(ESPEAK) is None:
        raise RuntimeError("espeak-ng is not installed: run scripts/setup.sh "
                           "(it is in APT_PACKAGES)")
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "speech.wav"
        subprocess.run([ESPEAK, "-v", voice, "-s", str(speed), "-w", str(out), text],
                       check=True, capture_output=True)
        return trim(to_pcm(read_wav(out.read_bytes())))


def trim(pcm: bytes) -> bytes:
    """PCM without its leading and trailing silence (5 ms blocks below TRIM_DBFS)."""
    samples = _samples(pcm)
    block = RATE // 200
    limit = block * (32768 * 10 ** (TRIM_DBFS / 20)) ** 2
    loud = [i for i in range(0, len(samples), block)
            if sum(x * x for x in samples[i:i + block]) > limit]
    if not loud:
        return b""
    return _pcm(samples[loud[0]:loud[-1] + block])


def seconds(pcm: bytes) -> float:
    return len(pcm) / 2 / RATE


def noise(ms: float, dbfs: float, seed: int = 1) -> bytes:
    """White Gaussian noise at `dbfs` (RMS) for `ms` milliseconds."""
    rng = random.Random(seed)
    sigma = 32768 * 10 ** (dbfs / 20)
    n = round(ms * RATE / 1000)
    return _pcm(array("h", (max(-32768, min(32767, round(rng.gauss(0, sigma))))
                            for _ in range(n))))


def scaled(pcm: bytes, db: float) -> bytes:
    """`pcm` made `db` louder (negative: quieter), clipped to 16 bits."""
    gain = 10 ** (db / 20)
    return _pcm(array("h", (max(-32768, min(32767, round(x * gain))) for x in _samples(pcm))))


class Track:
    """Sounds laid out at known offsets (seconds from the start), mixed by adding."""

    def __init__(self, seconds_long: float):
        self._mix = array("i", bytes(4 * round(seconds_long * RATE)))

    def add(self, at_s: float, pcm: bytes) -> Track:
        start = round(at_s * RATE)
        samples = _samples(pcm)
        if start < 0 or start + len(samples) > len(self._mix):
            raise ValueError(f"a sound of {len(samples) / RATE:.2f} s at {at_s} s does not fit")
        for i, x in enumerate(samples):
            self._mix[start + i] += x
        return self

    def pcm(self) -> bytes:
        return _pcm(array("h", (max(-32768, min(32767, x)) for x in self._mix)))

    def frames(self) -> list[bytes]:
        data = self.pcm()
        return [data[i:i + 320] for i in range(0, len(data) - 319, 320)]


def wav_bytes(pcm: bytes, rate: int = RATE) -> bytes:
    """8 kHz PCM as a WAV file at `rate` (resampled), as a prompt file might come."""
    if rate != RATE:
        pcm, _ = audioop.ratecv(pcm, 2, 1, RATE, rate, None)
    out = io.BytesIO()
    with wave.open(out, "wb") as writer:
        writer.setnchannels(1)
        writer.setsampwidth(2)
        writer.setframerate(rate)
        writer.writeframes(pcm)
    return out.getvalue()


def dbfs(pcm: bytes) -> float:
    samples = _samples(pcm)
    if not samples:
        return -math.inf
    power = sum(x * x for x in samples) / len(samples)
    return 10 * math.log10(power / 32768**2) if power else -math.inf
