"""The FXS line driver on the simulated board against the emulator's desk phone.

The emulator runs as its own process; the `sim` board connects to it; FxsLine
runs on an asyncio loop in a background thread, as in the box. The test thread
drives the phone through the control API and waits on conditions (wait_for),
never a fixed sleep. Most tests ring with a short cadence; one rings the real
Chinese cadence (1 s on, 4 s off) and checks it and the caller ID's place.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable
from typing import Any

import pytest

import board
from board.base import FRAME_BYTES
from firmware.clock import SystemClock
from firmware.events import EventBus
from firmware.lines.dsp import DtmfDetector
from firmware.lines.fxs import IDLE, OFFHOOK, RINGING, FxsLine, FxsOffHook, FxsOnHook
from hil_tests.pstn.client import EmulatorError
from hil_tests.pstn.testing import wait_for

PORT = "fxs1"
SHORT = (0.3, 1.6)  # room for a caller ID of ~0.6-1.0 s after the 0.6 s delay


class LoopThread:
    """An asyncio loop in a daemon thread; `call(fn)` runs fn on it and returns its result."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, name="box-loop",
                                        daemon=True)
        self._thread.start()

    def call(self, fn: Callable[[], Any], timeout: float = 5.0) -> Any:
        async def run() -> Any:
            return fn()
        return asyncio.run_coroutine_threadsafe(run(), self.loop).result(timeout)

    def stop(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(5.0)
        self.loop.close()


class Rig:
    def __init__(self, emu: Any):
        self.emu, self.client = emu, emu.client
        self.box = board.load_board("sim", rundir=emu.rundir, timeout=10)
        self.box.open()
        self.port = self.box.port(PORT)
        self.bus = EventBus()
        self.events: list = []
        self.bus.subscribe(self.events.append)
        self.loop = LoopThread()
        self.line: FxsLine = self.loop.call(self._start_line)

    def _start_line(self) -> FxsLine:
        line = FxsLine(self.port, self.bus, SystemClock())
        line.start()
        return line

    def phone(self) -> dict:
        return self.client.get(f"/phones/{PORT}")

    def of(self, kind: type) -> list:
        return [e for e in list(self.events) if isinstance(e, kind)]

    def close(self) -> None:
        self.loop.call(self.line.close)
        self.loop.stop()
        self.box.close()


@pytest.fixture
def rig(emulator):
    rig = Rig(emulator)
    yield rig
    rig.close()


def test_china_cadence_and_caller_id_between_ring_one_and_two(rig):
    rig.loop.call(lambda: rig.line.ring("13812345678", "北京分公司"))
    phone = wait_for(lambda: (p := rig.phone())["cadence"] and p["cadence"]["rings"] >= 2 and p,
                     timeout=12, what="the second ring")
    rig.loop.call(rig.line.stop_ring)
    cadence = phone["cadence"]
    assert cadence["on_s"][0] == pytest.approx(1.0, abs=0.15)
    assert cadence["off_s"][0] == pytest.approx(4.0, abs=0.15)
    cid = phone["caller_id"]
    assert cid["ok"] and (cid["number"], cid["name"]) == ("13812345678", "北京分公司")
    assert cid["rings_before"] == 1 and cid["after_ring_s"] >= 0.5
    assert cid["next_ring_s"] > 0 and len(cid["date"]) == 8
    logged = rig.client.wait_event("phone_caller_id", port=PORT, timeout=5)
    assert logged["number"] == "13812345678"
    wait_for(lambda: not rig.phone()["ringing"], timeout=5, what="the ringer off")


def test_lifting_the_handset_trips_the_ringer_within_250_ms(rig):
    rig.loop.call(lambda: rig.line.ring("13812345678", cadence=(2.0, 1.0)))
    wait_for(lambda: rig.phone()["ringing"], timeout=5, what="ringing")
    rig.client.phone_hook(PORT, "off")
    [answer] = wait_for(lambda: rig.of(FxsOffHook), timeout=5, what="FxsOffHook")
    assert answer.while_ringing is True and answer.port == PORT
    ringer = wait_for(lambda: (edges := rig.client.phone_heard(PORT)["ringer"])
                      and not edges[-1]["on"] and edges, timeout=5, what="ringer off")
    assert [e["on"] for e in ringer] == [True, False]
    assert ringer[-1]["t"] - answer.t < 0.25
    assert wait_for(lambda: rig.line.state == OFFHOOK, timeout=5)


def test_stop_ring_silences_the_bell_at_once(rig):
    rig.loop.call(lambda: rig.line.ring("801", cadence=(2.0, 1.0), caller_id=False))
    wait_for(lambda: rig.phone()["ringing"], timeout=5, what="ringing")
    assert rig.line.state == RINGING
    t_stop = time.monotonic()
    rig.loop.call(rig.line.stop_ring)
    wait_for(lambda: not rig.phone()["ringing"], timeout=5, what="the ringer off")
    assert rig.client.phone_heard(PORT)["ringer"][-1]["t"] - t_stop < 0.25
    assert rig.line.state == IDLE and rig.of(FxsOffHook) == []


def test_a_phone_lifted_while_idle_is_not_an_answer(rig):
    rig.client.phone_hook(PORT, "off")
    [lifted] = wait_for(lambda: rig.of(FxsOffHook), timeout=5, what="FxsOffHook")
    assert lifted.while_ringing is False
    assert wait_for(lambda: rig.line.state == OFFHOOK, timeout=5)
    rig.client.phone_hook(PORT, "on")
    wait_for(lambda: rig.of(FxsOnHook), timeout=5, what="FxsOnHook")
    assert wait_for(lambda: rig.line.state == IDLE, timeout=5)
    phone = rig.phone()
    assert (phone["caller_id"], phone["cadence"]) == (None, None)
    with pytest.raises(EmulatorError) as refused:
        rig.client.get("/phones/fxs9")
    assert refused.value.status == 404


def test_each_ringing_gets_its_own_caller_id(rig):
    rig.loop.call(lambda: rig.line.ring("02088886666", "广州销售部", cadence=SHORT))
    first = wait_for(lambda: rig.phone()["caller_id"], timeout=8, what="caller ID")
    assert (first["number"], first["name"], first["rings_before"]) == \
        ("02088886666", "广州销售部", 1)
    assert first["after_ring_s"] >= 0.5
    rig.loop.call(rig.line.stop_ring)
    rig.client.phone_hook(PORT, "off")  # picked up and put down: the next ring is new
    rig.client.phone_hook(PORT, "on")
    wait_for(lambda: rig.line.state == IDLE, timeout=5, what="idle again")
    rig.loop.call(lambda: rig.line.ring(None, cadence=SHORT, withheld=True))
    phone = wait_for(lambda: (p := rig.phone())["ringing"] and p, timeout=5, what="ringing")
    assert phone["cadence"]["rings"] == 1
    second = wait_for(lambda: rig.phone()["caller_id"], timeout=8, what="caller ID")
    assert second["ok"] and second["number"] is None and second["number_absent"] == "P"
    rig.loop.call(rig.line.stop_ring)


def test_dtmf_dialled_on_the_phone_is_detected_in_the_port_audio(rig):
    rig.client.phone_hook(PORT, "off")
    wait_for(lambda: rig.line.state == OFFHOOK, timeout=5, what="off hook")
    detector, digits = DtmfDetector(), []
    stop = threading.Event()

    def listen() -> None:  # the media bridge's job in the box
        t = None
        while not stop.is_set():
            frame = rig.port.audio.read_frame()
            if frame is None:
                stop.wait(0.005)
                continue
            t = time.monotonic() if t is None else t + FRAME_BYTES / 16000
            digits.extend(detector.feed(frame, t))

    reader = threading.Thread(target=listen, daemon=True)
    reader.start()
    try:
        t_dial = rig.client.phone_dial(PORT, "13800138000*#")
        wait_for(lambda: len(digits) >= 13, timeout=10, what="13 digits")
    finally:
        stop.set()
        reader.join(2)
    assert "".join(d for d, _ in digits) == "13800138000*#"
    assert digits[0][1] == pytest.approx(t_dial, abs=0.25)
