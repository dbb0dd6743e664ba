"""The line DSP: DTMF digits are recovered exactly, everything else gives nothing."""

from __future__ import annotations

import math
import random
from array import array
from datetime import datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from firmware.lines.callerid import caller_id_audio
from firmware.lines.dsp import (
    DTMF_COLS,
    DTMF_KEYS,
    DTMF_ROWS,
    FRAME_BYTES,
    RATE,
    DtmfDetector,
    ToneDetector,
)

PAIRS = {DTMF_KEYS[r][c]: (DTMF_ROWS[r], DTMF_COLS[c]) for r in range(4) for c in range(4)}
T0 = 500.0


def pcm(samples: list[float]) -> bytes:
    clipped = array("h", (max(-32768, min(32767, round(x))) for x in samples))
    clipped += array("h", bytes(2 * (-len(clipped) % (FRAME_BYTES // 2))))
    return clipped.tobytes()


def sines(parts: list[tuple[float, float, float]], seconds: float) -> list[float]:
    """Sum of (hz, amplitude, phase) sines."""
    n = round(seconds * RATE)
    return [sum(a * math.sin(2 * math.pi * hz * i / RATE + ph) for hz, a, ph in parts)
            for i in range(n)]


def detect(audio: bytes, detector: DtmfDetector | None = None) -> list[tuple[str, float]]:
    """Feed 20 ms frames; the digits with their start relative to the audio's start."""
    detector = detector or DtmfDetector()
    found = []
    for i in range(0, len(audio), FRAME_BYTES):
        found += detector.feed(audio[i:i + FRAME_BYTES], T0 + i / 2 / RATE)
    return [(digit, t - T0) for digit, t in found]


def offset(hz: float, fraction: float) -> float:
    """`hz` moved by `fraction` (-1..1) of the DTMF tolerance (1.5 % + 2 Hz)."""
    return hz + fraction * (0.015 * hz + 2)


press = st.tuples(
    st.sampled_from(sorted(PAIRS)),
    st.floats(0.045, 0.12),  # on
    st.floats(0.045, 0.12),  # off
    st.floats(400, 9000),  # level of the louder tone
    st.floats(-6, 6),  # twist in dB
    st.floats(-1, 1), st.floats(-1, 1),  # frequency offsets within tolerance
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(presses=st.lists(press, min_size=1, max_size=6), lead=st.floats(0, 0.06),
       seed=st.integers(0, 2**32 - 1))
def test_any_dialled_string_is_recovered_exactly(presses, lead, seed):
    rng = random.Random(seed)
    samples = [0.0] * round(lead * RATE)
    starts = []
    for digit, on, off, level, twist, d_low, d_high in presses:
        low, high = PAIRS[digit]
        gain = 10 ** (twist / 20)
        a_low, a_high = (level, level / gain) if gain > 1 else (level * gain, level)
        starts.append(len(samples) / RATE)
        samples += sines([(offset(low, d_low), a_low, rng.uniform(0, 6.3)),
                          (offset(high, d_high), a_high, rng.uniform(0, 6.3))], on)
        samples += [0.0] * round(off * RATE)
    samples = [x + rng.gauss(0, 20) for x in samples]  # a quiet line's hiss
    found = detect(pcm(samples))
    assert "".join(d for d, _ in found) == "".join(p[0] for p in presses)
    for (_, t), start in zip(found, starts, strict=True):
        assert t == pytest.approx(start, abs=0.006)


def test_every_key_at_the_edges_of_the_tolerance():
    for digit, (low, high) in PAIRS.items():
        for d_low, d_high in ((-1, -1), (-1, 1), (1, -1), (1, 1)):
            tone = sines([(offset(low, d_low), 3000, 0), (offset(high, d_high), 3000, 1)], 0.045)
            assert [d for d, _ in detect(pcm([0.0] * 80 + tone + [0.0] * 800))] == [digit]


def test_twist_of_six_db_either_way_is_accepted_and_twelve_is_not():
    for db, expected in ((6, ["5"]), (-6, ["5"]), (12, []), (-12, [])):
        gain = 10 ** (db / 20)
        tone = sines([(770, 3000, 0), (1336, 3000 / gain, 0)], 0.08)
        assert [d for d, _ in detect(pcm(tone + [0.0] * 800))] == expected, db


def test_a_long_press_is_reported_once_and_a_short_gap_does_not_split_it():
    key = [(941, 4000, 0), (1336, 4000, 0.5)]
    held = sines(key, 0.6)
    dropout = sines(key, 0.2) + [0.0] * 80 + sines(key, 0.2)  # 10 ms of nothing
    assert [d for d, _ in detect(pcm(held + [0.0] * 800))] == ["0"]
    assert [d for d, _ in detect(pcm(dropout + [0.0] * 800))] == ["0"]


def test_the_same_key_twice_with_a_40_ms_gap_is_two_presses():
    key = [(852, 4000, 0), (1477, 4000, 0)]
    audio = sines(key, 0.05) + [0.0] * 320 + sines(key, 0.05) + [0.0] * 800
    assert [d for d, _ in detect(pcm(audio))] == ["9", "9"]


def test_blips_of_20_ms_or_less_are_refused():
    rng = random.Random(7)
    for _ in range(40):
        low, high = PAIRS[rng.choice(sorted(PAIRS))]
        blip = sines([(low, 5000, rng.uniform(0, 6)), (high, 5000, rng.uniform(0, 6))], 0.02)
        assert detect(pcm([0.0] * rng.randrange(160) + blip + [0.0] * 800)) == []


def test_noise_single_tones_dial_tone_and_fsk_give_nothing():
    rng = random.Random(3)
    signals = {
        "white noise": [rng.gauss(0, 4000) for _ in range(2 * RATE)],
        "dial tone 450 Hz": sines([(450, 8000, 0)], 2.0),
        "a row tone alone": sines([(770, 8000, 0)], 1.0),
        "a column tone alone": sines([(1336, 8000, 0)], 1.0),
        "two row tones": sines([(697, 5000, 0), (852, 5000, 0)], 1.0),
        "busy tone with noise": [x + rng.gauss(0, 500) for x in sines([(450, 6000, 0)], 1.0)],
    }
    for name, samples in signals.items():
        assert detect(pcm(samples)) == [], name
    fsk = caller_id_audio(datetime(2024, 5, 1, 8, 30), "13812345678", "北京分公司")
    assert detect(fsk) == [], "Bell-202 caller ID"


def vowel(rng: random.Random, seconds: float = 0.4) -> list[float]:
    """A voiced sound: harmonics of a gliding pitch shaped by two formants."""
    f0, glide = rng.uniform(90, 260), rng.uniform(-0.25, 0.25)  # glide: share of f0 per second
    formants = [rng.uniform(300, 900), rng.uniform(900, 2400)]
    out = [0.0] * round(seconds * RATE)
    for k in range(1, int(3400 / f0)):
        amp = 200 + 3000 * sum(math.exp(-((k * f0 - f) / 150) ** 2) for f in formants)
        phase, step = rng.uniform(0, 6), 2 * math.pi * k * f0 / RATE
        for i in range(len(out)):
            phase += step * (1 + glide * i / RATE)
            out[i] += amp * math.sin(phase)
    return out


def test_speech_like_sounds_rarely_talk_off():
    """A vowel whose harmonics sit on a row and a column tone for 30 ms is DTMF to any
    detector (talk-off); the share and dominance rules keep that rare."""
    rng = random.Random(11)
    false_digits = sum(len(detect(pcm(vowel(rng)))) for _ in range(40))
    assert false_digits <= 2


def test_frames_must_be_whole_blocks():
    with pytest.raises(ValueError, match="5 ms blocks"):
        DtmfDetector().feed(bytes(100), 0.0)
    assert DtmfDetector().feed(bytes(80), 0.0) == []  # one 5 ms block is fine


def test_reset_forgets_a_press_in_progress():
    detector = DtmfDetector()
    half = pcm(sines([(697, 4000, 0), (1209, 4000, 0)], 0.04))
    detect(half, detector)
    detector.reset()
    assert detect(pcm([0.0] * 800), detector) == []


def test_tone_detector_reports_busy_tone_cadence():
    on, off = sines([(450, 6000, 0)], 0.35), [0.0] * round(0.35 * RATE)
    audio = pcm([0.0] * 400 + (on + off) * 3)
    detector = ToneDetector((450.0,))
    edges = []
    for i in range(0, len(audio), FRAME_BYTES):
        edges += detector.feed(audio[i:i + FRAME_BYTES], i / 2 / RATE)
    assert [e.on for e in edges] == [True, False] * 3
    assert all(e.hz == 450.0 for e in edges)
    starts = [0.05 + k * 0.7 for k in range(3)]
    for k, start in enumerate(starts):
        assert edges[2 * k].t == pytest.approx(start, abs=0.012)
        assert edges[2 * k + 1].t == pytest.approx(start + 0.35, abs=0.012)


def test_tone_detector_ignores_other_tones_and_refuses_bad_frequencies():
    detector = ToneDetector((450.0,))
    audio = pcm(sines([(1000, 6000, 0)], 0.5) + [0.0] * 800)
    edges = [e for i in range(0, len(audio), FRAME_BYTES)
             for e in detector.feed(audio[i:i + FRAME_BYTES], i / 2 / RATE)]
    assert edges == []
    with pytest.raises(ValueError, match="between 0 and 4000"):
        ToneDetector((5000.0,))
