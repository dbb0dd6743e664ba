"""Speech in a stream of frames, as a listener tells a voice from tones and noise.

`SpeechDetector.feed(samples, t)` takes one 20 ms frame (160 samples, 8 kHz)
at a time and costs a few dot products per frame; `stretches()` lists the
stretches of voice-like audio found so far as {"t_start", "t_end"} in the
frames' own time base (the time a frame's first sample plays).

Each frame is fitted with a 4th-order linear predictor (the covariance method,
which predicts one or two sinusoids exactly). A frame is

- *silent* when its energy is within 6 dB of the background (the quietest
  non-tonal frame of the last 1.2 s, tracked like a noise floor) or below -55 dBFS;
- *tonal* when its own predictor leaves 35 dB less (clean sinusoids), or the
  previous frame's predictor leaves 25 dB less (a steady tone), or, NOISY_RUN
  frames in a row, leaves only the background as the predictor shapes it (a
  tone under line noise); when 1200-2200 Hz holds most of it over two frames
  (Bell-202 FSK, whose hops no predictor follows); or when the caller says so
  (`tone=True`: the Analyzer heard a DTMF pair in it);
- *voice* when neither, not within EDGE_FRAMES of a tonal frame (a tone's edges
  look like neither), and its predictor still removes at least 2 dB (the
  formants of a voice): white noise, which no predictor removes, is not voice;
- otherwise *active*: loud, but noise-like (a fricative, or a noise burst).

A stretch starts at a voice frame and takes in voice frames less than
MERGE_GAP_S apart; its ends reach out over adjacent active frames by at most
EDGE_S (the unvoiced consonant that starts or ends a word), and it needs
MIN_VOICE_FRAMES voice frames to be speech. A frame is judged once the frames
after it are known: 100 ms late. `voiced(t0, t1)` tells whether a stretch of
time held voice and nothing tonal (ears.py drops the tone finder's short
"tones" there: a voice's harmonics).
"""

from __future__ import annotations

import bisect
import math
import operator
from array import array
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

RATE = 8000
FRAME_SAMPLES = 160
FRAME_S = FRAME_SAMPLES / RATE
ORDER = 4
ABS_FLOOR = FRAME_SAMPLES * (32768 * 10 ** (-55 / 20)) ** 2  # -55 dBFS
QUIET = FRAME_SAMPLES * (32768 * 10 ** (-70 / 20)) ** 2  # not worth a look
ACTIVE_OVER_FLOOR = 10 ** (6 / 10)  # 6 dB above the background is a sound
CLEAN_TONE_GAIN = 10 ** (35 / 10)  # its own predictor leaves 35 dB less: sinusoids only
TONAL_GAIN = 10 ** (25 / 10)  # the last frame's predictor leaves 25 dB less: a steady tone
NOISY_TONE_RESIDUAL = 10 ** (4 / 10)  # ... or leaves only the background (within 4 dB,
NOISY_TONE_GAIN = 10 ** (8 / 10)  # ... through the predictor) of a frame 8 dB above it
VOICE_GAIN = 10 ** (2 / 10)  # formants: a voice frame is predicted 2 dB down at least
FSK_SHARE = 0.55  # Bell-202 FSK: 1200-2200 Hz holds this share over two frames
FSK_MAX_LAG1 = 0.75  # cos(2 pi 1200 / 8000) = 0.59: FSK's lag-1 correlation is below
FSK_BLOCK = 20  # samples: 2.5 ms blocks follow FSK's hops (one bit is 6.7 samples)
FLOOR_BLOCK = 15  # frames per block of the floor tracker (0.3 s) ...
FLOOR_BLOCKS = 4  # ... the background: the quietest non-tonal frame of the last 1.2 s
EDGE_FRAMES = 2  # a voice frame this close to a tonal one is the tone's edge
NOISY_RUN = 4  # frames: a voice's formants hold still for less
MERGE_GAP_S = 0.3
EDGE_S = 0.15
MIN_VOICE_FRAMES = 3
VERDICTS = 3000  # frames whose verdicts are kept (60 s at least)
HISTORY = 1000


@dataclass
class _Stretch:
    t_start: float
    t_voice_end: float  # end of its last voice frame
    t_end: float  # reaches over active frames after the last voice frame
    voice_frames: int

    def entry(self) -> dict:
        return {"t_start": round(self.t_start, 4), "t_end": round(self.t_end, 4)}


def _covariance(x: array) -> list[list[float]]:
    """phi[i][j] = sum over n of x[n-i] x[n-j], n from ORDER to the frame's end."""
    n, p = len(x), ORDER
    row = [float(sum(map(operator.mul, x[p:], x[p - j:n - j]))) for j in range(p + 1)]
    phi = [row] + [[row[i]] + [0.0] * p for i in range(1, p + 1)]
    for i in range(1, p + 1):
        for j in range(i, p + 1):  # shift the window of phi[i-1][j-1] by one sample
            phi[i][j] = phi[i - 1][j - 1] + x[p - i] * x[p - j] - x[n - i] * x[n - j]
            phi[j][i] = phi[i][j]
    return phi


def _predictor(phi: list[list[float]]) -> list[float]:
    """The coefficients a (x[n] ~ sum a_k x[n-k]) minimising the residual.

    The diagonal is loaded by 1e-7 of the energy (-70 dB), so a pure tone (a
    singular system for order 4) still has a well-defined predictor."""
    m = ORDER
    load = phi[0][0] * 1e-7 + 1.0
    rows = [[*(v + load * (j == i) for j, v in enumerate(phi[i][1:], 1)), phi[i][0]]
            for i in range(1, m + 1)]
    for c in range(m):
        pivot = max(range(c, m), key=lambda r: abs(rows[r][c]))
        rows[c], rows[pivot] = rows[pivot], rows[c]
        for r in range(c + 1, m):
            f = rows[r][c] / rows[c][c]
            rows[r] = [a - f * b for a, b in zip(rows[r], rows[c], strict=True)]
    a = [0.0] * m
    for c in range(m - 1, -1, -1):
        a[c] = (rows[c][m] - sum(rows[c][k] * a[k] for k in range(c + 1, m))) / rows[c][c]
    return a


_FSK_TABLES = [[(math.cos(2 * math.pi * hz * i / RATE), math.sin(2 * math.pi * hz * i / RATE))
                for i in range(FSK_BLOCK)] for hz in (1200, 1700, 2200)]
_FSK_COS = [[c for c, _ in table] for table in _FSK_TABLES]
_FSK_SIN = [[s for _, s in table] for table in _FSK_TABLES]


def _fsk_share(samples: array, energy: float) -> float:
    """The share of the frame's energy at 1200, 1700 and 2200 Hz, block by block
    (2.5 ms blocks: bins wide enough to follow a carrier that hops every bit)."""
    total = 0.0
    for b in range(0, len(samples) - FSK_BLOCK + 1, FSK_BLOCK):
        block = samples[b:b + FSK_BLOCK]
        for cos, sin in zip(_FSK_COS, _FSK_SIN, strict=True):
            total += sum(map(operator.mul, block, cos)) ** 2 \
                + sum(map(operator.mul, block, sin)) ** 2
    return total / (energy * FSK_BLOCK / 2) if energy else 0.0


def _residual(phi: list[list[float]], a: list[float]) -> float:
    """Energy left after predicting the frame with coefficients a: c' phi c, c = (1, -a)."""
    c = [1.0, *(-k for k in a)]
    return max(0.0, sum(ci * sum(map(operator.mul, c, row))
                        for ci, row in zip(c, phi, strict=True)))


@dataclass
class _Frame:
    t: float
    energy: float
    tonal: bool
    formants: bool  # its own predictor removes VOICE_GAIN at least
    noisy: bool  # tone-like under noise (counts as a tone in a run of NOISY_RUN)


class SpeechDetector:
    """Voice-like stretches in a stream of 20 ms frames (see the module docstring)."""

    def __init__(self, history: int = HISTORY,
                 on_speech: Callable[[dict], None] | None = None):
        self._on_speech = on_speech
        self._done: deque[dict] = deque(maxlen=history)
        self._blocks: deque[float] = deque(maxlen=FLOOR_BLOCKS)
        self._block_frames = 0
        self._prev_a: list[float] | None = None
        self._prev_fsk = 0.0
        self._window: deque[_Frame] = deque(maxlen=2 * EDGE_FRAMES + NOISY_RUN)
        self._noisy_run = 0
        self._unsettled = 0  # frames at the window's end not judged yet
        self._verdicts: list[tuple[float, str]] = []  # (t, kind) of the last frames judged
        self._open: _Stretch | None = None
        self._active_since: float | None = None  # start of the run of active frames

    def feed(self, samples: array, t: float, tone: bool = False) -> None:
        """One frame of samples (160 at 8 kHz) whose first sample plays at time `t`;
        `tone`: another detector already heard a tone in it (DTMF, say)."""
        frame = self._features(samples, t)
        frame.tonal = frame.tonal or tone
        self._window.append(frame)
        self._unsettled += 1
        self._noisy_run = self._noisy_run + 1 if frame.noisy else 0
        if self._noisy_run >= NOISY_RUN:  # steady long enough: a tone under the noise
            for earlier in list(self._window)[-NOISY_RUN:]:
                earlier.tonal = True
        if len(self._window) == self._window.maxlen:
            self._settle(EDGE_FRAMES)

    def gap(self) -> None:
        """Nothing arrived for a while: settle what waits, as if silence followed."""
        for index in range(len(self._window) - self._unsettled, len(self._window)):
            self._settle(index)
        self._window.clear()
        self._prev_a = None
        self._prev_fsk = 0.0
        self._active_since = None

    def stretches(self) -> list[dict]:
        """Speech found so far, oldest first (a stretch still going on included)."""
        found = list(self._done)
        stretch = self._open
        if stretch is not None and stretch.voice_frames >= MIN_VOICE_FRAMES:
            found.append(stretch.entry())
        return found

    def reset(self) -> None:
        self._done.clear()
        self._open = None

    # --- one frame ----------------------------------------------------------------

    def _features(self, samples: array, t: float) -> _Frame:
        energy = float(sum(map(operator.mul, samples, samples)))
        if energy < QUIET or len(samples) != FRAME_SAMPLES:
            self._prev_a, self._prev_fsk = None, 0.0
            return _Frame(t, energy, False, False, False)
        phi = _covariance(samples)
        a = _predictor(phi)
        own = _residual(phi, a)
        tonal = own * CLEAN_TONE_GAIN <= energy
        noisy = False
        if not tonal and self._prev_a is not None:
            left = _residual(phi, self._prev_a)
            background = self._floor() * (1 + sum(k * k for k in self._prev_a))
            tonal = left * TONAL_GAIN <= energy
            noisy = left <= background * NOISY_TONE_RESIDUAL and left * NOISY_TONE_GAIN <= energy
        # FSK sits between 1200 and 2200 Hz: a frame whose lag-1 correlation says its
        # energy is lower (a voiced sound) is not worth the look
        fsk = 0.0 if tonal or phi[0][1] > FSK_MAX_LAG1 * phi[0][0] \
            else _fsk_share(samples, energy)
        tonal = tonal or fsk + self._prev_fsk >= 2 * FSK_SHARE
        self._prev_a, self._prev_fsk = a, fsk
        return _Frame(t, energy, tonal, own * VOICE_GAIN <= energy, noisy or tonal)

    def _floor(self) -> float:
        return max(ABS_FLOOR, min(self._blocks, default=ABS_FLOOR))

    def _track_floor(self, energy: float) -> None:
        """Minimum statistics: the quietest frame of each block, over the last blocks."""
        if self._block_frames == 0:
            self._blocks.append(energy)
        else:
            self._blocks[-1] = min(self._blocks[-1], energy)
        self._block_frames = (self._block_frames + 1) % FLOOR_BLOCK

    def _settle(self, middle: int) -> None:
        """Judge the frame at window[middle], now that the frames around it are known."""
        window = list(self._window)
        frame = window[middle]
        self._unsettled -= 1
        near_tone = any(f.tonal for f in window[max(0, middle - EDGE_FRAMES):
                                                middle + EDGE_FRAMES + 1])
        if not frame.tonal and not any(f.tonal for f in window[max(0, middle - 1):middle + 2]):
            self._track_floor(frame.energy)
        if frame.energy < self._floor() * ACTIVE_OVER_FLOOR:
            kind = "silent"
        elif frame.tonal:
            kind = "tonal"
        elif frame.formants and not near_tone:
            kind = "voice"
        else:
            kind = "active"
        self._verdicts.append((frame.t, kind))
        if len(self._verdicts) > 2 * VERDICTS:
            del self._verdicts[:VERDICTS]
        self._take(frame.t, kind)

    def voiced(self, t_start: float, t_end: float) -> bool | None:
        """Were the frames from t_start to t_end a voice's: none tonal, some voice (a
        tone finder's short "tone" that is a voice's harmonic)? None while they are not
        all judged yet."""
        times = [t for t, _ in self._verdicts]
        first = bisect.bisect_left(times, t_start - FRAME_S / 2)
        last = bisect.bisect_left(times, t_end - FRAME_S / 2)
        if last >= len(times):
            return None
        kinds = [kind for _, kind in self._verdicts[first:last]]
        return "tonal" not in kinds and "voice" in kinds

    def _take(self, t: float, kind: str) -> None:
        stretch = self._open
        if stretch is not None and t - stretch.t_voice_end >= MERGE_GAP_S:
            self._close()
            stretch = None
        if kind in ("silent", "tonal"):
            self._active_since = None
            return
        if self._active_since is None:
            self._active_since = t
        if kind == "voice":
            self._voice(t)
        elif stretch is not None and t + FRAME_S - stretch.t_voice_end <= EDGE_S \
                and self._active_since <= stretch.t_voice_end:
            stretch.t_end = t + FRAME_S  # the unvoiced tail of a word

    def _voice(self, t: float) -> None:
        stretch = self._open
        if stretch is None:
            start = max(self._active_since or t, t - EDGE_S)
            stretch = self._open = _Stretch(start, t, t, 0)
        stretch.voice_frames += 1
        stretch.t_voice_end = stretch.t_end = max(stretch.t_end, t + FRAME_S)

    def _close(self) -> None:
        stretch, self._open = self._open, None
        if stretch is not None and stretch.voice_frames >= MIN_VOICE_FRAMES:
            entry = stretch.entry()
            self._done.append(entry)
            if self._on_speech is not None:
                self._on_speech(dict(entry))
