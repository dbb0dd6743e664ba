"""Call progress on an outbound analog call: dial tone, ringback, busy, congestion, answer."""

from __future__ import annotations

import random

import pytest

from firmware.lines.analog_profiles import CN, US
from firmware.lines.progress import CallProgress
from hil_tests.pstn.dsp import tone
from tests.lines import signals as sig
from tests.lines.signals import amplitude, cadence, frames, pcm


def hear(audio: bytes, prof=CN, stage: str = "progress", t0: float = 100.0):
    progress = CallProgress(prof, stage=stage)
    return [e for frame, t in frames(audio, t0) for e in progress.feed(frame, t)]


def played(prof, name: str, seconds: float, level: float = -15.0) -> list[float]:
    spec = {t.name: t for t in prof.progress_tones}[name]
    parts = [(hz, amplitude(level) / len(spec.freqs) ** 0.5) for hz in spec.freqs]
    return cadence(parts, spec.cadence or (seconds,), seconds)


CASES = [(prof, t.name) for prof in (CN, US) for t in prof.progress_tones]


@pytest.mark.parametrize(("prof", "name"), CASES, ids=[f"{p.name}-{n}" for p, n in CASES])
@pytest.mark.parametrize("level", [-8.0, -30.0])
def test_every_tone_of_every_profile_is_told_apart(prof, name, level):
    rng = random.Random(len(name))
    line = sig.mix(sig.silence(0.3) + played(prof, name, 6.0, level),
                   sig.noise(6.3, level - 20, rng))
    stage = "dial" if name == "dial" else "progress"
    events = hear(pcm(line), prof, stage)
    assert [e.kind for e in events] == [f"{name}_tone" if name == "dial" else name]
    assert events[0].t == pytest.approx(100.3, abs=0.03)


def test_dial_tone_is_confirmed_quickly_where_its_frequencies_are_its_own():
    [cn] = hear(pcm(played(CN, "dial", 3.0)), CN, "dial")
    [us] = hear(pcm(played(US, "dial", 3.0)), US, "dial")
    assert cn.t_detected - cn.t == pytest.approx(0.94, abs=0.03)  # longer than congestion
    assert us.t_detected - us.t == pytest.approx(0.3, abs=0.03)


def test_congestion_on_seizing_is_not_dial_tone():
    assert [e.kind for e in hear(pcm(played(CN, "congestion", 4.0)), CN, "dial")] == \
        ["congestion"]


def test_the_emulators_tone_generator_ringback_then_an_answer():
    ringback = tone(450, 1000, 6000) + bytes(2 * 32000)
    talk = pcm(sig.scaled_to(list(sig.speech("cmn", 50)[:8000 * 3]), -18.0))
    events = hear(ringback + talk)
    assert [e.kind for e in events] == ["ringback", "voice"]
    assert events[1].t_detected == pytest.approx(100 + 5.0 + 0.4, abs=0.5)


def test_ringback_then_a_silent_answer_then_busy():
    silent = pcm(played(CN, "ringback", 5.0) + sig.silence(6.0) + played(CN, "busy", 3.0))
    events = hear(silent)
    assert [e.kind for e in events] == ["ringback", "silence", "busy"]
    assert events[1].t_detected - 101.0 == pytest.approx(CN.ringback.cadence[1] + 0.8, abs=0.05)


def test_speech_and_music_are_voice_never_a_tone():
    rng = random.Random(3)
    for prof in (CN, US):
        for voice in ("cmn+f3", "en"):
            events = hear(pcm(sig.scaled_to(list(sig.speech(voice, 60)), -15.0)), prof)
            assert [e.kind for e in events] == ["voice"], (prof.name, voice)
        song = sig.piano(sig.melody(rng, 10.0, 0.35), 10.0)
        assert {e.kind for e in hear(pcm(song), prof)} <= {"voice", "silence"}


def test_us_ringback_is_never_dial_tone_and_a_steady_tone_after_dialling_is():
    assert [e.kind for e in hear(pcm(played(US, "ringback", 6.0)), US)] == ["ringback"]
    events = hear(pcm(played(CN, "dial", 3.0)))
    assert [e.kind for e in events] == ["dial_tone"]
    assert events[0].t_detected - events[0].t == pytest.approx(1.6, abs=0.03)


def test_a_tone_off_frequency_is_not_the_profiles():
    off = cadence([(520.0, 6000)], CN.busy.cadence, 4.0)
    assert [e.kind for e in hear(pcm(off))] == ["voice"]


def test_dialled_switches_from_dial_tone_to_progress():
    progress = CallProgress(CN)
    audio = pcm(played(CN, "dial", 1.5) + sig.silence(0.5) + played(CN, "ringback", 2.0))
    events = []
    for frame, t in frames(audio):
        if t >= 101.5 and progress.stage == "dial":
            progress.dialled(t)
        events += progress.feed(frame, t)
    assert [e.kind for e in events] == ["dial_tone", "ringback"]
    with pytest.raises(ValueError, match="stage must be"):
        CallProgress(CN, stage="talking")
