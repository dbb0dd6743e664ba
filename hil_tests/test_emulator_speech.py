"""What a party hears, in one process: speech told from tones, the recording, prompt matching.

Speech is real (espeak-ng, Mandarin and English, male and female voices), laid
out at known offsets among the exchange's own call-progress tones, DTMF, FSK
caller ID, silence and noise; the detector and the matcher must find it where
it was put (hil_tests/speech_samples.py).
"""

from __future__ import annotations

import io
import json
import wave

import pytest

from hil_tests import prompt_match
from hil_tests import speech_samples as ss
from hil_tests.prompt_match import MATCH_SCORE, find_prompt, find_prompts
from hil_tests.pstn import lineprofiles as lp
from hil_tests.pstn.dsp import FRAME_S, dtmf_tones, silence, tone
from hil_tests.pstn.ears import Ear
from hil_tests.pstn.eventlog import EventLog
from hil_tests.pstn.linesignals import TonePlayer, caller_id_message, fsk_caller_id
from hil_tests.pstn.network import Network
from hil_tests.pstn.recording import KEEP_ENDED, Recording, RecordingDropped

T0 = 500.0  # the monotonic time the first frame is heard
WELCOME = ("您好，欢迎致电北京分公司", "cmn")
MENU = ("销售请按一，技术支持请按二", "cmn+f3")
HELLO = ("Welcome to the company. Please hold.", "en")
PRESS = ("Press two for support", "en+f2")


def _hear(pcm: bytes, t0: float = T0) -> tuple[Ear, dict]:
    ear = Ear("test")
    for i in range(0, len(pcm) - 319, 320):
        ear.feed(pcm[i:i + 320], t0 + i / 16000)
    return ear, ear.heard()


def _speech(text: str, voice: str, dbfs: float = -18.0) -> bytes:
    said = ss.spoken(text, voice)
    return ss.trim(ss.scaled(said, dbfs - ss.dbfs(said)))


def _tone_pcm(profile: str, name: str, seconds: float) -> bytes:
    player = TonePlayer(lp.profile(profile).tones[name])
    return b"".join(player.next_frame() for _ in range(round(seconds / FRAME_S)))


# --- speech ---------------------------------------------------------------------------------

@pytest.mark.parametrize("text,voice", [WELCOME, MENU, HELLO, PRESS])
@pytest.mark.parametrize("noise_dbfs", [None, -45])
def test_speech_alone_is_found_where_it_was_put(text, voice, noise_dbfs):
    speech = _speech(text, voice)
    length = ss.seconds(speech) + 2.0
    track = ss.Track(length).add(1.0, speech)
    if noise_dbfs is not None:
        track.add(0.0, ss.noise(length * 1000, noise_dbfs))
    _, heard = _hear(track.pcm())
    found = heard["speech"]
    assert found, "no speech found"
    assert found[0]["t_start"] == pytest.approx(T0 + 1.0, abs=0.1)
    assert found[-1]["t_end"] == pytest.approx(T0 + 1.0 + ss.seconds(speech), abs=0.1)
    assert all(T0 + 0.9 <= s["t_start"] < s["t_end"] <= T0 + 1.1 + ss.seconds(speech)
               for s in found)
    assert heard["dtmf"] == []


@pytest.mark.parametrize("profile,name,seconds", [
    ("cn", "dial", 3), ("cn", "busy", 4), ("cn", "congestion", 4), ("cn", "ringback", 6),
    ("cn", "vacant", 4), ("cn", "special_dial", 3),
    ("us", "dial", 3), ("us", "busy", 4), ("us", "congestion", 3), ("us", "ringback", 7),
    ("us", "vacant", 4), ("us", "special_dial", 3), ("cn", "confirm", 1),
])
def test_call_progress_tones_are_not_speech(profile, name, seconds):
    pcm = silence(130) + _tone_pcm(profile, name, seconds) + silence(500)
    _, heard = _hear(pcm)
    assert heard["speech"] == []
    assert heard["tones"], "the tones are still heard as tones"


@pytest.mark.parametrize("sound", ["dtmf", "dtmf_fast", "dtmf_in_noise", "fsk", "noise",
                                   "beeps_in_noise"])
def test_dtmf_fsk_and_noise_are_not_speech(sound):
    pcm = {
        "dtmf": lambda: silence(37) + dtmf_tones("1234567890*#ABCD"),
        "dtmf_fast": lambda: silence(11) + dtmf_tones("13579", on_ms=45, off_ms=45),
        "dtmf_in_noise": lambda: ss.Track(3).add(0, ss.noise(3000, -40))
        .add(0.31, dtmf_tones("159#", on_ms=60, off_ms=60)).pcm(),
        "fsk": lambda: fsk_caller_id(caller_id_message("mdmf", "03050907", "13812345678",
                                                       None, "北京分公司")),
        "noise": lambda: ss.noise(3000, -40),
        "beeps_in_noise": lambda: ss.Track(4).add(0, ss.noise(4000, -42))
        .add(0.5, _tone_pcm("cn", "busy", 3)).pcm(),
    }[sound]()
    _, heard = _hear(pcm + silence(500))
    assert heard["speech"] == []


def test_speech_among_tones_dtmf_and_noise_is_found_alone():
    speech = _speech(*HELLO)
    end = 2.5 + ss.seconds(speech)
    track = (ss.Track(end + 3.0).add(0, ss.noise((end + 3.0) * 1000, -48))
             .add(0.3, _tone_pcm("cn", "ringback", 1.6))
             .add(2.5, speech)
             .add(end + 0.5, dtmf_tones("2"))
             .add(end + 1.2, tone(1000, 500)))
    _, heard = _hear(track.pcm())
    assert [round(s["t_start"] - T0, 1) for s in heard["speech"]][:1] == [2.5]
    assert heard["speech"][-1]["t_end"] == pytest.approx(T0 + end, abs=0.1)
    assert [d["digit"] for d in heard["dtmf"]] == ["2"]
    assert {t["hz"] for t in heard["tones"]} >= {450, 1000}


def test_pauses_shorter_than_300_ms_join_and_longer_ones_split():
    a, b = _speech(*WELCOME), _speech(*PRESS)
    joined = ss.Track(ss.seconds(a) + ss.seconds(b) + 1.5).add(0.5, a)
    joined.add(0.5 + ss.seconds(a) + 0.15, b)
    split = ss.Track(ss.seconds(a) + ss.seconds(b) + 2.5).add(0.5, a)
    split.add(0.5 + ss.seconds(a) + 0.8, b)
    _, one = _hear(joined.pcm())
    _, two = _hear(split.pcm())
    assert len(one["speech"]) == 1
    assert len(two["speech"]) >= 2
    assert two["speech"][-1]["t_start"] == pytest.approx(T0 + 1.3 + ss.seconds(a), abs=0.1)


def test_speech_is_reported_while_it_goes_on_and_once_it_ends():
    speech = _speech(*HELLO)
    said: list[dict] = []
    ear = Ear("x", on_heard=lambda kind, entry: said.append(entry) if kind == "speech" else None)
    pcm = speech + silence(1000)
    half = len(speech) // 2 // 320 * 320
    for i in range(0, half, 320):
        ear.feed(pcm[i:i + 320], T0 + i / 16000)
    assert ear.heard()["speech"], "a stretch is reported while it is still going on"
    for i in range(half, len(pcm) - 319, 320):
        ear.feed(pcm[i:i + 320], T0 + i / 16000)
    assert said and said == ear.heard()["speech"][-len(said):]


# --- the recording --------------------------------------------------------------------------

def test_the_recording_keeps_time_and_fills_gaps_with_silence():
    rec = Recording()
    frame = tone(1000, 20)
    rec.add(frame, 100.0)
    rec.add(frame, 100.02)
    rec.add(frame, 100.54)  # nothing heard for half a second
    data, info = rec.wav()
    with wave.open(io.BytesIO(data)) as reader:
        assert (reader.getframerate(), reader.getnchannels(), reader.getsampwidth()) == \
            (8000, 1, 2)
        pcm = reader.readframes(reader.getnframes())
    assert info["t_start"] == 100.0 and info["duration_s"] == pytest.approx(0.56)
    assert pcm[:640] == frame * 2 and pcm[640:-320] == bytes(len(pcm) - 960)
    assert pcm[-320:] == frame


def test_the_recording_keeps_only_the_last_max_s():
    rec = Recording(max_s=1.0)
    for i in range(100):  # 2 s
        rec.add(bytes([i]) * 320, 10.0 + i * FRAME_S)
    info = rec.info()
    assert info["duration_s"] == 1.0 and info["dropped_s"] == pytest.approx(1.0)
    assert info["t_start"] == pytest.approx(11.0)
    pcm = rec.wav()[0][44:]
    assert pcm[:320] == bytes([50]) * 320 and pcm[-320:] == bytes([99]) * 320
    rec.release("gone to save memory")
    with pytest.raises(RecordingDropped, match="gone to save memory"):
        rec.wav()
    rec.restart()
    assert rec.info()["duration_s"] == 0 and rec.info()["t_start"] is None


def test_ears_record_what_they_hear_on_the_heard_clock():
    speech = _speech(*WELCOME)
    ear, heard = _hear(silence(600) + speech + silence(400))
    assert heard["recording"]["t_start"] == T0
    data, _ = ear.recording.wav()
    match = find_prompt(type("Rec", (), {"wav": data, "t_start": T0})(), speech)
    assert match is not None and match.score > 0.99
    assert match.t == pytest.approx(T0 + 0.6, abs=0.005)
    assert heard["speech"][0]["t_start"] == pytest.approx(match.t, abs=0.1)


# --- finding a prompt -----------------------------------------------------------------------

def _scene() -> tuple[bytes, bytes, bytes]:
    """20 s of line noise with WELCOME at 1.234 s (-6 dB), busy tone, MENU at 7.5 s
    (+3 dB) and WELCOME again at 14.0 s (+2 dB, through jitter)."""
    welcome, menu = _speech(*WELCOME), _speech(*MENU)
    jittery = welcome[:8000] + bytes(48) + welcome[8000:24000] + welcome[24048:]
    track = (ss.Track(20).add(0, ss.noise(20000, -50)).add(1.234, ss.scaled(welcome, -6))
             .add(6.0, _tone_pcm("cn", "busy", 1.0)).add(7.5, ss.scaled(menu, 3))
             .add(14.0, ss.scaled(jittery, 2)))
    return track.pcm(), welcome, menu


def test_a_prompt_is_found_at_its_offset_whatever_the_gain_and_jitter():
    recording, welcome, menu = _scene()
    found = find_prompts(recording, ss.wav_bytes(welcome, 16000))
    assert [m.offset_s for m in found] == [pytest.approx(1.234, abs=0.005),
                                           pytest.approx(14.0, abs=0.005)]
    assert all(m.score >= 0.9 and m.t is None for m in found)
    (menu_at,) = find_prompts(recording, menu)
    assert menu_at.offset_s == pytest.approx(7.5, abs=0.005) and menu_at.score > 0.95


def test_a_different_prompt_does_not_match():
    recording, _, _ = _scene()
    other = _speech(*HELLO)
    best = find_prompt(recording, other)
    assert best is not None and best.score < MATCH_SCORE
    assert find_prompts(recording, other) == []
    assert find_prompts(recording, _speech(*PRESS)) == []


def test_bad_prompt_input_is_refused_clearly():
    with pytest.raises(ValueError, match="not a PCM WAV"):
        find_prompt(b"RIFF1234WAVEjunk", silence(1000))
    with pytest.raises(ValueError, match="too short"):
        find_prompt(silence(3000), tone(1000, 40))
    assert find_prompt(silence(500), _speech(*PRESS)) is None  # the recording is shorter


def test_the_network_keeps_recordings_of_the_last_ended_calls_only():
    net = Network(EventLog())
    with net.lock:
        calls = [net._new_call("to_box", "+8613812345678", "+8613900000001")
                 for _ in range(KEEP_ENDED + 3)]
        for call in calls:
            call.uplink_frame(tone(1000, 20), 10.0)
            net.end(call, 16, "far")
        live = net._new_call("to_box", "+8613812345679", "+8613900000001")
    for old in calls[:3]:
        with pytest.raises(RecordingDropped, match=f"call {old.id} was dropped"):
            old.recording().wav()
    for kept in (*calls[3:], live):
        assert kept.recording().wav()[1]["released"] is False
    assert calls[-1].recording().info()["duration_s"] == 0.02


def test_a_voices_harmonics_are_not_reported_as_tones():
    speech = _speech(*HELLO)
    ear, heard = _hear(silence(500) + speech + silence(500))
    assert heard["speech"] and heard["tones"] == []
    assert len(ear.analyzer.heard()["tones"]) > 0, "the tone finder alone takes some for tones"


def test_prompt_match_on_the_command_line(tmp_path, capsys):
    welcome = _speech(*WELCOME)
    (tmp_path / "rec.wav").write_bytes(
        ss.wav_bytes(ss.Track(8).add(0, ss.noise(8000, -50)).add(1.5, welcome).pcm()))
    (tmp_path / "welcome.wav").write_bytes(ss.wav_bytes(welcome, 22050))
    (tmp_path / "other.wav").write_bytes(ss.wav_bytes(_speech(*HELLO)))
    assert prompt_match.main([str(tmp_path / "rec.wav"), str(tmp_path / "welcome.wav")]) == 0
    (line,) = capsys.readouterr().out.splitlines()
    assert json.loads(line)["offset_s"] == pytest.approx(1.5, abs=0.005)
    assert prompt_match.main([str(tmp_path / "rec.wav"), str(tmp_path / "other.wav")]) == 1
    with pytest.raises(SystemExit) as bad:
        prompt_match.main([str(tmp_path / "missing.wav"), str(tmp_path / "other.wav")])
    assert bad.value.code == 2 and "missing.wav" in capsys.readouterr().err
