"""Where a prompt was played in a recording: "the 'welcome' prompt played at t=0.4 s".

`find_prompt(recording, prompt)` slides the prompt's loudness envelope (RMS in
5 ms steps) along the recording's and scores each offset by normalized cross
correlation (1.0: the same shape). A gain in the bridge scales an envelope and
leaves the score alone; a few ms of jitter or a codec barely move it; another
prompt, or the same words said differently, scores far lower. The search is
coarse (20 ms steps) over the whole recording, then fine (2.5 ms) around the
best candidates, so a minute of recording takes well under a second.

`recording` and `prompt` may be WAV bytes (any rate, mono or stereo, 8 or 16
bit: converted to 8 kHz mono), a path to a WAV file, raw 8 kHz s16le PCM, or
an object with `.wav` (and `.t_start`), like `EmulatorClient.call_recording()`
returns. A `Match` has `offset_s` (from the start of the recording), `score`
and, when the recording knows when it began, `t` (the monotonic time the
prompt started: the time base of `heard`).

    rec = emu.client.call_recording(call["id"])
    match = find_prompt(rec, Path("prompts/welcome.wav"))
    assert match.score > MATCH_SCORE and abs(match.t - t_answer - 0.4) < 0.1
"""

from __future__ import annotations

import io
import math
import sys
import warnings
import wave
from dataclasses import dataclass
from pathlib import Path
from typing import Any

with warnings.catch_warnings():  # Python 3.11 has it (deprecated, gone in 3.13)
    warnings.simplefilter("ignore", DeprecationWarning)
    import audioop

RATE = 8000
FINE_HOP = 20  # 2.5 ms
COARSE_HOP = 160  # 20 ms
MATCH_SCORE = 0.8  # at or above: the prompt was played there
REFINE_S = 0.04  # the fine search looks this far either side of a coarse candidate
ENVELOPE_S = 0.03  # the loudness window (several pitch periods)


@dataclass(frozen=True)
class Match:
    offset_s: float  # where the prompt starts in the recording
    score: float  # normalized cross-correlation of the envelopes, -1..1
    duration_s: float  # the prompt's length
    t: float | None = None  # monotonic time it started, if the recording has a t_start

    @property
    def end_s(self) -> float:
        return self.offset_s + self.duration_s


def read_wav(data: bytes) -> tuple[int, int, int, bytes]:
    """(rate, channels, sample width, frames) of a WAV; ValueError if it is not one."""
    try:
        with wave.open(io.BytesIO(data)) as reader:
            params = reader.getparams()
            frames = reader.readframes(params.nframes)
    except (wave.Error, EOFError) as exc:
        raise ValueError(f"not a PCM WAV file: {exc}") from None
    return params.framerate, params.nchannels, params.sampwidth, frames


def to_pcm(wav: tuple[int, int, int, bytes]) -> bytes:
    """A read_wav() result as 8 kHz s16le mono PCM."""
    rate, channels, width, frames = wav
    if width not in (1, 2, 3, 4):
        raise ValueError(f"unsupported sample width {width}")
    if width == 1:  # 8-bit WAV is unsigned
        frames = audioop.bias(frames, 1, -128)
    if sys.byteorder == "big" and width > 1:
        frames = audioop.byteswap(frames, width)
    if channels == 2:
        frames = audioop.tomono(frames, width, 0.5, 0.5)
    elif channels != 1:
        raise ValueError(f"{channels} channels: only mono and stereo are read")
    frames = audioop.lin2lin(frames, width, 2)
    if rate != RATE:
        frames, _ = audioop.ratecv(frames, 2, 1, rate, RATE, None)
    if sys.byteorder == "big":
        frames = audioop.byteswap(frames, 2)
    return frames


def audio_of(source: Any) -> tuple[bytes, float | None]:
    """(8 kHz s16le mono PCM, the monotonic time of its first sample or None)."""
    t_start = getattr(source, "t_start", None)
    if hasattr(source, "wav"):
        source = source.wav
    if isinstance(source, str | Path):
        source = Path(source).read_bytes()
    if not isinstance(source, bytes | bytearray | memoryview):
        raise TypeError(f"cannot read audio from {type(source).__name__}")
    data = bytes(source)
    if data[:4] == b"RIFF":
        return to_pcm(read_wav(data)), t_start
    return data[:len(data) & ~1], t_start


def envelope(pcm: bytes, hop: int) -> list[float]:
    """RMS over ENVELOPE_S windows every `hop` samples (a window spans several pitch
    periods, so a shift of a few samples hardly changes it)."""
    width = 2 * hop
    blocks = [audioop.rms(pcm[i:i + width], 2) ** 2
              for i in range(0, len(pcm) - width + 1, width)]
    span = max(1, round(ENVELOPE_S * RATE / hop))
    if len(blocks) < span:
        return []
    total = float(sum(blocks[:span]))
    out = [math.sqrt(total / span)]
    for i in range(span, len(blocks)):
        total += blocks[i] - blocks[i - span]
        out.append(math.sqrt(max(total, 0.0) / span))
    return out


def _centered(values: list[float]) -> tuple[list[float], float]:
    mean = sum(values) / len(values)
    centered = [v - mean for v in values]
    return centered, math.sqrt(sum(v * v for v in centered))


def _scores(env: list[float], ref: list[float], lags: range) -> list[tuple[float, int]]:
    """(normalized cross-correlation, lag) of `ref` against `env` at each lag."""
    m = len(ref)
    ref_c, ref_norm = _centered(ref)
    if ref_norm == 0:
        return [(0.0, lag) for lag in lags]
    out = []
    for lag in lags:
        window = env[lag:lag + m]
        if len(window) < m:
            break
        s, s2 = sum(window), sum(v * v for v in window)
        var = s2 - s * s / m
        dot = sum(a * b for a, b in zip(ref_c, window, strict=True))
        out.append((dot / (ref_norm * math.sqrt(var)) if var > 1e-9 else 0.0, lag))
    return out


def _peaks(scores: list[tuple[float, int]], floor: float, apart: int) -> list[int]:
    """Lags of local maxima at or above `floor`, best first, at least `apart` lags apart."""
    chosen: list[int] = []
    for score, lag in sorted(scores, reverse=True):
        if score < floor:
            break
        if all(abs(lag - c) >= apart for c in chosen):
            chosen.append(lag)
    return chosen


def _refine(env: list[float], ref_fine: list[float], coarse_lag: int) -> tuple[float, int]:
    """The best (score, fine lag) within REFINE_S of a coarse candidate."""
    centre = coarse_lag * COARSE_HOP // FINE_HOP
    reach = round(REFINE_S * RATE / FINE_HOP)
    lags = range(max(0, centre - reach), max(0, centre + reach + 1))
    return max(_scores(env, ref_fine, lags), default=(0.0, centre))


def find_prompts(recording: Any, prompt: Any, min_score: float = MATCH_SCORE,
                 limit: int | None = None) -> list[Match]:
    """Every place `prompt` was played in `recording` (score >= min_score), in time order
    (only the `limit` best coarse candidates are looked at closely, if given)."""
    pcm, t_start = audio_of(recording)
    ref, _ = audio_of(prompt)
    if len(ref) < 2 * COARSE_HOP * 4:
        raise ValueError("the prompt is shorter than 80 ms: too short to find")
    if len(ref) > len(pcm):
        return []
    ref_coarse = envelope(ref, COARSE_HOP)
    coarse_env = envelope(pcm, COARSE_HOP)
    coarse = _scores(coarse_env, ref_coarse, range(len(coarse_env) - len(ref_coarse) + 1))
    candidates = _peaks(coarse, min_score - 0.2, max(1, len(ref_coarse) // 2))[:limit]
    ref_fine, fine_env = envelope(ref, FINE_HOP), envelope(pcm, FINE_HOP)
    found: dict[int, float] = {}
    for lag in candidates:
        score, fine = _refine(fine_env, ref_fine, lag)
        if score >= min_score:
            found[fine] = max(score, found.get(fine, -1.0))
    duration = len(ref) / 2 / RATE
    matches = []
    for fine in _peaks([(s, lag) for lag, s in found.items()], min_score,
                       max(1, len(ref_fine) // 2)):
        offset = fine * FINE_HOP / RATE
        t = t_start + offset if t_start is not None else None
        matches.append(Match(round(offset, 4), round(found[fine], 4), duration, t))
    return sorted(matches, key=lambda m: m.offset_s)


def find_prompt(recording: Any, prompt: Any) -> Match | None:
    """The best place `prompt` fits in `recording` whatever its score (0 where the
    recording is silent), or None if the recording is shorter than the prompt."""
    found = find_prompts(recording, prompt, min_score=-1.0, limit=3)
    return max(found, key=lambda m: m.score, default=None)


def find_heard(recording: Any, prompt: Any, clip_s: float = 3.0,
               min_score: float = MATCH_SCORE) -> Match | None:
    """The first place `prompt` was heard in `recording` (score >= min_score): the whole
    prompt, else its first `clip_s` seconds, else the first half of that. On a loaded
    machine a late frame shifts what follows it: the whole prompt may then fit where its
    start alone does not, or a shorter start where a longer one does not. None: not
    heard (yet)."""
    pcm, _ = audio_of(recording)
    whole, _ = audio_of(prompt)
    for part in (whole, whole[:int(clip_s * RATE) * 2], whole[:int(clip_s / 2 * RATE) * 2]):
        if len(part) <= len(pcm):
            found = find_prompts(recording, part, min_score)
            if found:
                return found[0]
    return None


def main(argv: list[str] | None = None) -> int:
    """`python -m hil_tests.prompt_match RECORDING.wav PROMPT.wav [--min-score S]`:
    every place the prompt was played, as JSON lines; exit status 1 if none."""
    import argparse
    import json

    parser = argparse.ArgumentParser(prog="python -m hil_tests.prompt_match",
                                     description="Find where a prompt was played in a recording.")
    parser.add_argument("recording", type=Path)
    parser.add_argument("prompt", type=Path)
    parser.add_argument("--min-score", type=float, default=MATCH_SCORE)
    args = parser.parse_args(argv)
    try:
        found = find_prompts(args.recording, args.prompt, args.min_score)
    except (OSError, ValueError) as exc:
        parser.exit(2, f"prompt_match: {exc}\n")
    for match in found:
        print(json.dumps({"offset_s": match.offset_s, "score": match.score,
                          "duration_s": match.duration_s}))
    return 0 if found else 1


if __name__ == "__main__":
    sys.exit(main())
