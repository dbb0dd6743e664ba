"""In-band DTMF the box sends on an analog line: digits as 8 kHz s16le PCM.

Pure code (stdlib only). The FXO driver dials with it (fxo_dial.py) and sends
DTMF into a call (`FxoLine.send_dtmf`). Timing and levels are what an exchange's
digit receiver accepts (HARDWARE.md 1.4: each digit >= 40 ms on and 40 ms off,
twist <= 6 dB): `on_s` of the digit's row and column tones together, then
`off_s` of silence, the column tone 2 dB above the row tone (the usual
positive twist of a telephone: the line loses more at high frequencies), the
pair at about -6 dBm0. The result is padded with silence to whole 20 ms frames.
"""

from __future__ import annotations

import math
import sys
from array import array

from firmware.lines.dsp import DTMF_COLS, DTMF_KEYS, DTMF_ROWS, FRAME_SAMPLES, RATE

DTMF_DIGITS = "0123456789*#ABCD"
ROW_AMPLITUDE = 6500.0  # ~ -11 dBm0
COLUMN_AMPLITUDE = ROW_AMPLITUDE * 10 ** (2 / 20)  # 2 dB twist
DTMF_ON_S = 0.1
DTMF_OFF_S = 0.1


def dtmf_pair(digit: str) -> tuple[int, int]:
    """(row Hz, column Hz) of a DTMF key; ValueError naming the key otherwise."""
    for row, keys in zip(DTMF_ROWS, DTMF_KEYS, strict=True):
        col = keys.find(digit.upper()) if len(digit) == 1 else -1
        if col >= 0:
            return row, DTMF_COLS[col]
    raise ValueError(f"{digit!r} is not a DTMF key (0-9, *, #, A-D)")


def check_digits(digits: str) -> str:
    """`digits` if every one is a DTMF key; ValueError naming the first that is not."""
    if not digits:
        raise ValueError("no digits to send")
    for digit in digits:
        dtmf_pair(digit)
    return digits


def dtmf_pcm(digits: str, on_s: float = DTMF_ON_S, off_s: float = DTMF_OFF_S) -> bytes:
    """The digits as PCM: each `on_s` of tone then `off_s` of silence, whole frames."""
    if on_s < 0.04 or off_s < 0.04:
        raise ValueError(f"DTMF needs at least 40 ms on and off, not {on_s}/{off_s} s")
    samples = array("h")
    on_n, off_n = round(on_s * RATE), round(off_s * RATE)
    for digit in check_digits(digits):
        row, col = dtmf_pair(digit)
        wr, wc = 2 * math.pi * row / RATE, 2 * math.pi * col / RATE
        samples.extend(round(ROW_AMPLITUDE * math.sin(wr * i) + COLUMN_AMPLITUDE * math.sin(wc * i))
                       for i in range(on_n))
        samples.extend([0] * off_n)
    samples.extend([0] * (-len(samples) % FRAME_SAMPLES))
    if sys.byteorder == "big":
        samples.byteswap()
    return samples.tobytes()


def frames_of(pcm: bytes) -> list[bytes]:
    """PCM (whole frames) as 320-byte frames."""
    size = 2 * FRAME_SAMPLES
    return [pcm[i:i + size] for i in range(0, len(pcm), size)]
