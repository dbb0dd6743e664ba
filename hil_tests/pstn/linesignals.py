"""What the exchange puts on an analog line, as 8 kHz s16le PCM frames.

- `TonePlayer` plays a call-progress tone (lineprofiles.Tone) frame by frame,
  cadence and phase continuous, from the moment it was started.
- `caller_id_message` builds an SDMF (0x04) or MDMF (0x80) caller ID message
  (Telcordia GR-30 / YD/T 1277.1 layout: type, length, parameters, checksum);
  `fsk_caller_id` modulates it Bell 202 style (1200 Hz mark, 2200 Hz space,
  1200 bit/s, phase continuous): 300 bits of channel seizure (0x55 pattern),
  180 mark bits, then each byte as start bit, 8 data bits LSB first, stop bit.
- `dtmf_caller_id` is DTMF CLIP as sent before the first ring: `A<number>C`,
  or `D<code>C` when there is no number (code 10 withheld, 00 unavailable).
- `NoiseSource` is line noise at a chosen level.

Written from the standards, not from the box's decoders, so each checks the other.
"""

from __future__ import annotations

import math
import random
import sys
from array import array

from hil_tests.pstn.dsp import FRAME_SAMPLES, RATE, dtmf_tones, silence
from hil_tests.pstn.lineprofiles import Tone

TONE_AMPLITUDE = 6500  # about -14 dBFS per tone (dial tone -10 +/- 3 dBm on a real line)
FSK_AMPLITUDE = 7000
FSK_BAUD = 1200
MARK_HZ, SPACE_HZ = 1200.0, 2200.0


def _pcm(samples: list[float]) -> bytes:
    out = array("h", (max(-32768, min(32767, round(s))) for s in samples))
    if sys.byteorder == "big":
        out.byteswap()
    return out.tobytes()


class TonePlayer:
    """A tone's cadence, one 20 ms frame at a time; `done` once a one-shot tone ended."""

    def __init__(self, tone: Tone, amplitude: float = TONE_AMPLITUDE):
        self.tone = tone
        self.amplitude = amplitude
        self._n = 0  # samples played
        self._period = round(sum(on + off for _, on, off in tone.steps) * RATE)
        self.done = False

    def next_frame(self) -> bytes:
        samples = [self._sample(self._n + i) for i in range(FRAME_SAMPLES)]
        self._n += FRAME_SAMPLES
        if not self.tone.repeat and self._n >= self._period:
            self.done = True
        return _pcm(samples)

    def _sample(self, n: int) -> float:
        if not self.tone.repeat and n >= self._period:
            return 0.0
        pos = (n % self._period) / RATE if self._period else n / RATE
        for freqs, on, off in self.tone.steps:
            if pos < on:
                t = n / RATE
                return sum(self.amplitude * math.sin(2 * math.pi * f * t) for f in freqs)
            pos -= on + off
            if pos < 0:
                return 0.0
        return 0.0


def caller_id_message(fmt: str, when: str, number: str | None, absent: str | None,
                      name: str | None = None) -> bytes:
    """An SDMF or MDMF message: `when` "MMDDHHMM", the number or its absence
    reason ("P" withheld, "O" unavailable), and (MDMF) an optional name."""
    if fmt == "sdmf":
        body = when.encode("ascii") + (number or absent or "O").encode("ascii")
        kind = 0x04
    else:
        params = [(0x01, when.encode("ascii"))]
        params.append((0x02, number.encode("ascii")) if number else
                      (0x04, (absent or "O").encode("ascii")))
        if name:
            params.append((0x07, name.encode("utf-8")[:64]))
        body = b"".join(bytes([k, len(v)]) + v for k, v in params)
        kind = 0x80
    head = bytes([kind, len(body)]) + body
    return head + bytes([-sum(head) % 256])


def _bits(message: bytes) -> list[int]:
    bits = [i % 2 for i in range(300)]  # channel seizure: 0101... (0x55 bytes on the wire)
    bits += [1] * 180  # mark signal
    for byte in message:
        bits += [0, *((byte >> i) & 1 for i in range(8)), 1]
    return bits + [1] * 4  # a few marks so the last stop bit is whole


def fsk_caller_id(message: bytes, amplitude: float = FSK_AMPLITUDE) -> bytes:
    """The message modulated Bell 202, phase continuous, ready to play on the line."""
    bits = _bits(message)
    total = math.ceil(len(bits) * RATE / FSK_BAUD)
    phase, out = 0.0, []
    for n in range(total):
        bit = bits[min(len(bits) - 1, n * FSK_BAUD // RATE)]
        phase += 2 * math.pi * (MARK_HZ if bit else SPACE_HZ) / RATE
        out.append(amplitude * math.sin(phase))
    return _pcm(out)


def dtmf_caller_id(number: str | None, cli: str) -> str:
    """The DTMF CLIP digit string (ETSI EN 300 659 style, HARDWARE.md 1.5)."""
    if cli == "valid" and number:
        return "A" + "".join(ch for ch in number if ch.isdigit()) + "C"
    return "D" + ("10" if cli == "withheld" else "00") + "C"


def dtmf_cid_pcm(digits: str) -> bytes:
    """DTMF CLIP digits as PCM: 70 ms on, 70 ms off each, then 100 ms quiet."""
    return dtmf_tones(digits, on_ms=70, off_ms=70) + silence(100)


class NoiseSource:
    """Gaussian line noise at `level_dbfs` (RMS relative to full scale)."""

    def __init__(self, level_dbfs: float, seed: int = 7):
        rms = 32767 * 10 ** (level_dbfs / 20)
        rng = random.Random(seed)
        self._table = [rng.gauss(0.0, rms) for _ in range(RATE)]
        self._pos = 0
        self.level_dbfs = level_dbfs

    def add(self, frame: bytes) -> bytes:
        samples = array("h", frame)
        if sys.byteorder == "big":
            samples.byteswap()
        start, self._pos = self._pos, (self._pos + FRAME_SAMPLES) % RATE
        noisy = [s + self._table[(start + i) % RATE] for i, s in enumerate(samples)]
        return _pcm(noisy)
