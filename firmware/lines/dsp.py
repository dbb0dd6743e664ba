"""In-band signal detection on line audio: DTMF digits and single tones.

Pure code (stdlib `array`/`math` only, no I/O, no threads). The analog and GSM
line drivers (or the media bridge that reads their audio ports) feed every
20 ms frame of 8 kHz s16le PCM they receive into one detector per line and
act on what comes back.

How it is fast enough for every line on a Pi: each 5 ms block (40 samples) is
reduced to one complex single-bin DFT value per watched frequency, computed as
two dot products with precomputed cos/sin tables (`sum(map(mul, ...))` runs in
C) and phase-referenced to the absolute sample count. Block values therefore
add up to the DFT of any longer window, so a 20 ms window (50 Hz resolution,
enough to tell 697 from 770 Hz) slides in 5 ms hops for the price of one
20 ms DFT per frame. Silent blocks skip the DFT, and the column tones are only
computed for windows with a strong row tone. About 0.15-0.25 ms of CPU per
frame on a slow x86 core.

DTMF rules (HARDWARE.md 1.4): both a row and a column tone, each the clear
winner of its group, twist within 8 dB, together three quarters of the
window's energy (dial tone, FSK caller ID, noise and nearly all speech fail
this; a vowel whose harmonics sit on a row and a column tone for 30 ms is
DTMF to any detector); frequencies within +-(1.5 % + 2 Hz) are accepted. A
press needs ~30 ms of windows in a row (a 40 ms tone always passes, a 20 ms
blip never does), is reported once with
the time its tone began (to ~2 ms, from the block energies), and ends after
20 ms without it, so 40 ms gaps separate presses while a 10 ms dropout does not.
"""

from __future__ import annotations

import cmath
import math
import sys
from array import array
from collections import deque
from dataclasses import dataclass
from operator import mul

RATE = 8000
FRAME_SAMPLES = 160
FRAME_BYTES = 2 * FRAME_SAMPLES
BLOCK = 40  # 5 ms: the hop of the sliding window
BLOCK_S = BLOCK / RATE
WINDOW_BLOCKS = 4  # 20 ms analysis window
WINDOW = BLOCK * WINDOW_BLOCKS
ROTATIONS = RATE // BLOCK  # blocks in one second

DTMF_ROWS = (697, 770, 852, 941)
DTMF_COLS = (1209, 1336, 1477, 1633)
DTMF_KEYS = ("123A", "456B", "789C", "*0#D")

SILENT_BLOCK = BLOCK * 20.0**2  # a 5 ms block below ~-64 dBFS is not analysed
MIN_TONE_ENERGY = WINDOW * 80.0**2 / 2  # each DTMF tone >= ~-52 dBFS
MIN_PAIR_SHARE = 0.75  # row + column carry most of the window's energy ...
HOLD_PAIR_SHARE = 0.3  # ... and at least this much while a press is held
ROW_GATE = 0.05  # a window whose best row tone holds less is not looked at further
DOMINANCE = 0.16  # the runner-up of a group is 8 dB below its winner
MAX_TWIST = 10 ** (8 / 10)  # 8 dB either way
PRESS_WINDOWS = 6  # consecutive 5 ms hops that make a press (~30 ms of tone)
RELEASE_WINDOWS = 4  # hops without the digit that end a press (20 ms)
FULL_BLOCK = 0.6  # a block this close to the press's level is inside the tone


def samples_of(pcm: bytes) -> array:
    """s16le PCM as an array of ints (any host byte order)."""
    samples = array("h", pcm)
    if sys.byteorder == "big":
        samples.byteswap()
    return samples


class _Bank:
    """Single-bin DFTs of fixed frequencies over 5 ms blocks, on one absolute phase."""

    def __init__(self, freqs: tuple[float, ...]):
        self.freqs = freqs
        omegas = [2 * math.pi * hz / RATE for hz in freqs]
        self._cos = [[math.cos(w * i) for i in range(BLOCK)] for w in omegas]
        self._sin = [[math.sin(w * i) for i in range(BLOCK)] for w in omegas]
        # a whole number of Hz turns a whole number of times every second
        self._turns = [[cmath.exp(-1j * w * BLOCK * k) for k in range(ROTATIONS)]
                       if float(hz).is_integer() else None
                       for hz, w in zip(freqs, omegas, strict=True)]
        self._omegas = omegas

    def values(self, samples: list[int], index: int, lo: int, hi: int) -> list[complex]:
        """The DFT values of freqs[lo:hi] for block number `index`."""
        k = index % ROTATIONS
        out = []
        for f in range(lo, hi):
            turns = self._turns[f]
            turn = turns[k] if turns is not None else cmath.exp(
                -1j * ((self._omegas[f] * BLOCK * index) % (2 * math.pi)))
            out.append(complex(sum(map(mul, samples, self._cos[f])),
                               -sum(map(mul, samples, self._sin[f]))) * turn)
        return out


class _Block:
    """One 5 ms block: its samples, energy and (computed on demand) DFT values."""

    __slots__ = ("energy", "groups", "index", "samples", "t")

    def __init__(self, samples: list[int], index: int, t: float):
        self.samples, self.index, self.t = samples, index, t
        self.energy = float(sum(map(mul, samples, samples)))
        self.groups: dict[tuple[int, int], list[complex]] = {}


class _Window:
    """The last four 5 ms blocks of a line's audio: a 20 ms window sliding by 5 ms.

    Block DFT values are phase-referenced to the absolute sample count, so the
    window's DFT is the sum of its blocks'. They are computed per frequency
    group and only when asked for (silent blocks count as zero), so a window
    that fails the first group's test never pays for the second.
    """

    def __init__(self, freqs: tuple[float, ...], keep: int):
        self.bank = _Bank(freqs)
        self.blocks: deque[_Block] = deque(maxlen=WINDOW_BLOCKS)
        self.history: deque[tuple[float, float]] = deque(maxlen=keep)  # (t, energy)
        self._count = 0

    def blocks_of(self, frame: bytes, t: float) -> list[tuple[list[int], float]]:
        if len(frame) % (2 * BLOCK):
            raise ValueError(f"audio must come in whole 5 ms blocks ({2 * BLOCK} bytes), "
                             f"not {len(frame)} bytes")
        samples = samples_of(frame).tolist()
        return [(samples[i:i + BLOCK], t + i / RATE) for i in range(0, len(samples), BLOCK)]

    def push(self, samples: list[int], t: float) -> float:
        """Slide by one block; the energy of the window that now ends with it."""
        block = _Block(samples, self._count, t)
        self._count += 1
        self.blocks.append(block)
        self.history.append((t, block.energy))
        return sum(b.energy for b in self.blocks)

    @property
    def full(self) -> bool:
        return len(self.blocks) == WINDOW_BLOCKS

    def powers(self, lo: int, hi: int) -> list[float]:
        """Power of freqs[lo:hi] over the window, on the energy scale (sum of x^2)."""
        parts = []
        for block in self.blocks:
            values = block.groups.get((lo, hi))
            if values is None:
                values = ([0j] * (hi - lo) if block.energy < SILENT_BLOCK
                          else self.bank.values(block.samples, block.index, lo, hi))
                block.groups[(lo, hi)] = values
            parts.append(values)
        scale = 2 / WINDOW
        return [scale * abs(sum(column)) ** 2 for column in zip(*parts, strict=True)]

    def samples(self) -> list[int]:
        return [x for block in self.blocks for x in block.samples]


def _winner(powers: list[float]) -> int | None:
    """Index of the clear winner of a tone group, or None if two are close."""
    ranked = sorted(range(len(powers)), key=powers.__getitem__, reverse=True)
    best, second = powers[ranked[0]], powers[ranked[1]]
    if best < MIN_TONE_ENERGY or second > DOMINANCE * best:
        return None
    return ranked[0]


def _window_table(hz: float) -> tuple[list[float], list[float]]:
    w = 2 * math.pi * hz / RATE
    return [math.cos(w * i) for i in range(WINDOW)], [math.sin(w * i) for i in range(WINDOW)]


# A tone 1.5 % + 2 Hz off lies half a bin away in a 20 ms window and loses up to
# 4 dB there, which would bend the twist and share checks; the best of three
# probes (nominal and +-60 % of the tolerance) loses under 1 dB. Only a window
# that already has a clear row and column winner pays for the two side probes.
_SIDE_PROBES = {hz: [_window_table(hz + sign * 0.6 * (0.015 * hz + 2)) for sign in (-1, 1)]
                for hz in (*DTMF_ROWS, *DTMF_COLS)}


def _probed_power(samples: list[int], hz: int, nominal: float) -> float:
    best = nominal
    for cos, sin in _SIDE_PROBES[hz]:
        re, im = sum(map(mul, samples, cos)), sum(map(mul, samples, sin))
        best = max(best, 2 * (re * re + im * im) / WINDOW)
    return best


class DtmfDetector:
    """Streaming in-band DTMF detector for one line's received audio.

    `feed(frame, t)` takes s16le PCM (a 20 ms frame, or any whole number of
    5 ms blocks) whose first sample played at monotonic time `t`, and returns
    the presses that became certain in it: [(digit, t_start)], each press once.
    """

    def __init__(self) -> None:
        self._window = _Window((*DTMF_ROWS, *DTMF_COLS), keep=WINDOW_BLOCKS + PRESS_WINDOWS + 4)
        self._candidate: str | None = None
        self._run = 0
        self._pressed: str | None = None
        self._missed = 0

    def feed(self, frame: bytes, t: float) -> list[tuple[str, float]]:
        found = []
        for samples, bt in self._window.blocks_of(frame, t):
            energy = self._window.push(samples, bt)
            key = None
            if self._window.full and energy >= 2 * MIN_TONE_ENERGY:
                key = self._key(energy)
            press = self._step(key)
            if press is not None:
                found.append((press, self._start_time()))
        return found

    def _key(self, energy: float) -> str | None:
        """The DTMF key whose pair fills the current window, or None."""
        rows = self._window.powers(0, 4)
        r = _winner(rows)
        if r is None or rows[r] < ROW_GATE * energy:
            return None
        cols = self._window.powers(4, 8)
        c = _winner(cols)
        if c is None:
            return None
        key = DTMF_KEYS[r][c]
        if key == self._pressed:  # holding a press: looser, and no side probes
            return key if rows[r] + cols[c] >= HOLD_PAIR_SHARE * energy else None
        samples = self._window.samples()
        p_row = _probed_power(samples, DTMF_ROWS[r], rows[r])
        p_col = _probed_power(samples, DTMF_COLS[c], cols[c])
        if not p_row / MAX_TWIST <= p_col <= p_row * MAX_TWIST:
            return None
        return key if p_row + p_col >= MIN_PAIR_SHARE * energy else None

    def reset(self) -> None:
        """Forget the audio so far (a new call on the line)."""
        self.__init__()

    def _step(self, key: str | None) -> str | None:
        """Advance the press state by one hop; the digit when a new press is certain."""
        if key is not None and key == self._candidate:
            self._run += 1
        else:
            self._candidate, self._run = key, 0 if key is None else 1
        if self._pressed is not None:
            if key == self._pressed:
                self._missed = 0
                return None
            self._missed += 1
            if self._missed < RELEASE_WINDOWS:
                return None
            self._pressed = None
        if self._candidate is not None and self._run >= PRESS_WINDOWS:
            self._pressed, self._missed = self._candidate, 0
            return self._candidate
        return None

    def _start_time(self) -> float:
        """When the tone began: the first full block, less the filled part of the one before."""
        history = list(self._window.history)
        inside = sorted(e for _, e in history[-PRESS_WINDOWS:])
        level = inside[len(inside) // 2]
        first = len(history) - PRESS_WINDOWS
        while first > 0 and history[first - 1][1] >= FULL_BLOCK * level:
            first -= 1
        t_first = history[first][0]
        if first == 0:
            return t_first
        before = history[first - 1][1]
        floor = history[first - 2][1] if first >= 2 else 0.0
        filled = max(0.0, min(1.0, (before - min(floor, before)) / level))
        return t_first - filled * BLOCK_S


@dataclass(frozen=True)
class ToneEdge:
    """A watched tone started (`on`) or stopped at monotonic time `t`."""

    hz: float
    on: bool
    t: float


class ToneDetector:
    """Single tones (dial, busy, ringback: 450 Hz in China) in a line's audio.

    A tone is present in a 20 ms window when it carries `min_share` of the
    window's energy at a level above the silence floor; `feed(frame, t)` returns
    its edges, timed to the 5 ms hop, after `debounce` hops agree. FXO busy
    detection measures the cadence from these edges.
    """

    def __init__(self, freqs: tuple[float, ...] = (450.0,), min_share: float = 0.5,
                 debounce: int = 3):
        if not freqs or any(not 0 < hz < RATE / 2 for hz in freqs):
            raise ValueError(f"tone frequencies must be between 0 and {RATE // 2} Hz: {freqs}")
        self._window = _Window(tuple(freqs), keep=WINDOW_BLOCKS)
        self._freqs = tuple(freqs)
        self._min_share = min_share
        self._debounce = debounce
        self._on = [False] * len(freqs)
        self._votes = [0] * len(freqs)

    def feed(self, frame: bytes, t: float) -> list[ToneEdge]:
        edges = []
        for samples, bt in self._window.blocks_of(frame, t):
            energy = self._window.push(samples, bt)
            if not self._window.full:
                continue
            loud = energy >= 2 * MIN_TONE_ENERGY
            powers = self._window.powers(0, len(self._freqs)) if loud else [0.0] * len(self._freqs)
            for k, power in enumerate(powers):
                present = loud and power >= self._min_share * energy
                edges.extend(self._vote(k, present, bt))
        return edges

    def _vote(self, k: int, present: bool, t: float) -> list[ToneEdge]:
        if present == self._on[k]:
            self._votes[k] = 0
            return []
        self._votes[k] += 1
        if self._votes[k] < self._debounce:
            return []
        self._on[k], self._votes[k] = present, 0
        # the window of the first vote ended at `end`; its tone filled min_share of it,
        # at its end when the tone came on, at its start when the tone went off
        end = t + BLOCK_S - (self._debounce - 1) * BLOCK_S
        share_s = self._min_share * WINDOW / RATE
        when = end - share_s if present else end - WINDOW / RATE + share_s
        return [ToneEdge(self._freqs[k], present, when)]


# The analog line's tone and cadence detectors (tone_cadence.py) slide the same window.
SlidingWindow = _Window
