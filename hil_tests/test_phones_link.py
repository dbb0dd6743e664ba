"""The emulator's phones, LED sink and DSP against the real simulated board, in one process.

A temp RUNDIR gets a PhoneBank (fxs0..fxs3) and a LedSink; the `sim` board opens
on it exactly as the box does. Nothing sleeps a fixed time: every check polls its
condition with a generous timeout (`wait_for`).
"""

from __future__ import annotations

import itertools
import json
import random
import socket
import statistics
import threading
import time
from array import array

import pytest

import board
from board.base import FRAME_BYTES, Blink, Solid
from hil_tests.pstn import dsp, testing
from hil_tests.pstn.dsp import Analyzer, AudioSource, dtmf_pair, dtmf_tones, silence, tone
from hil_tests.pstn.eventlog import EventLog
from hil_tests.pstn.leds import LedSink
from hil_tests.pstn.phones import PhoneBank

PORTS = ["fxs0", "fxs1", "fxs2", "fxs3"]


def wait_for(cond, timeout=10.0):
    return testing.wait_for(cond, timeout)


class Pump:
    """The firmware's side of one port's audio, paced at 20 ms: reads every frame the
    phone sent (to `ear`), writes one frame from `mouth` (or loops the read back)."""

    def __init__(self, port, loopback=False):
        self.port = port
        self.loopback = loopback
        self.mouth = AudioSource()
        self.ear = Analyzer(f"board-{port.name}")
        self.frames_in = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self):
        due = time.monotonic()
        while not self._stop.is_set():
            echo = []
            while (frame := self.port.audio.read_frame()) is not None:
                now = time.monotonic()
                self.frames_in.append((now, frame))
                self.ear.feed(frame, now)
                echo.append(frame)
            for frame in echo if self.loopback else [self.mouth.next_frame(due)]:
                self.port.audio.write_frame(frame)
            due += dsp.FRAME_S
            self._stop.wait(max(0.0, due - time.monotonic()))

    def stop(self):
        self._stop.set()
        self._thread.join(2)


@pytest.fixture
def world(tmp_path):
    log = EventLog()
    phones = PhoneBank(tmp_path, PORTS, log)
    sink = LedSink(tmp_path, log)
    phones.start()
    sink.start()
    box = board.load_board("sim", rundir=tmp_path, timeout=10)
    box.open()
    pumps = []
    yield box, phones, sink, log, pumps
    for pump in pumps:
        pump.stop()
    box.close()
    phones.stop()
    sink.stop()


def test_hook_changes_reach_the_board(world):
    box, phones, _, log, _ = world
    port, phone = box.port("fxs0"), phones.get("fxs0")
    seen = []
    port.on_event(seen.append)
    t0 = time.monotonic()
    assert phone.hook("off")["hook"] == "off"
    wait_for(lambda: seen)
    assert seen[0].kind == "offhook" and seen[0].port == "fxs0" and t0 <= seen[0].t
    assert port.hook_state() == "off"
    phone.hook("flash")
    phone.hook("on")
    wait_for(lambda: len(seen) == 3)
    assert [e.kind for e in seen] == ["offhook", "flash", "onhook"]
    hooks, _ = log.since(0, kind="hook")
    assert [e["state"] for e in hooks] == ["off", "flash", "on"]
    assert all(e["delivered"] for e in hooks)


def test_frames_flow_at_50_per_second_each_way(world):
    box, phones, _, _, pumps = world
    port, phone = box.port("fxs1"), phones.get("fxs1")
    phone.hook("off")
    pump = Pump(port)
    pumps.append(pump)
    wait_for(lambda: len(pump.frames_in) >= 5 and phone.frames_heard >= 5)
    t0, up0, down0 = time.monotonic(), len(pump.frames_in), phone.frames_heard
    wait_for(lambda: time.monotonic() - t0 >= 1.5, timeout=5)
    elapsed = time.monotonic() - t0
    up = (len(pump.frames_in) - up0) / elapsed
    down = (phone.frames_heard - down0) / elapsed
    assert 40 <= up <= 60, f"phone -> board {up:.1f} frames/s"
    assert 40 <= down <= 60, f"board -> phone {down:.1f} frames/s"
    assert all(len(frame) == FRAME_BYTES for _, frame in pump.frames_in)


def test_a_tone_the_phone_sends_arrives_at_the_board(world):
    box, phones, _, log, pumps = world
    phone = phones.get("fxs2")
    phone.hook("off")
    pump = Pump(box.port("fxs2"))
    pumps.append(pump)
    pump.ear.watch(1234)
    t = phone.send(tone_hz=1234, ms=400)
    tones = wait_for(lambda: [x for x in pump.ear.heard()["tones"]
                              if x["hz"] == 1234 and x["t_end"] - x["t_start"] > 0.35])
    assert tones[0]["t_start"] == pytest.approx(t, abs=0.15)
    assert tones[0]["t_end"] - tones[0]["t_start"] == pytest.approx(0.4, abs=0.06)

    def loud_flags() -> list[bool] | None:
        """Loud or not, frame by frame, once a quiet frame has come after the tone."""
        flags = [max(map(abs, array("h", f))) > 7000 for _, f in pump.frames_in]
        return flags if True in flags and not flags[-1] else None

    flags = wait_for(loud_flags, 5)  # until the tone's last frame reached the board
    assert 18 <= sum(flags) <= 22  # 400 ms of tone = 20 frames
    sends, _ = log.since(0, kind="phone_send")
    assert sends[0]["tone_hz"] == 1234 and sends[0]["t_start"] == t


def test_a_tone_the_board_writes_is_heard_by_the_phone(world):
    box, phones, _, log, pumps = world
    phone = phones.get("fxs3")
    phone.hook("off")
    pump = Pump(box.port("fxs3"))
    pumps.append(pump)
    t = pump.mouth.queue(silence(100) + tone(450, 500) + silence(100))
    wait_for(lambda: log.since(0, kind="phone_heard")[0])  # the tone has ended
    heard = phone.heard()["tones"]
    assert [x["hz"] for x in heard] == [450]  # not 440, nor 480
    assert heard[0]["t_start"] == pytest.approx(t + 0.1, abs=0.1)
    assert heard[0]["t_end"] - heard[0]["t_start"] == pytest.approx(0.5, abs=0.06)
    assert log.since(0, kind="phone_heard")[0][0]["tone"] == heard[0]


def test_dtmf_dialled_on_the_phone_comes_back_through_a_loopback(world):
    box, phones, _, log, pumps = world
    phone = phones.get("fxs0")
    phone.hook("off")
    pumps.append(Pump(box.port("fxs0"), loopback=True))
    t = phone.dial("801*#")
    digits = wait_for(lambda: len(phone.heard()["dtmf"]) == 5 and phone.heard()["dtmf"])
    assert "".join(d["digit"] for d in digits) == "801*#"
    assert digits[0]["t"] == pytest.approx(t, abs=0.2)  # the loop adds a few frames
    gaps = [b["t"] - a["t"] for a, b in itertools.pairwise(digits)]
    # 80 ms on + 80 ms off; the test's loopback thread may hand a frame or two late
    # under load, which moves one digit but not the cadence
    assert all(g == pytest.approx(0.16, abs=0.06) for g in gaps), gaps
    assert digits[-1]["t"] - digits[0]["t"] == pytest.approx(4 * 0.16, abs=0.045), gaps
    dials, _ = log.since(0, kind="phone_dial")
    assert dials[0]["digits"] == "801*#"


def ring_cadence(port, on_s, off_s, bursts):
    """Drive the ringer as the firmware does: on/off on an absolute monotonic schedule."""
    tick = threading.Event()  # never set: its wait() is the cadence's clock
    due = time.monotonic()
    for _ in range(bursts):
        for on, length in ((True, on_s), (False, off_s)):
            port.set_ringer(on)
            due += length
            tick.wait(max(0.0, due - time.monotonic()))


def test_ringer_cadence_edges_are_timestamped(world):
    box, phones, _, log, _ = world
    port, phone = box.port("fxs1"), phones.get("fxs1")
    ring_cadence(port, on_s=0.2, off_s=0.3, bursts=3)
    edges = wait_for(lambda: len(phone.heard()["ringer"]) == 6 and phone.heard()["ringer"])
    assert [e["on"] for e in edges] == [True, False] * 3
    for a, b in itertools.pairwise(edges):
        assert b["t"] - a["t"] == pytest.approx(0.2 if a["on"] else 0.3, abs=0.08)
    assert [e["on"] for e in log.since(0, kind="ringer")[0]] == [True, False] * 3


def test_auto_answer_lifts_the_handset_after_the_ringer_starts(world):
    box, phones, _, _, _ = world
    port, phone = box.port("fxs2"), phones.get("fxs2")
    seen = []
    port.on_event(seen.append)
    phone.auto_answer(0.3)
    port.set_ringer(True)
    wait_for(lambda: seen)
    ring_on = phone.heard()["ringer"][0]["t"]
    assert seen[0].kind == "offhook"
    assert seen[0].t - ring_on == pytest.approx(0.3, abs=0.15)
    assert phone.status() == {"port": "fxs2", "hook": "off", "ringing": True,
                              "connected": True, "auto_answer": 0.3}
    port.set_ringer(False)


def test_led_blinks_show_in_the_sink_history(world):
    box, _, sink, log, _ = world
    box.leds.set("PWR", Solid())
    box.leds.set("SYS", Blink(100, 100))
    wait_for(lambda: len(sink.state()["leds"].get("SYS", {}).get("history", [])) >= 8)
    state = sink.state()["leds"]
    assert state["PWR"]["on"] is True
    history = state["SYS"]["history"][1:]  # after the first level sent at open
    assert [on for _, on in history[:6]] == [True, False] * 3
    gaps = [b[0] - a[0] for a, b in itertools.pairwise(history)]
    assert statistics.median(gaps) == pytest.approx(0.1, abs=0.03)
    assert set(state) == set(box.info.leds)
    assert log.since(0, kind="led")[0]


def test_the_board_reconnects_when_the_link_drops(world):
    box, phones, _, _, _ = world
    port, phone = box.port("fxs3"), phones.get("fxs3")
    statuses, seen = [], []
    port.on_status(statuses.append)
    port.on_event(seen.append)
    phone.drop_link()
    wait_for(lambda: any(not s.ok for s in statuses))
    wait_for(lambda: statuses[-1].ok and phone.status()["connected"])
    phone.hook("off")
    wait_for(lambda: seen and seen[-1].kind == "offhook")
    port.set_ringer(True)
    wait_for(lambda: phone.status()["ringing"])


def test_a_hook_change_while_the_link_is_down_is_not_lost(world):
    box, phones, _, _, _ = world
    port = box.port("fxs1")
    seen = []
    port.on_event(seen.append)
    phones.stop()  # the emulator goes away
    wait_for(lambda: not port.status().ok)
    restarted = PhoneBank(phones.rundir, PORTS, EventLog())
    restarted.get("fxs1").hook("off")  # lifted while nobody was connected
    restarted.start()
    try:
        wait_for(lambda: port.status().ok, timeout=15)
        wait_for(lambda: seen and seen[-1].kind == "offhook")
        assert port.hook_state() == "off"
    finally:
        restarted.stop()


def test_phone_api_refuses_bad_requests(world):
    _, phones, _, _, _ = world
    with pytest.raises(KeyError, match="no phone on port 'fxs9'"):
        phones.get("fxs9")
    phone = phones.get("fxs0")
    with pytest.raises(ValueError, match="on hook"):
        phone.dial("12")
    with pytest.raises(ValueError, match="on hook"):
        phone.hook("flash")
    with pytest.raises(ValueError, match="hook state"):
        phone.hook("up")
    phone.hook("off")
    for bad in ("", "12x", None, 5):
        with pytest.raises(ValueError, match="DTMF keys"):
            phone.dial(bad)
    with pytest.raises(ValueError, match="either tone_hz"):
        phone.send(tone_hz=400, ms=100, dtmf="1")
    with pytest.raises(ValueError, match="ms must be"):
        phone.send(tone_hz=400)
    with pytest.raises(ValueError, match="tone_hz must be"):
        phone.send(tone_hz=True, ms=100)
    with pytest.raises(ValueError, match="after_s"):
        phone.auto_answer(-1)
    assert [p["port"] for p in phones.list()] == PORTS
    with pytest.raises(ValueError, match="unique names"):
        PhoneBank(phones.rundir, ["fxs0", "fxs0"], EventLog())


def test_the_led_sink_ignores_garbage_and_keeps_going(world):
    _, _, sink, log, _ = world
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as raw:
        raw.connect(str(sink._server.path))
        raw.sendall(b"not json\n{\"led\": 5}\n" + json.dumps(
            {"led": "TEST", "on": True, "t": 12.5}).encode() + b"\n")
        wait_for(lambda: "TEST" in sink.state()["leds"])
    assert sink.state()["leds"]["TEST"] == {"on": True, "history": [[12.5, True]]}
    assert sink.bad_lines == 2
    assert len(log.since(0, kind="led_bad_line")[0]) == 2


# --- DSP round trips ------------------------------------------------------------


def listen(pcm, t0=100.0, offset=0, analyzer=None):
    """Feed PCM (after `offset` samples of silence, then 200 ms quiet) as 20 ms frames."""
    analyzer = analyzer or Analyzer("test")
    pcm = bytes(2 * offset) + pcm + silence(200)
    pcm += bytes(-len(pcm) % FRAME_BYTES)
    for k in range(len(pcm) // FRAME_BYTES):
        analyzer.feed(pcm[k * FRAME_BYTES:(k + 1) * FRAME_BYTES], t0 + k * dsp.FRAME_S)
    return analyzer.heard()


def noisy(pcm, sigma, seed):
    rng = random.Random(seed)
    out = array("h", (max(-32768, min(32767, round(x + rng.gauss(0, sigma))))
                      for x in array("h", pcm)))
    return out.tobytes()


def test_generated_pcm_has_the_right_shape():
    pcm = tone(1000, 100, amplitude=5000)
    samples = array("h", pcm)
    assert len(pcm) == 1600 and max(samples) == pytest.approx(5000, abs=2)
    assert silence(20) == bytes(FRAME_BYTES)
    assert len(dtmf_tones("12", on_ms=50, off_ms=30)) == 2 * 2 * 80 * 8
    assert (dtmf_pair("1"), dtmf_pair("0"), dtmf_pair("#"), dtmf_pair("d")) == (
        (697, 1209), (941, 1336), (941, 1477), (941, 1633))
    for bad in (lambda: tone(0, 10), lambda: tone(5000, 10), lambda: tone(440, -1),
                lambda: dtmf_tones("1E"), lambda: dtmf_tones(""), lambda: silence(-1)):
        with pytest.raises(ValueError):
            bad()


def test_every_dtmf_digit_round_trips():
    heard = listen(dtmf_tones("0123456789*#ABCD"))
    assert "".join(d["digit"] for d in heard["dtmf"]) == "0123456789*#ABCD"
    assert heard["tones"] == []
    times = [d["t"] for d in heard["dtmf"]]
    assert times[0] == pytest.approx(100.0, abs=0.005)
    assert all(b - a == pytest.approx(0.16, abs=0.005) for a, b in itertools.pairwise(times))


@pytest.mark.parametrize("seed", range(3))
def test_dtmf_is_decoded_through_noise(seed):
    pcm = silence(300) + dtmf_tones("147*2580369#", on_ms=60, off_ms=60) + silence(300)
    heard = listen(noisy(pcm, sigma=2500, seed=seed))  # about 7 dB SNR per tone
    assert "".join(d["digit"] for d in heard["dtmf"]) == "147*2580369#"
    assert heard["tones"] == []
    assert listen(noisy(silence(2000), sigma=2500, seed=seed)) == {"tones": [], "dtmf": []}


@pytest.mark.parametrize("offset", range(0, 160, 16))
def test_short_blips_are_rejected_and_40ms_presses_kept_at_any_alignment(offset):
    for ms in (20, 25):
        assert listen(dtmf_tones("5", on_ms=ms, off_ms=100), offset=offset)["dtmf"] == []
    heard = listen(dtmf_tones("55", on_ms=40, off_ms=40), offset=offset)["dtmf"]
    assert [d["digit"] for d in heard] == ["5", "5"]  # one digit per press
    assert heard[0]["t"] == pytest.approx(100 + offset / 8000, abs=0.01)


def test_dtmf_with_too_much_twist_is_not_a_digit():
    twisted = dsp._sines([(770, 9000), (1336, 1500)], 100, dsp.RATE)  # 15.6 dB
    assert listen(twisted)["dtmf"] == []
    fair = dsp._sines([(770, 8000), (1336, 4000)], 100, dsp.RATE)  # 6 dB
    assert [d["digit"] for d in listen(fair)["dtmf"]] == ["5"]


@pytest.mark.parametrize(("hz", "ms"), [(440, 500), (450, 500), (450, 80), (1000, 300),
                                        (2000, 200), (350, 1000)])
def test_single_tones_are_told_apart_from_their_neighbours(hz, ms):
    heard = listen(silence(60) + tone(hz, ms))
    assert [(x["hz"]) for x in heard["tones"]] == [hz]
    assert heard["tones"][0]["t_start"] == pytest.approx(100.06, abs=dsp.FRAME_S)
    assert heard["tones"][0]["t_end"] == pytest.approx(100.06 + ms / 1000, abs=dsp.FRAME_S)


def test_dual_tones_are_both_reported():
    ringback_us = dsp._sines([(440, 4000), (480, 4000)], 2000, dsp.RATE)
    assert sorted(x["hz"] for x in listen(ringback_us)["tones"]) == [440, 480]
    dial_us = dsp._sines([(350, 4000), (440, 4000)], 1000, dsp.RATE)
    assert sorted(x["hz"] for x in listen(dial_us)["tones"]) == [350, 440]


def test_busy_cadence_gives_one_entry_per_burst():
    busy_cn = (tone(450, 350) + silence(350)) * 3
    tones = listen(busy_cn)["tones"]
    assert [x["hz"] for x in tones] == [450] * 3
    starts = [x["t_start"] for x in tones]
    assert all(b - a == pytest.approx(0.7, abs=dsp.FRAME_S) for a, b in itertools.pairwise(starts))


def test_any_voice_band_tone_is_found_a_watched_one_beyond_it_too_and_none_invented():
    assert [x["hz"] for x in listen(tone(1234, 300))["tones"]] == [1234]  # not in SCAN_HZ
    analyzer = Analyzer("t")
    assert listen(tone(3700, 300), analyzer=analyzer)["tones"] == []  # above 3,400 Hz
    analyzer.reset()
    analyzer.watch(3700)
    assert [x["hz"] for x in listen(tone(3700, 300), analyzer=analyzer)["tones"]] == [3700]
    with pytest.raises(ValueError):
        analyzer.watch(4000)
    with pytest.raises(ValueError, match="320 bytes"):
        analyzer.feed(b"\0" * 10, 0.0)


def test_audio_source_says_when_queued_audio_starts():
    now = [50.0]
    source = AudioSource(clock=lambda: now[0])
    assert source.queue(tone(1000, 10)) == 50.0  # idle: starts at once
    assert source.next_frame(50.0)[:160] == tone(1000, 10)
    assert source.next_frame(50.02) == bytes(FRAME_BYTES)  # padded, then silence
    now[0] = 50.03
    assert source.queue(silence(30)) == pytest.approx(50.04)  # the next frame slot
    assert source.queue(b"\1\0") == pytest.approx(50.07)  # after the 30 ms queued
    with pytest.raises(ValueError, match="even number"):
        source.queue(b"\0")
