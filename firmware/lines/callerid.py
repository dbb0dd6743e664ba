"""Caller ID for the desk phones: the MDMF message and its Bell-202 FSK audio.

Pure code (no I/O). The FXS line driver (firmware/lines/fxs.py) builds the
audio with `caller_id_audio()` when it starts ringing and plays it, one 20 ms
frame at a time, into the port between the first and the second ring, as
Chinese exchanges do (YD/T 1277.1: Bell-202 frequencies, 1200 baud, between
rings 1 and 2; HARDWARE.md 1.5).

The message (Telcordia GR-30 multiple data message format, MDMF):
  0x80, length, parameters..., checksum
  parameters are (type, length, value): 0x01 date/time "MMDDHHMM" (local time
  of the given datetime), 0x02 calling number, 0x04 reason the number is absent
  ('P' private = withheld, 'O' out of area = unavailable), 0x07 calling name,
  0x08 reason the name is absent. The checksum is the two's complement of the
  sum of all bytes before it, so all bytes sum to 0 modulo 256.

Names: sent as UTF-8 (the default) and cut at `NAME_MAX_BYTES` bytes without
splitting a character, so "北京分公司" arrives whole and a long name loses whole
characters at its end. GR-30 has 7-bit ASCII names of at most 15 characters;
ETSI EN 300 659-3, which the Chinese standard follows, allows 50. Many Chinese
caller-ID phones display GB2312/GBK names instead: pass `encoding="gbk"` for
them (characters the codec cannot write become '?').

The audio (Bell 202): mark (binary 1) 1200 Hz, space (0) 2200 Hz, 1200 bit/s,
phase-continuous, 8 kHz s16le. First 300 bits of channel seizure (alternating
0 and 1, starting with 0: 0x55 bytes), then 180 mark bits, then each message
byte as a start bit (0), 8 data bits least significant first and a stop bit
(1), then a few mark bits so the last stop bit is not cut. The PCM is padded
with silence to whole 320-byte frames.
"""

from __future__ import annotations

import functools
import math
import re
import sys
from array import array
from datetime import datetime

RATE = 8000
FRAME_BYTES = 320
BAUD = 1200
MARK_HZ = 1200  # binary 1
SPACE_HZ = 2200  # binary 0
SEIZURE_BITS = 300
MARK_BITS = 180
TRAIL_MARK_BITS = 10
AMPLITUDE = 5000  # ~-16 dBFS

MDMF = 0x80
P_DATETIME = 0x01
P_NUMBER = 0x02
P_NUMBER_ABSENT = 0x04
P_NAME = 0x07
P_NAME_ABSENT = 0x08
WITHHELD = "P"  # private
UNAVAILABLE = "O"  # out of area

NUMBER_MAX = 20
NAME_MAX_BYTES = 50
_NUMBER = re.compile(rf"^[0-9*#+A-Da-d]{{1,{NUMBER_MAX}}}$")


def checksum(data: bytes) -> int:
    """Two's complement of the byte sum: appended, it makes every byte sum to 0 mod 256."""
    return -sum(data) & 0xFF


def fit_name(name: str, limit: int = NAME_MAX_BYTES, encoding: str = "utf-8") -> bytes:
    """`name` encoded, cut to at most `limit` bytes at a character boundary."""
    out = bytearray()
    for char in name:
        code = char.encode(encoding, errors="replace")
        if len(out) + len(code) > limit:
            break
        out += code
    return bytes(out)


def check_number(number: str) -> str:
    """The number as sent (dialable characters, 1..20 of them); ValueError otherwise."""
    if not isinstance(number, str) or not _NUMBER.match(number):
        raise ValueError(f"caller ID number {number!r} must be 1..{NUMBER_MAX} of 0-9 * # + A-D")
    return number


def mdmf_message(when: datetime, number: str | None, name: str | None = None, *,
                 withheld: bool = False, encoding: str = "utf-8") -> bytes:
    """The whole MDMF message, checksum included.

    `number` None means the caller's number is absent: withheld=True sends the
    reason 'P' (private), otherwise 'O' (unavailable); the name then follows the
    same reason unless one is given. A number without a name sends no name.
    """
    params = [(P_DATETIME, when.strftime("%m%d%H%M").encode("ascii"))]
    reason = (WITHHELD if withheld else UNAVAILABLE).encode("ascii")
    if number is None or withheld:
        params.append((P_NUMBER_ABSENT, reason))
    else:
        params.append((P_NUMBER, check_number(number).encode("ascii")))
    if name and not withheld:
        params.append((P_NAME, fit_name(name, NAME_MAX_BYTES, encoding)))
    elif number is None or withheld:
        params.append((P_NAME_ABSENT, reason))
    body = b"".join(bytes([kind, len(value)]) + value for kind, value in params)
    message = bytes([MDMF, len(body)]) + body
    return message + bytes([checksum(message)])


_PREAMBLE_BITS = [i % 2 for i in range(SEIZURE_BITS)] + [1] * MARK_BITS


def byte_bits(message: bytes) -> list[int]:
    """The framed bytes of `message` and the trailing marks (what follows the preamble)."""
    bits = []
    for byte in message:
        bits += [0, *((byte >> i) & 1 for i in range(8)), 1]
    return bits + [1] * TRAIL_MARK_BITS


def message_bits(message: bytes) -> list[int]:
    """The bits on the line, in time order: seizure, marks, framed bytes, trailing marks."""
    return _PREAMBLE_BITS + byte_bits(message)


# Both tones advance the phase by a whole number of 1/40ths of a cycle per sample
# (1200 Hz: 6/40, 2200 Hz: 11/40, at 8 kHz), and 3 bits last exactly 20 samples
# (7, 7, 6). So every bit is one of 3 x 40 x 2 pieces of wave, made once per
# amplitude: a caller ID is a join of ~500 pieces, not 5,000 sines (it runs on the
# way to a desk phone's first ring).
_STEPS = 40
_PHASE_STEP = {1: MARK_HZ * _STEPS // RATE, 0: SPACE_HZ * _STEPS // RATE}
_BIT_SAMPLES = [((i + 1) * RATE + BAUD - 1) // BAUD - (i * RATE + BAUD - 1) // BAUD
                for i in range(3)]


@functools.cache
def _pieces(amplitude: int) -> dict[tuple[int, int, int], tuple[bytes, int]]:
    """(bit position mod 3, phase in 40ths, bit) -> (s16 samples, phase after)."""
    wave = [round(amplitude * math.sin(2 * math.pi * k / _STEPS)) for k in range(_STEPS)]
    pieces = {}
    for slot, count in enumerate(_BIT_SAMPLES):
        for phase in range(_STEPS):
            for bit, step in _PHASE_STEP.items():
                samples = array("h", (wave[(phase + j * step) % _STEPS] for j in range(count)))
                if sys.byteorder == "big":
                    samples.byteswap()
                pieces[slot, phase, bit] = samples.tobytes(), (phase + count * step) % _STEPS
    return pieces


def modulate(bits: list[int], amplitude: int = AMPLITUDE) -> bytes:
    """Bell-202 FSK of `bits` at 8 kHz, phase-continuous, padded to whole frames."""
    if not 0 < amplitude <= 32767:
        raise ValueError(f"FSK amplitude must be 1..32767, not {amplitude}")
    pcm, _phase = _modulate(bits, amplitude, 0)
    return pcm + bytes(-len(pcm) % FRAME_BYTES)


def _modulate(bits: list[int], amplitude: int, phase: int) -> tuple[bytes, int]:
    """FSK of `bits` starting at a whole 3-bit boundary and `phase`; (pcm, phase after)."""
    pieces = _pieces(amplitude)
    out = []
    for i, bit in enumerate(bits):
        piece, phase = pieces[i % 3, phase, 1 if bit else 0]
        out.append(piece)
    return b"".join(out), phase


@functools.cache
def _preamble(amplitude: int) -> tuple[bytes, int]:
    """The channel seizure and the marks: the same for every caller ID."""
    return _modulate(_PREAMBLE_BITS, amplitude, 0)


def caller_id_audio(when: datetime, number: str | None, name: str | None = None, *,
                    withheld: bool = False, encoding: str = "utf-8",
                    amplitude: int = AMPLITUDE) -> bytes:
    """The caller ID as s16le PCM frames to play between the first and second ring."""
    message = mdmf_message(when, number, name, withheld=withheld, encoding=encoding)
    if not 0 < amplitude <= 32767:
        raise ValueError(f"FSK amplitude must be 1..32767, not {amplitude}")
    head, phase = _preamble(amplitude)  # 480 bits: the message starts on a 3-bit boundary
    body, _phase = _modulate(byte_bits(message), amplitude, phase)
    pcm = head + body
    return pcm + bytes(-len(pcm) % FRAME_BYTES)
