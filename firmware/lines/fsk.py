"""FSK demodulation for caller ID: 1200 bit/s Bell 202 or ITU-T V.23 to bytes.

Pure code (stdlib only). cid_decode.FskCallerIdReceiver feeds it the line's
audio between the first and second ring; it returns the bytes of each
framed message it finds, with when they started and ended.

Demodulation (non-coherent, per sample): the audio, less the sample two
before (y[n] = x[n] - x[n-2]: a zero at 0 Hz and at 4 kHz, -28 dB at 50 Hz
mains hum, 1.5 dB between 1250 and 2150 Hz), is mixed with the mark and
the space frequency (tables phase-referenced to the absolute sample count),
each mix is summed over the last 7 samples (one bit is 6.67 samples at
8 kHz), and d = |mark|^2 - |space|^2 says which of the two fills that bit.
Only its sign is used, so the level of the line (-40..-5 dBm) does not
matter; the whole frame is done with `map`/`accumulate`, which run in C.
The modems' filters: Bell 202 mark 1200 / space 2200 Hz, V.23 1300 / 2100 Hz;
a receiver for "either" (China: YD/T 1277.1 names Bell-202 frequencies, ETSI
exchanges send V.23) listens at 1250 / 2150 Hz, 50 Hz from each, which a
one-bit filter (1.1 kHz wide) barely notices.

Bytes are read like a UART: the receiver arms after ARM_BITS (20) of clear,
steady mark (mark four times stronger than space: the channel seizure's
alternating bits never arm it, the 80-180 mark bits after it always do,
speech hardly ever), each mark-to-space edge then starts a byte, and each of
its ten bits (start, 8 data bits least significant first, stop) is the sign
of d summed over three samples around the middle of that bit. The edge is
found again for every byte, so a baud rate or frequency off by a few per
cent, or audio that starts mid-byte, does not matter. A 5 ms block below the
carrier floor (~-48 dBm0) counts as no signal: a message whose carrier stops
before its last byte is reported as lost.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass
from itertools import accumulate, chain
from operator import add, mul, sub

from firmware.lines.dsp import BLOCK, RATE, samples_of

BAUD = 1200
BIT = RATE / BAUD  # 6.67 samples
SPAN = 7  # samples summed by the mark and space filters: one bit
MODEMS: dict[str, tuple[float, float]] = {  # (mark = binary 1, space = binary 0)
    "bell202": (1200.0, 2200.0),
    "v23": (1300.0, 2100.0),
}
EITHER = (1250.0, 2150.0)
CARRIER_FLOOR = BLOCK * 110.0**2 / 2  # a 5 ms block of a sine under ~-48 dBm0 is no carrier
ARM_BITS = 20
CLEAR_MARK = 0.6  # arming counts only a clear mark: 4 times the space filter's power
MAX_FRAME = 1600  # samples demodulated in one go (longer input is split)
EDGE_LAG = 3.5  # samples from a start bit's first sample to where d turns negative


@dataclass(frozen=True)
class FskMessage:
    """The bytes of one framed message and when it was on the line.

    `error` says why the message is incomplete ("framing error in byte 3",
    "carrier lost after 5 bytes"); the bytes read until then are kept.
    """

    data: bytes
    t_start: float
    t_end: float
    modem: str
    error: str | None = None


def filters_for(modems: tuple[str, ...]) -> tuple[float, float]:
    """Mark and space filter frequencies that hear every modem in `modems`."""
    unknown = [m for m in modems if m not in MODEMS]
    if not modems or unknown:
        raise ValueError(f"FSK modems must be some of {', '.join(MODEMS)}, not {modems!r}")
    if len(set(modems)) == 1:
        return MODEMS[modems[0]]
    return EITHER


class _Mixer:
    """|sum of the last SPAN samples mixed with hz|^2, for every sample, on absolute phase."""

    def __init__(self, hz: float):
        step = 2 * math.pi * hz / RATE
        self._period = _period(hz)
        n = self._period + MAX_FRAME
        self._cos = [math.cos(step * i) for i in range(n)]
        self._sin = [math.sin(step * i) for i in range(n)]
        self._tail_i = [0.0] * (SPAN - 1)
        self._tail_q = [0.0] * (SPAN - 1)

    def powers(self, x: list[int], start: int) -> list[float]:
        off = start % self._period
        n = len(x)
        mi = list(map(mul, x, self._cos[off:off + n]))
        mq = list(map(mul, x, self._sin[off:off + n]))
        wi = _window_sums(self._tail_i, mi)
        wq = _window_sums(self._tail_q, mq)
        self._tail_i, self._tail_q = (self._tail_i + mi)[-(SPAN - 1):], \
            (self._tail_q + mq)[-(SPAN - 1):]
        return list(map(add, map(mul, wi, wi), map(mul, wq, wq)))

    def clear(self) -> None:
        """A quiet stretch: nothing of the audio before it is left in the sums."""
        self._tail_i = [0.0] * (SPAN - 1)
        self._tail_q = [0.0] * (SPAN - 1)


def _period(hz: float) -> int:
    """Samples after which the tables repeat (a whole number of turns), or a long table."""
    if float(hz).is_integer():
        return RATE // math.gcd(RATE, int(hz))
    return 8 * RATE


def _window_sums(tail: list[float], values: list[float]) -> list[float]:
    cum = list(accumulate(chain(tail, values), initial=0.0))
    return list(map(sub, cum[SPAN:], cum[:-SPAN]))


class FskDemodulator:
    """Samples to bytes: a Bell 202 / V.23 demodulator and UART for one line.

    `feed(frame, t)` (s16le PCM, `t` when its first sample was received)
    returns the messages completed in it. A message is complete when its
    length byte (the second byte) says so; caller-ID messages all have one.
    """

    def __init__(self, modems: tuple[str, ...] = ("bell202",),
                 types: frozenset[int] | None = None):
        mark_hz, space_hz = filters_for(modems)
        self.modems = tuple(modems)
        self.types = types  # the message types worth reading; others are not messages
        self.modem = modems[0] if len(set(modems)) == 1 else "/".join(modems)
        self._mark = _Mixer(mark_hz)
        self._space = _Mixer(space_hz)
        self._count = 0  # samples demodulated so far
        self._times: deque[tuple[int, float]] = deque(maxlen=64)  # (first sample, t)
        self._x_tail = [0, 0]  # the last two samples (the hum filter looks back two)
        self._last_d = [0.0, 0.0]  # the last two values (smoothing needs the next one)
        self._last_q = [0.0, 0.0]
        self._s: list[float] = []  # d = mark - space power, summed over 3 samples
        self._q: list[float] = []  # mark + space power, summed alike
        self._base = 0  # absolute index of self._s[0]
        self._pos = 0  # next absolute index the slicer looks at
        self._marks = 0
        self._armed = False
        self._bytes = bytearray()
        self._t_start: float | None = None

    def feed(self, frame: bytes, t: float) -> list[FskMessage]:
        if len(frame) % 2:
            raise ValueError(f"audio must be whole 16-bit samples, not {len(frame)} bytes")
        x = samples_of(frame).tolist()
        found: list[FskMessage] = []
        for i in range(0, len(x), MAX_FRAME):
            found += self._demodulate(x[i:i + MAX_FRAME], t + i / RATE)
        return found

    def reset(self) -> None:
        self.__init__(self.modems, self.types)

    @property
    def busy(self) -> bool:
        """A message is being read (the line should not be taken off hook yet)."""
        return self._armed or bool(self._bytes)

    def _demodulate(self, x: list[int], t: float) -> list[FskMessage]:
        start = self._count
        self._times.append((start, t))
        self._count += len(x)
        y = list(map(sub, x, (self._x_tail + x)[:len(x)]))  # x[n] - x[n-2]: hum and DC out
        self._x_tail = (self._x_tail + x)[-2:]
        d, total = self._differences(y, start)
        self._s += self._smooth(self._last_d, d)
        self._q += self._smooth(self._last_q, total)
        self._last_d, self._last_q = (self._last_d + d)[-2:], (self._last_q + total)[-2:]
        found = self._slice()
        keep = max(0, self._pos - 2 * SPAN - self._base)  # what the slicer may look back at
        del self._s[:keep]
        del self._q[:keep]
        self._base += keep
        return found

    @staticmethod
    def _smooth(last2: list[float], values: list[float]):
        """v[n-1] + v[n] + v[n+1] for n = start - 1 .. start + len(values) - 2."""
        raw = last2 + values
        return map(add, map(add, raw[:-2], raw[1:-1]), raw[2:])

    def _differences(self, x: list[int], start: int) -> tuple[list[float], list[float]]:
        """Mark minus space power, and mark plus space, per sample; 0.0 without carrier."""
        if sum(map(mul, x, x)) < CARRIER_FLOOR * len(x) / BLOCK:
            self._mark.clear()
            self._space.clear()
            return [0.0] * len(x), [0.0] * len(x)
        mark, space = self._mark.powers(x, start), self._space.powers(x, start)
        d, total = list(map(sub, mark, space)), list(map(add, mark, space))
        for b in range(0, len(x), BLOCK):
            block = x[b:b + BLOCK]
            if sum(map(mul, block, block)) < CARRIER_FLOOR * len(block) / BLOCK:
                d[b:b + len(block)] = [0.0] * len(block)
        return d, total

    def time_of(self, index: float) -> float:
        """Monotonic time of absolute sample `index` (from the frames' start times)."""
        first, t = self._times[0]
        for start, ts in self._times:
            if start > index:
                break
            first, t = start, ts
        return t + (index - first) / RATE

    def _end(self) -> int:
        """One past the last absolute index whose smoothed d is known."""
        return self._base - 1 + len(self._s)

    def _slice(self) -> list[FskMessage]:
        found: list[FskMessage] = []
        while True:
            if not self._armed and not self._hunt():
                return found
            step = self._next_byte()
            if step is None:
                return found
            if isinstance(step, FskMessage):
                found.append(step)

    def _hunt(self) -> bool:
        """Count steady mark until armed; False when the audio so far is used up."""
        s, q, base, marks = self._s, self._q, self._base - 1, self._marks
        need = ARM_BITS * BIT
        for i in range(self._pos - base, len(s)):
            marks = marks + 1 if s[i] > CLEAR_MARK * q[i] else 0
            if marks >= need:
                self._pos, self._marks, self._armed = base + i + 1, 0, True
                return True
        self._pos, self._marks = base + len(s), marks
        return False

    def _value(self, index: int) -> float:
        return self._s[index - self._base + 1]

    def _next_byte(self) -> FskMessage | bool | None:
        """Find a start bit and read its byte; None when more audio is needed."""
        s, base = self._s, self._base - 1
        for i in range(self._pos - base, len(s)):
            if s[i] < 0:
                pos = base + i
                break
            if s[i] == 0.0:
                self._pos = base + i + 1
                return self._lost()
        else:
            self._pos = base + len(s)
            return None
        centres = [round(pos - EDGE_LAG - 1 + (k + 1) * BIT) for k in range(10)]
        if centres[-1] >= self._end():
            self._pos = pos
            return None
        bits = [self._value(c) for c in centres]
        if bits[0] >= 0:  # no start bit after all: a glitch in the mark
            self._pos = pos + 1
            return True
        self._pos = centres[-1] + 1
        if self._t_start is None:
            self._t_start = self.time_of(pos - EDGE_LAG)
        if bits[9] <= 0:
            if len(self._bytes) == 0 and self.types is not None:
                return self._drop()
            return self._finish(f"framing error in byte {len(self._bytes) + 1}", centres[-1])
        self._bytes.append(sum(1 << i for i, v in enumerate(bits[1:9]) if v > 0))
        if len(self._bytes) == 1 and self.types is not None and self._bytes[0] not in self.types:
            return self._drop()  # noise or speech that looked like a start bit
        if len(self._bytes) >= 2 and len(self._bytes) == self._bytes[1] + 3:
            return self._finish(None, centres[-1])
        return True

    def _drop(self) -> bool:
        self._bytes.clear()
        self._armed, self._marks = False, 0
        self._t_start = None
        return True

    def _lost(self) -> FskMessage | bool:
        if not self._bytes:
            self._armed, self._marks = False, 0
            self._t_start = None
            return True
        return self._finish(f"carrier lost after {len(self._bytes)} bytes", self._pos)

    def _finish(self, error: str | None, end: float) -> FskMessage:
        message = FskMessage(bytes(self._bytes), self._t_start or self.time_of(end),
                             self.time_of(end + 1), self.modem, error)
        self._bytes.clear()
        self._armed, self._marks = False, 0
        self._t_start = None
        return message
