"""Call-progress tones on an analog line, as on and off segments with their measurements.

Pure code (stdlib only). progress.py (outbound call progress) and
disconnect.py (busy-tone disconnect) are built on it: a `ToneBank` watches
the frequencies of a profile's tones in one sliding 20 ms window (5 ms hops,
dsp.SlidingWindow), and a `ToneGate` per tone (its one or two frequencies)
turns "present in this window" into `Segment`s: a tone's on time and the
silence (or other sound) after it, with edges timed to ~5 ms.

A tone is present in a window when its frequencies carry `share` of the
window's energy together, each of two at least an eighth of the pair (a
twist within 8 dB; so 440+480 Hz ringback, whose 350 Hz is leakage, does not
pass for 350+440 Hz dial tone), above a level floor
(~-47 dBm0). While it is on, the gate measures what speech and music do not
fake: its level, how far its frequencies are from the nominal ones (the
phase turn between 25 ms chunks of an on-absolute-time DFT: +-20 Hz without
ambiguity, and 440 Hz next to 480 Hz falls on a zero of the chunk's
response), and the power at twice each frequency (a piano's or a voice's
second harmonic; symmetric clipping of a pure tone makes none).

`cadence_match()` says whether on/off durations fit a cadence, at any
rotation (a tone is often heard from the middle of its pattern).
"""

from __future__ import annotations

import cmath
import math
from collections.abc import Callable
from dataclasses import dataclass, field

from firmware.lines.analog_profiles import matches
from firmware.lines.dsp import BLOCK_S, WINDOW, WINDOW_BLOCKS, SlidingWindow

TONE_FLOOR = WINDOW * 100.0**2 / 2  # a window quieter than a ~-47 dBm0 sine holds no tone
EACH_SHARE = 0.25  # each of n frequencies carries this much of the tone's 1/n share
CHUNK_HOPS = 5  # 25 ms chunks for the frequency measurement
FULL_SCALE_DBM0 = 3.14  # a full-scale sine in dBm0 (G.711)
FULL_SCALE = 32767.0**2 / 2  # the mean square of that sine

HopListener = Callable[[float, float, bool], None]  # (window end, its energy, a tone on)


def level_dbm0(mean_square: float) -> float:
    """A mean square (power per sample) in dBm0."""
    return FULL_SCALE_DBM0 + 10 * math.log10(max(mean_square, 1e-9) / FULL_SCALE)


@dataclass(frozen=True)
class Segment:
    """A stretch of a gate's tone being on, or off, with what was measured while on."""

    on: bool
    t_start: float
    t_end: float
    level_dbm0: float = -99.0  # the tone's mean level while on
    offsets_hz: tuple[float, ...] = ()  # measured minus nominal, per frequency
    harmonic: float = 0.0  # power at 2f over power at f (the worse of the frequencies)
    echo: bool = False  # the box itself was sending this tone meanwhile

    @property
    def duration(self) -> float:
        return self.t_end - self.t_start


@dataclass
class _OnStats:
    """What a gate accumulates over one on segment."""

    hops: int = 0
    power: float = 0.0
    harmonic_power: float = 0.0
    chunks: list[complex] = field(default_factory=list)  # running sum of the open chunk, per f
    last: list[complex | None] = field(default_factory=list)  # previous closed chunk, per f
    turns: list[complex] = field(default_factory=list)  # sum of chunk-to-chunk turns, per f


class ToneGate:
    """One tone (its frequencies) through the hops: debounced on/off segments."""

    def __init__(self, freqs: tuple[float, ...], index: tuple[int, ...], share: float,
                 debounce: int = 3):
        self.freqs, self.index, self.share = freqs, index, share
        self.debounce = debounce
        self.on = False
        self.since: float | None = None  # the current segment began
        self._votes = 0
        self._stats = _OnStats()
        self._pending = _OnStats()
        self.echo_t = -math.inf  # the last time the box's own audio carried this tone

    def present(self, powers: list[float], energy: float) -> bool:
        mine = [powers[i] for i in self.index]
        total = sum(mine)
        return total >= self.share * energy and min(mine) >= EACH_SHARE * total / len(mine)

    def step(self, present: bool, t_end: float, values: list[complex] | None,
             powers: list[float] | None, harmonics: list[float] | None) -> Segment | None:
        """One hop whose window ended at `t_end`; the segment this hop closed, if any."""
        if self.since is None:
            self.since = t_end - WINDOW_BLOCKS * BLOCK_S  # the first window's start
        if present:
            self._accumulate(self._stats if self.on else self._pending, values, powers,
                             harmonics)
        elif not self.on:
            self._pending = _OnStats()
        if present == self.on:
            self._votes = 0
            return None
        self._votes += 1
        if self._votes < self.debounce:
            return None
        return self._flip(present, t_end)

    def _flip(self, present: bool, t_end: float) -> Segment:
        # the window of the first vote ended `debounce - 1` hops ago; the tone filled
        # `share` of it, at its end when it came on, at its start when it went off
        end = t_end - (self.debounce - 1) * BLOCK_S
        share_s = self.share * WINDOW_BLOCKS * BLOCK_S
        when = end - share_s if present else end - WINDOW_BLOCKS * BLOCK_S + share_s
        when = max(when, self.since)
        closed = self._segment(self.since, when)
        self.on, self.since, self._votes = present, when, 0
        if present:
            self._stats, self._pending = self._pending, _OnStats()
        else:
            self._stats = _OnStats()
        return closed

    def _segment(self, start: float, end: float) -> Segment:
        if not self.on:
            return Segment(False, start, end)
        stats = self._stats
        level = level_dbm0(stats.power / max(stats.hops, 1) / WINDOW)
        offsets = tuple(cmath.phase(turn) / (2 * math.pi * CHUNK_HOPS * BLOCK_S)
                        if turn else 0.0 for turn in stats.turns)
        harmonic = stats.harmonic_power / stats.power if stats.power else 0.0
        return Segment(True, start, end, level, offsets, harmonic, self.echo_t >= start)

    def current(self, t: float) -> Segment | None:
        """The open segment as measured so far (its end is `t`)."""
        return None if self.since is None else self._segment(self.since, t)

    def _accumulate(self, stats: _OnStats, values: list[complex] | None,
                    powers: list[float] | None, harmonics: list[float] | None) -> None:
        stats.hops += 1
        if powers is not None:
            stats.power += sum(powers[i] for i in self.index)
        if harmonics is not None:
            stats.harmonic_power += max(harmonics[i] for i in self.index)
        if values is None:
            return
        if not stats.chunks:
            n = len(self.index)
            stats.chunks, stats.last, stats.turns = [0j] * n, [None] * n, [0j] * n
        for j, i in enumerate(self.index):
            stats.chunks[j] += values[i]
        if stats.hops % CHUNK_HOPS == 0:
            for j in range(len(self.index)):
                chunk, stats.chunks[j] = stats.chunks[j], 0j
                if stats.last[j] is not None:
                    stats.turns[j] += chunk * stats.last[j].conjugate()
                stats.last[j] = chunk


class ToneBank:
    """The frequencies of several tones in one window; a gate per tone.

    `feed(frame, t)` returns (gate index, closed segment) pairs and calls
    `on_hop(t_end, energy, any_present)` after each hop if given.
    `harmonics`: also measure 2f of every frequency while a tone is on.
    """

    def __init__(self, tones: list[tuple[float, ...]], share: float,
                 harmonics: bool = False, debounce: int = 3):
        freqs = sorted({hz for tone in tones for hz in tone})
        if not freqs or any(not 0 < hz < 2000 for hz in freqs):
            raise ValueError(f"call-progress tones must lie between 0 and 2000 Hz: {tones}")
        self.freqs = tuple(freqs)
        self._k = len(freqs)
        bank = (*freqs, *(2 * hz for hz in freqs)) if harmonics else tuple(freqs)
        self._window = SlidingWindow(bank, keep=WINDOW_BLOCKS)
        self._harmonics = harmonics
        self.gates = [ToneGate(tuple(tone), tuple(freqs.index(hz) for hz in tone), share,
                               debounce) for tone in tones]
        self.energy = 0.0  # of the last window

    def feed(self, frame: bytes, t: float, on_hop: HopListener | None = None
             ) -> list[tuple[int, Segment]]:
        closed: list[tuple[int, Segment]] = []
        window = self._window
        for samples, bt in window.blocks_of(frame, t):
            energy = self.energy = window.push(samples, bt)
            if not window.full:
                continue
            t_end = bt + BLOCK_S
            powers = window.powers(0, self._k) if energy >= TONE_FLOOR else None
            flags = [powers is not None and g.present(powers, energy) for g in self.gates]
            values = harmonics = None
            if any(flags):
                values = window.blocks[-1].groups[(0, self._k)]
                if self._harmonics:
                    harmonics = window.powers(self._k, 2 * self._k)
            for k, gate in enumerate(self.gates):
                segment = gate.step(flags[k], t_end, values, powers, harmonics)
                if segment is not None:
                    closed.append((k, segment))
            if on_hop is not None:
                on_hop(t_end, energy, any(flags))
        return closed


def cadence_match(segments: list[Segment], cadence: tuple[float, ...]) -> bool:
    """Do these consecutive segments (the first one on) fit `cadence` at some rotation?"""
    if not segments or not segments[0].on or not cadence:
        return False
    size = len(cadence)
    return any(all(matches(seg.duration, cadence[(r + i) % size])
                   for i, seg in enumerate(segments))
               for r in range(0, size, 2))
