"""Recordings and speech through the emulator's control API, for every kind of party.

The box's side plays real speech (espeak-ng) and a tone into a GSM call (the
modem's audio pty), into a desk phone (the sim board's FXS port) and into the
analog line (the sim board's FXO port); the test then asks the emulator what
the party heard: `heard` lists the speech, `GET .../recording` returns the WAV,
and prompt_match finds the words in it on the same clock.
"""

from __future__ import annotations

import io
import threading
import time
import wave

import pytest
import serial

import board
from hil_tests import speech_samples as ss
from hil_tests.fxo_rig import FxoRig
from hil_tests.prompt_match import find_prompt
from hil_tests.pstn.client import EmulatorError, RecordingFile
from hil_tests.pstn.dsp import AudioSource, silence, tone
from hil_tests.pstn.testing import FAST, open_at, wait_for

FRAME = 320
WELCOME = ("您好，欢迎致电北京分公司", "cmn")
LINE = "+861062345678"


@pytest.fixture(scope="module")
def welcome() -> bytes:
    said = ss.spoken(*WELCOME)
    return ss.trim(ss.scaled(said, -16 - ss.dbfs(said)))


def _check(rec: RecordingFile, heard: dict, welcome: bytes, t_said: float) -> None:
    """The words are in the recording where `heard` says speech began, near `t_said`."""
    with wave.open(io.BytesIO(rec.wav)) as reader:
        assert (reader.getframerate(), reader.getnchannels(), reader.getsampwidth()) \
            == (8000, 1, 2)
        assert reader.getnframes() / 8000 == pytest.approx(rec.duration_s, abs=0.001)
    assert rec.t_start == heard["recording"]["t_start"] and rec.dropped_s == 0
    match = find_prompt(rec, welcome)
    assert match is not None and match.score > 0.9, match
    assert match.t == pytest.approx(t_said, abs=0.25)
    first = heard["speech"][0]
    assert first["t_start"] == pytest.approx(match.t, abs=0.1)
    assert heard["speech"][-1]["t_end"] == pytest.approx(match.t + match.duration_s, abs=0.1)


def _words_heard(get_heard) -> dict:
    """Wait until the speech has ended and been heard, and the tone after it."""
    def done() -> dict | None:
        heard = get_heard()
        return heard if heard["speech"] and any(t["hz"] == 1000 for t in heard["tones"]) \
            else None
    return wait_for(done, timeout=15, what="the speech and the tone heard")


# --- a GSM call ------------------------------------------------------------------------------

class ModemAudio:
    """The box's side of the modem's audio port: plays `mouth` paced at 20 ms, drains input."""

    def __init__(self, path: str):
        self.port = serial.Serial(path, 115200, timeout=0)
        self.mouth = AudioSource()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        due = time.monotonic()
        while not self._stop.is_set():
            self.port.read(65536)
            self.port.write(self.mouth.next_frame(due))
            due += 0.02
            self._stop.wait(max(0.0, due - time.monotonic()))

    def close(self) -> None:
        self._stop.set()
        self._thread.join(2)
        self.port.close()


def test_a_gsm_call_records_what_the_far_party_heard_and_finds_the_speech(
        emulator_factory, welcome):
    emu = emulator_factory("sim", **FAST)
    c = emu.client
    c.add_subscriber("+8613800138000", "answer", answer_after_s=0.1)
    with open_at(emu) as at:
        at.command("ATD13800138000;")
        at.command("AT^DDSETEX=2")
        at.wait_line("^CONN:")
        call = c.calls()[0]
        c.wait_event(kind="audio", what="start")
        box = ModemAudio(str(emu.modem_dir() / "audio"))
        try:
            t_said = box.mouth.queue(silence(400) + welcome + silence(500) + tone(1000, 400)) \
                + 0.4
            heard = _words_heard(lambda: c.call_heard(call["id"]))
            rec = c.call_recording(call["id"])
        finally:
            box.close()
    _check(rec, heard, welcome, t_said)
    (beep,) = [t for t in heard["tones"] if t["hz"] == 1000]
    assert all(s["t_end"] <= beep["t_start"] for s in heard["speech"]), "a tone is not speech"
    assert c.call_heard(call["id"])["recording"]["duration_s"] >= rec.duration_s
    c.hangup(call["id"])
    after = c.call_recording(call["id"])  # still there once the call ended
    assert after.t_start == rec.t_start and after.duration_s >= rec.duration_s
    events = c.events(kind="call_heard")["events"]
    assert any(e["what"] == "speech" and e["call"] == call["id"] for e in events)


def test_recordings_of_unknown_parties_are_404_with_a_reason(emulator):
    c = emulator.client
    for route in ("/calls/c999/recording", "/phones/fxs9/recording"):
        with pytest.raises(EmulatorError) as err:
            c.get_recording(route)
        assert err.value.status == 404 and err.value.message


# --- a desk phone -----------------------------------------------------------------------------

def test_a_desk_phone_records_each_call_from_the_handset_lift(emulator, welcome):
    c = emulator.client
    box = board.load_board("sim", rundir=emulator.rundir, timeout=10)
    box.open()
    try:
        port = box.port("fxs0")
        c.phone_hook("fxs0", "off")
        wait_for(lambda: port.hook_state() == "off", what="the board sees off hook")
        pcm = silence(300) + welcome + silence(500) + tone(1000, 400) + silence(200)
        pcm += bytes(-len(pcm) % FRAME)
        t_said = time.monotonic() + 0.3
        due = time.monotonic()
        for i in range(0, len(pcm), FRAME):  # the box's line card plays at 20 ms
            port.audio.write_frame(pcm[i:i + FRAME])
            due += 0.02
            time.sleep(max(0.0, due - time.monotonic()))
        heard = _words_heard(lambda: c.phone_heard("fxs0"))
        rec = c.phone_recording("fxs0")
        _check(rec, heard, welcome, t_said)
        c.phone_hook("fxs0", "on")
        c.phone_hook("fxs0", "off")  # a new call: a new recording
        assert c.phone_recording("fxs0").duration_s < 1.0
    finally:
        c.phone_hook("fxs0", "on")
        box.close()


# --- the analog line ---------------------------------------------------------------------------

def test_the_analog_lines_caller_is_recorded_under_the_line_too(emulator_factory, welcome):
    emu = emulator_factory("sim-analog", **FAST)
    c = emu.client
    with pytest.raises(EmulatorError) as err:
        c.line_recording("fxo0")
    assert err.value.status == 404 and "no call" in err.value.message
    with FxoRig(emu.rundir) as rig:
        call = c.place_call("+8613812345678", LINE)
        rig.wait_event("ring_begin", 1, timeout=8)
        rig.seize()
        wait_for(lambda: c.call(call["id"])["state"] == "active", 3)
        t_said = rig.mouth.queue(silence(300) + welcome + silence(500) + tone(1000, 400)) + 0.3
        heard = _words_heard(lambda: c.line_heard("fxo0"))
        assert heard["call"] == call["id"]
        rec = c.line_recording("fxo0")
    _check(rec, heard, welcome, t_said)
    same = c.call_recording(call["id"])
    assert same.t_start == rec.t_start
