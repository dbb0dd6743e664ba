"""Test signals for the analog line's DSP: levels, noise, FSK, cadences, speech, music.

Written from the standards, independently of the firmware's detectors (the
FSK modulator here takes any mark/space frequency, baud rate, level and
start phase, unlike firmware/lines/callerid.py's). Speech is real: espeak-ng
(a Debian package, scripts/setup.sh) speaks Mandarin and English, resampled
here to 8 kHz.
"""

from __future__ import annotations

import functools
import io
import math
import random
import shutil
import subprocess
import wave
from array import array

RATE = 8000
FRAME_SAMPLES = 160
FRAME_BYTES = 320
FULL_SCALE_DBM0 = 3.14  # a full-scale sine in dBm0 (G.711)


def amplitude(dbm0: float) -> float:
    """Peak amplitude of a sine at `dbm0`."""
    return 32767 * 10 ** ((dbm0 - FULL_SCALE_DBM0) / 20)


def pcm(samples: list[float], gain: float = 1.0) -> bytes:
    """Clipped to 16 bits, padded with silence to whole 20 ms frames."""
    out = array("h", (max(-32768, min(32767, round(x * gain))) for x in samples))
    out += array("h", bytes(2 * (-len(out) % FRAME_SAMPLES)))
    return out.tobytes()


def samples_of(data: bytes) -> list[float]:
    return [float(x) for x in array("h", data)]


def silence(seconds: float) -> list[float]:
    return [0.0] * round(seconds * RATE)


def sines(parts: list[tuple[float, float]], seconds: float, phase: float = 0.0,
          start: int = 0) -> list[float]:
    """Sum of (hz, amplitude) sines, sample `start` onwards (phase-continuous pieces)."""
    steps = [(2 * math.pi * hz / RATE, amp) for hz, amp in parts]
    return [sum(a * math.sin(w * (start + i) + phase) for w, a in steps)
            for i in range(round(seconds * RATE))]


def mix(*signals: list[float]) -> list[float]:
    size = max(len(s) for s in signals)
    return [sum(s[i] for s in signals if i < len(s)) for i in range(size)]


def noise(seconds: float, dbm0: float, rng: random.Random) -> list[float]:
    """White noise whose power is that of a sine at `dbm0`."""
    sigma = amplitude(dbm0) / math.sqrt(2)
    return [rng.gauss(0, sigma) for _ in range(round(seconds * RATE))]


def power_dbm0(samples: list[float]) -> float:
    mean_square = sum(x * x for x in samples) / max(len(samples), 1)
    return FULL_SCALE_DBM0 + 10 * math.log10(max(mean_square, 1e-9) / (32767**2 / 2))


def scaled_to(samples: list[float], dbm0: float) -> list[float]:
    """`samples` with their mean power set to that of a sine at `dbm0`."""
    gain = 10 ** ((dbm0 - power_dbm0(samples)) / 20)
    return [x * gain for x in samples]


def cadence(parts: list[tuple[float, float]], pattern: tuple[float, ...], seconds: float,
            skip: float = 0.0) -> list[float]:
    """A tone played by `pattern` (on, off, ...) for `seconds`, starting `skip` s into it."""
    out: list[float] = []
    t, i = -skip, 0
    while t < seconds:
        d = pattern[i % len(pattern)]
        lo, hi = max(t, 0.0), min(t + d, seconds)
        if hi > lo:
            n = round(hi * RATE) - round(lo * RATE)
            out += (sines(parts, n / RATE, start=len(out)) if i % 2 == 0 else [0.0] * n)
        t += d
        i += 1
    return out


def frames(data: bytes, t0: float = 100.0):
    """(frame, t) pairs of 20 ms frames starting at monotonic time `t0`."""
    for i in range(0, len(data), FRAME_BYTES):
        yield data[i:i + FRAME_BYTES], t0 + i / 2 / RATE


# --- FSK caller ID, from the standards -----------------------------------------

def checksum(data: bytes) -> int:
    return -sum(data) & 0xFF


def sdmf(when: str, number: str) -> bytes:
    body = (when + number).encode("ascii")
    message = bytes([0x04, len(body)]) + body
    return message + bytes([checksum(message)])


def mdmf(params: list[tuple[int, bytes]]) -> bytes:
    body = b"".join(bytes([kind, len(value)]) + value for kind, value in params)
    message = bytes([0x80, len(body)]) + body
    return message + bytes([checksum(message)])


def cid_bits(message: bytes, seizure: int = 300, marks: int = 180,
             stop_bits: int = 1) -> list[int]:
    bits = [i % 2 for i in range(seizure)] + [1] * marks
    for byte in message:
        bits += [0, *((byte >> i) & 1 for i in range(8))] + [1] * stop_bits
    return bits + [1] * 8


def fsk(bits: list[int], mark: float, space: float, level_dbm0: float = -13.0,
        baud: float = 1200.0, phase: float = 0.0, skip_samples: int = 0) -> list[float]:
    """Phase-continuous FSK of `bits`; the first `skip_samples` are cut (start mid-signal)."""
    amp = amplitude(level_dbm0)
    n = math.ceil(len(bits) * RATE / baud)
    out = []
    for i in range(n):
        bit = bits[min(int(i * baud / RATE), len(bits) - 1)]
        phase += 2 * math.pi * (mark if bit else space) / RATE
        out.append(amp * math.sin(phase))
    return out[skip_samples:]


# --- speech and music ------------------------------------------------------------

ESPEAK = "espeak-ng"
SPEECH_TEXT = {
    "cmn": "您好，欢迎致电北京分公司。请问有什么可以帮您？我们的营业时间是周一至周五，"
           "上午九点到下午六点。请稍等，正在为您转接。",
    "en": "Hello, thank you for calling. Please hold while we connect you to the next "
          "available agent. Our office hours are nine to six, Monday to Friday.",
}


@functools.cache
def speech(voice: str = "cmn", pitch: int = 50, speed: int = 160) -> tuple[float, ...]:
    """Real speech by espeak-ng (`voice` e.g. "cmn", "cmn+f3", "en", "en+f2") at 8 kHz."""
    if shutil.which(ESPEAK) is None:
        raise RuntimeError("espeak-ng is not installed: run scripts/setup.sh "
                           "(it is in APT_PACKAGES)")
    text = SPEECH_TEXT[voice.split("+")[0]]
    wav = subprocess.run([ESPEAK, "-v", voice, "-p", str(pitch), "-s", str(speed),
                          "--stdout", text], capture_output=True, check=True).stdout
    with wave.open(io.BytesIO(wav)) as reader:
        rate = reader.getframerate()
        data = array("h", reader.readframes(reader.getnframes()))
    return tuple(resample([float(x) for x in data], rate))


def resample(x: list[float], rate: int, taps: int = 12) -> list[float]:
    """`x` at `rate` Hz to 8 kHz: windowed-sinc interpolation, low-pass at 3.6 kHz."""
    cutoff = 3600 / rate
    step = rate / RATE
    out = []
    for n in range(int(len(x) / step)):
        p = n * step
        base = int(p)
        acc = 0.0
        for k in range(base - taps + 1, base + taps + 1):
            if 0 <= k < len(x):
                d = p - k
                w = 0.5 + 0.5 * math.cos(math.pi * d / taps)
                acc += x[k] * 2 * cutoff * _sinc(2 * cutoff * d) * w
        out.append(acc)
    return out


def _sinc(v: float) -> float:
    return 1.0 if v == 0 else math.sin(math.pi * v) / (math.pi * v)


def piano(notes: list[tuple[float, float, float]], seconds: float,
          level_dbm0: float = -15.0) -> list[float]:
    """Piano-like notes (hz, start s, length s): harmonics 1..6 falling off, each decaying."""
    out = [0.0] * round(seconds * RATE)
    amp = amplitude(level_dbm0)
    for hz, start, length in notes:
        first = round(start * RATE)
        for k, weight in enumerate((1.0, 0.6, 0.35, 0.2, 0.12, 0.07), start=1):
            if k * hz >= 3800:
                break
            w = 2 * math.pi * k * hz / RATE
            for i in range(min(round(length * RATE), len(out) - first)):
                attack = min(1.0, i / 40)
                out[first + i] += amp * weight * attack * math.exp(-3.0 * k * i / RATE / 1.5) \
                    * math.sin(w * i)
    return out


def melody(rng: random.Random, seconds: float, beat: float,
           scale: tuple[float, ...] = (261.6, 293.7, 329.6, 349.2, 392.0, 440.0, 493.9,
                                       523.3)) -> list[tuple[float, float, float]]:
    """Notes on a beat, some of them chords, from a C major scale (A4 = 440 Hz)."""
    notes = []
    t = 0.0
    while t < seconds:
        for _ in range(rng.choice((1, 1, 2, 3))):
            notes.append((rng.choice(scale), t, beat * rng.choice((0.5, 1.0, 1.5))))
        t += beat
    return notes
