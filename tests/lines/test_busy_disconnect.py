"""Busy-tone disconnect: found within ~2 s of the far end hanging up, never on speech or music.

Speech is real (espeak-ng, Mandarin and English, male and female voices);
music is piano-like (harmonics with decaying envelopes), including notes on
A4 = 440 Hz played to the busy tone's own rhythm.
"""

from __future__ import annotations

import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from firmware.lines.analog_profiles import CN, US
from firmware.lines.disconnect import BusyDisconnect
from hil_tests.pstn.dsp import dtmf_tones, tone
from tests.lines import signals as sig
from tests.lines.signals import amplitude, cadence, frames, pcm

VOICES = [("cmn", 40), ("cmn+f3", 60), ("cmn+f2", 80), ("en", 40), ("en+f2", 70)]


def listen(audio: bytes, prof=CN, tx: bytes | None = None, t0: float = 100.0):
    detector = BusyDisconnect(prof)
    found = []
    sent = [f for f, _ in frames(tx, t0)] if tx is not None else []
    for k, (frame, t) in enumerate(frames(audio, t0)):
        tx_frame = None if tx is None else (sent[k] if k < len(sent) else bytes(320))
        result = detector.feed(frame, t, tx_frame)
        if result is not None:
            found.append(result)
    return found


def busy(prof, seconds: float, level: float = -15.0, skip: float = 0.0,
         offset_hz: float = 0.0) -> list[float]:
    parts = [(hz + offset_hz, amplitude(level) / len(prof.busy.freqs) ** 0.5)
             for hz in prof.busy.freqs]
    return cadence(parts, prof.busy.cadence, seconds, skip=skip)


@pytest.mark.parametrize("prof", [CN, US], ids=["cn", "us"])
@pytest.mark.parametrize("level", [-5.0, -20.0, -35.0])
def test_busy_tone_is_found_within_two_seconds_of_its_start(prof, level):
    audio = pcm(sig.silence(1.0) + busy(prof, 5.0, level))
    [found] = listen(audio, prof)
    assert found.t_tone == pytest.approx(101.0, abs=0.02)
    assert found.t_detected - found.t_tone <= 2.0
    assert found.level_dbm0 == pytest.approx(level, abs=1.0)


@pytest.mark.parametrize("prof", [CN, US], ids=["cn", "us"])
def test_busy_tone_with_noise_clipping_offset_and_a_mid_cycle_start(prof):
    rng = random.Random(4)
    for skip, offset_hz, gain, snr in ((0.2, 3.0, 1.0, 15), (0.5, -4.0, 6.0, 20),
                                       (0.05, 0.0, 12.0, 15)):
        tone_part = busy(prof, 5.0, -12.0, skip=skip, offset_hz=offset_hz)
        line = sig.mix(sig.silence(0.6) + tone_part, sig.noise(5.6, -12.0 - snr, rng))
        found = listen(pcm(line, gain=gain), prof)
        assert len(found) == 1, (skip, offset_hz, gain)
        # proved from the first on time (cut short or whole) at most a cycle in
        assert found[0].t_tone - 100.6 <= prof.busy.period_s
        assert found[0].t_detected - found[0].t_tone <= 2.0


def test_the_emulators_busy_tone_generator_is_found():
    on, off = tone(450, 350, amplitude=6000), bytes(2 * 2800)
    [found] = listen(bytes(1600) + (on + off) * 5)
    assert found.t_detected - found.t_tone == pytest.approx(1.75, abs=0.03)


def test_busy_tone_under_the_near_ends_speech_is_still_found():
    """The far end hangs up while the near end still talks a bit (its echo is on the line)."""
    for voice, pitch in VOICES[:4]:
        talk = sig.scaled_to(list(sig.speech(voice, pitch)[8000:8000 * 3]), -18.0)
        line = sig.mix(sig.silence(0.5) + busy(CN, 7.0, -15.0), talk)
        [found] = listen(pcm(line))
        # found once the talk stops (2 s), a few cycles later at most
        assert found.t_detected - 100.0 <= 2.0 + 2.2, voice


def test_speech_in_mandarin_and_english_never_disconnects():
    for voice, pitch in VOICES:
        talk = list(sig.speech(voice, pitch))
        for level in (-5.0, -20.0, -35.0):
            assert listen(pcm(sig.scaled_to(talk, level))) == [], (voice, pitch, level)
        assert listen(pcm(sig.scaled_to(talk, -3.0), gain=4.0)) == [], (voice, "clipped")


def test_speech_never_disconnects_a_us_line_either():
    for voice, pitch in VOICES:
        assert listen(pcm(sig.scaled_to(list(sig.speech(voice, pitch)), -15.0)), US) == []


def test_music_never_disconnects_not_even_a4_on_the_busy_rhythm():
    rng = random.Random(8)
    for beat in (0.35, 0.25, 0.5, 0.7):
        song = sig.piano(sig.melody(rng, 12.0, beat), 12.0, level_dbm0=-12.0)
        assert listen(pcm(song)) == [], beat
        assert listen(pcm(song), US) == [], beat
    a4 = sig.piano([(440.0, 0.7 * k, 0.35) for k in range(12)], 9.0)
    assert listen(pcm(a4)) == []
    pure_a4 = cadence([(440.0, 6000)], (0.35, 0.35), 6.0)  # a pure 440 Hz beep
    assert listen(pcm(pure_a4)) == []


def test_noise_dtmf_and_other_tones_never_disconnect():
    rng = random.Random(2)
    assert listen(pcm(sig.noise(10.0, -10.0, rng))) == []
    assert listen(dtmf_tones("13812345678#*0123456789", 350, 350)) == []
    ringback = cadence([(450.0, 6000)], CN.ringback.cadence, 12.0)
    congestion = cadence([(450.0, 6000)], CN.congestion.cadence, 8.0)
    assert listen(pcm(ringback)) == [] and listen(pcm(congestion)) == []
    assert listen(pcm(cadence([(450.0, 6000)], (0.35, 0.35), 1.2))) == []  # too few cycles


def test_the_boxs_own_busy_tone_echoed_back_is_not_the_far_end():
    """The box plays busy tone to the line (a prompt); the hybrid echoes it 12 dB down."""
    sent = busy(CN, 6.0, -10.0)
    echo = [x * 0.25 for x in sent]
    assert listen(pcm(echo), tx=pcm(sent)) == []
    assert len(listen(pcm(echo))) == 1  # without the box's own audio it would have cut


def test_it_reports_once_and_reset_starts_again():
    audio = pcm(busy(CN, 6.0))
    detector = BusyDisconnect(CN)
    results = [detector.feed(f, t) for f, t in frames(audio)]
    assert sum(r is not None for r in results) == 1
    detector.reset()
    assert detector.detected is None
    with pytest.raises(ValueError, match="at least 2 cycles"):
        BusyDisconnect(CN, cycles=1)


def test_the_far_end_hangs_up_while_the_box_plays_a_spoken_prompt():
    """The box's own audio is speech (no tone): the far end's busy tone still counts."""
    prompt = sig.scaled_to(list(sig.speech("cmn+f3", 60)[:8000 * 4]), -12.0)
    echo = [x * 0.2 for x in prompt]
    line = sig.mix(sig.silence(0.5) + busy(CN, 4.0, -15.0), echo)
    [found] = listen(pcm(line), tx=pcm(prompt))
    assert found.t_detected - found.t_tone <= 2.0


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(level=st.floats(-35, -5), skip=st.floats(0, 0.69), offset_hz=st.floats(-4, 4),
       snr=st.floats(15, 40), seed=st.integers(0, 2**31))
def test_any_busy_tone_on_a_cn_line_is_found_once(level, skip, offset_hz, snr, seed):
    rng = random.Random(seed)
    line = sig.mix(sig.silence(0.3) + busy(CN, 3.5, level, skip=skip, offset_hz=offset_hz),
                   sig.noise(3.8, level - snr, rng))
    [found] = listen(pcm(line))
    # 3 on times and 2 off times: 1.75 s, less what a first on time cut short lacks
    assert 1.75 - 0.25 - 0.03 <= found.t_detected - found.t_tone <= 1.75 + 0.03
    assert found.t_tone - 100.3 <= CN.busy.period_s


def test_a_first_on_time_cut_short_counts_and_a_blip_does_not():
    cut = busy(CN, 4.0, skip=0.2)  # 0.15 s of tone, then the cadence
    [found] = listen(pcm(sig.silence(0.5) + cut))
    assert found.t_tone == pytest.approx(100.5, abs=0.02)
    assert found.t_detected - found.t_tone == pytest.approx(1.55, abs=0.03)
    blip = busy(CN, 4.0, skip=0.3)  # 0.05 s: the tone is proved from the next on time
    [found] = listen(pcm(sig.silence(0.5) + blip))
    assert found.t_tone == pytest.approx(100.5 + 0.05 + 0.35, abs=0.02)
