"""Finds a single tone of any frequency from 300 to 3,400 Hz in a stream of frames.

The Analyzer (dsp.py) matches frames against a bank of known frequencies; a tone
outside the bank (800 Hz, say) would go unheard and look like one-way audio.
The finder estimates each loud frame's frequency from its zero crossings (times
interpolated between samples); when three frames in a row agree within
`AGREE_HZ`, it measures the frequency precisely over those frames joined (a DFT
peak search, 5 Hz then 1 Hz steps) and, if that frequency really carries the
signal (the tone share the Analyzer asks of any tone), hands it over so the
Analyzer watches it from the first of those frames on. Frequencies that failed
(speech, noise) are not tried again for a while, so the cost stays small.
"""

from __future__ import annotations

import math
from array import array
from collections import deque

RATE = 8000
LOW_HZ, HIGH_HZ = 300.0, 3400.0
AGREE_HZ = 12.0
RUN_FRAMES = 3
MIN_SHARE = 0.5  # the found frequency carries half the energy of the frames joined
RETRY_FRAMES = 25
MARGIN_HZ = 15.0  # the band's edges are found too (a 3,400 Hz tone may measure 3,401)


def zero_crossing_hz(samples: array) -> float | None:
    """A frame's frequency from its zero crossings; None if it has too few."""
    prev = samples[0]
    first = last = None
    n = 0
    for i in range(1, len(samples)):
        cur = samples[i]
        if (prev < 0) != (cur < 0):
            x = i - 1 + prev / (prev - cur)
            if first is None:
                first = x
            last, n = x, n + 1
        prev = cur
    if n < 4 or last == first:
        return None
    return (n - 1) / 2 / ((last - first) / RATE)


def power_at(samples: list[int], hz: float) -> float:
    w = 2 * math.pi * hz / RATE
    re = sum(s * math.cos(w * i) for i, s in enumerate(samples))
    im = sum(s * math.sin(w * i) for i, s in enumerate(samples))
    return re * re + im * im


def refine(samples: list[int], f0: float) -> tuple[float, float]:
    """(frequency, share of the energy it carries) near `f0`, to about 1 Hz."""
    coarse = max((f0 + d for d in range(-30, 31, 5)), key=lambda f: power_at(samples, f))
    best = max((coarse + d for d in range(-5, 6)), key=lambda f: power_at(samples, f))
    energy = sum(s * s for s in samples)
    share = power_at(samples, best) / (energy * len(samples) / 2) if energy else 0.0
    return best, share


class ToneFinder:
    """Offer it every loud frame that holds no known tone; it says when one is found."""

    def __init__(self) -> None:
        self._run: deque[tuple[int, float, float, array]] = deque(maxlen=RUN_FRAMES)
        self._failed: dict[int, int] = {}  # rounded Hz -> frame index it may be tried again

    def offer(self, index: int, t: float, samples: array,
              known: list[float]) -> tuple[float, int, float] | None:
        """(Hz, index and time of the tone's first frame), once a new tone is sure."""
        hz = zero_crossing_hz(samples)
        if hz is None or not LOW_HZ - MARGIN_HZ <= hz <= HIGH_HZ + MARGIN_HZ:
            self._run.clear()
            return None
        if self._run and (self._run[-1][0] != index - 1 or abs(self._run[-1][1] - hz) > AGREE_HZ):
            self._run.clear()
        self._run.append((index, hz, t, samples))
        if len(self._run) < RUN_FRAMES:
            return None
        f0 = sum(f for _, f, _, _ in self._run) / len(self._run)
        if any(abs(f0 - k) < 4 for k in known) or self._failed.get(round(f0), -1) > index:
            return None
        joined = [s for *_, frame in self._run for s in frame]
        found, share = refine(joined, f0)
        if share < MIN_SHARE or not LOW_HZ - MARGIN_HZ <= found <= HIGH_HZ + MARGIN_HZ:
            self._failed[round(f0)] = index + RETRY_FRAMES
            return None
        first_index, _, first_t, _ = self._run[0]
        self._run.clear()
        return float(round(found)), first_index, first_t
