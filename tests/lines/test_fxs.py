"""FxsLine against a fake FXS port: cadence, caller ID pacing, ring trip, hook events.

The fake port calls the line's callbacks from its own threads, as a board does,
and records ringer edges and written audio frames with monotonic timestamps.
Short cadences keep every test well under a second or two of ringing.
"""

from __future__ import annotations

import asyncio
import itertools
import threading
import time
from datetime import datetime

import pytest

from board.base import FRAME_BYTES, BoardUnavailable, LineEvent, LineStatus, PortInUse
from firmware.clock import SystemClock
from firmware.errors import LineInUse, LineOutOfService
from firmware.events import EventBus
from firmware.lines.callerid import caller_id_audio
from firmware.lines.fxs import (
    FAULT,
    IDLE,
    OFFHOOK,
    RINGING,
    FxsFlash,
    FxsLine,
    FxsOffHook,
    FxsOnHook,
    FxsStateChanged,
)
from hil_tests.pstn.dsp import CallerIdReceiver


class FakeAudio:
    def __init__(self):
        self.written: list[tuple[float, bytes]] = []

    def read_frame(self):
        raise AssertionError("FxsLine must never read the port's audio")

    def write_frame(self, frame: bytes) -> None:
        assert len(frame) == FRAME_BYTES
        self.written.append((time.monotonic(), frame))


class FakeFxsPort:
    kind = "fxs"

    def __init__(self, name: str = "fxs7"):
        self.name = name
        self.audio = FakeAudio()
        self.ringer: list[tuple[bool, float]] = []
        self.owner = None
        self.ringer_fails = False
        self._hook = "on"
        self._status = LineStatus(name, True)
        self._event_cb = self._status_cb = None

    def on_event(self, cb):
        self._event_cb = cb

    def on_status(self, cb):
        self._status_cb = cb

    def claim(self, owner):
        if self.owner not in (None, owner):
            raise PortInUse(f"port {self.name} is in use by {self.owner}")
        self.owner = owner

    def release(self, owner):
        self.owner = None

    def hook_state(self):
        return self._hook

    def status(self):
        return self._status

    def set_ringer(self, on: bool) -> None:
        if self.ringer_fails:
            raise BoardUnavailable(f"port {self.name}: no link")
        self.ringer.append((on, time.monotonic()))

    def set_hook(self, offhook):
        raise AssertionError("not on an FXS port")

    # --- test verbs: what the phone does, reported from a board thread -----------

    def hook(self, kind: str) -> float:
        t = time.monotonic()
        if kind != "flash":
            self._hook = "off" if kind == "offhook" else "on"
        self._from_board(self._event_cb, LineEvent(kind, t, self.name))
        return t

    def link(self, ok: bool, reason: str = "") -> None:
        self._status = LineStatus(self.name, ok, reason)
        self._from_board(self._status_cb, self._status)

    def _from_board(self, cb, arg):
        thread = threading.Thread(target=cb, args=(arg,))
        thread.start()
        thread.join()


@pytest.fixture
def rig():
    port = FakeFxsPort()
    bus = EventBus()
    events = []
    bus.subscribe(events.append)
    return port, bus, events


async def until(cond, timeout=5.0, what="condition"):
    deadline = time.monotonic() + timeout
    while not cond():
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what} not met within {timeout} s")
        await asyncio.sleep(0.005)


def started(port, bus, **options) -> FxsLine:
    line = FxsLine(port, bus, SystemClock(), **options)
    line.start()
    return line


def ons(port):
    return [t for on, t in port.ringer if on]


def no_ring_tasks():
    return not [t for t in asyncio.all_tasks() if t.get_name().startswith(("ring-", "cid-"))]


async def test_the_cadence_repeats_on_and_off(rig):
    port, bus, events = rig
    line = started(port, bus)
    line.ring("801", cadence=(0.1, 0.15), caller_id=False)
    assert line.state == RINGING and line.status().caller == "801"
    await until(lambda: len(ons(port)) >= 4, what="four rings")
    line.stop_ring()
    edges = port.ringer
    assert [on for on, _ in edges[:8]] == [True, False] * 4
    for (on, t), (_, t_next) in itertools.pairwise(edges[:7]):  # the 8th: stop_ring
        assert t_next - t == pytest.approx(0.1 if on else 0.15, abs=0.06)
    assert edges[-1][0] is False and line.state == IDLE
    assert [e.state for e in events if isinstance(e, FxsStateChanged)] == [RINGING, IDLE]
    assert port.audio.written == []
    await until(no_ring_tasks)
    line.close()


async def test_caller_id_is_paced_between_ring_one_and_two(rig):
    port, bus, _ = rig
    line = started(port, bus, cid_delay=0.1)
    line.ring("13812345678", "张伟", cadence=(0.1, 1.2))
    await until(lambda: len(ons(port)) >= 2, what="the second ring")
    line.stop_ring()
    ring1_off = port.ringer[1][1]
    ring2_on = ons(port)[1]
    times = [t for t, _ in port.audio.written]
    expected = caller_id_audio(datetime.now(), "13812345678", "张伟")
    assert len(times) == len(expected) // FRAME_BYTES
    assert ring1_off + 0.1 <= times[0] and times[-1] < ring2_on
    assert times[-1] - times[0] == pytest.approx(0.02 * (len(times) - 1), abs=0.06)
    assert max(sum(1 for t in times if s <= t < s + 0.02) for s in times) <= 3  # not at once
    receiver = CallerIdReceiver()
    heard = [m for i, (_, f) in enumerate(port.audio.written) for m in receiver.feed(f, i * 0.02)]
    heard += receiver.feed(bytes(FRAME_BYTES), 99.0)
    assert [(m["number"], m["name"], m["ok"]) for m in heard] == [("13812345678", "张伟", True)]
    line.close()


async def test_lifting_the_handset_while_ringing_trips_the_ringer(rig):
    port, bus, events = rig
    line = started(port, bus)
    line.ring("13812345678", cadence=(0.3, 0.3))
    await until(lambda: ons(port), what="ring 1")
    t_lift = port.hook("offhook")
    await until(lambda: line.state == OFFHOOK, what="off hook")
    assert port.ringer[-1][0] is False and port.ringer[-1][1] - t_lift < 0.1
    answers = [e for e in events if isinstance(e, FxsOffHook)]
    assert answers == [FxsOffHook("fxs7", t_lift, True)]
    changes = [e for e in events if isinstance(e, FxsOffHook | FxsStateChanged)]
    assert changes[-2:] == [answers[0], FxsStateChanged("fxs7", OFFHOOK)]
    assert no_ring_tasks() and len(ons(port)) == 1
    line.close()


async def test_no_caller_id_frame_is_written_after_the_handset_is_lifted(rig):
    port, bus, _ = rig
    line = started(port, bus, cid_delay=0.0)
    line.ring("13812345678", "北京分公司", cadence=(0.05, 2.0))
    await until(lambda: len(port.audio.written) >= 5, what="caller ID under way")
    t_lift = port.hook("offhook")
    await until(lambda: line.state == OFFHOOK)
    await until(no_ring_tasks)
    assert all(t <= t_lift for t, _ in port.audio.written)
    assert len(port.audio.written) < len(caller_id_audio(datetime.now(), "1", "北京")) // 320
    line.close()


async def test_a_short_cadence_makes_ring_two_wait_for_the_caller_id(rig):
    port, bus, _ = rig
    line = started(port, bus, cid_delay=0.05)
    line.ring("13812345678", cadence=(0.05, 0.1))
    await until(lambda: len(ons(port)) >= 2, what="ring 2")
    line.stop_ring()
    assert ons(port)[1] > port.audio.written[-1][0]
    line.close()


async def test_hook_events_while_idle(rig):
    port, bus, events = rig
    line = started(port, bus)
    t_off = port.hook("offhook")
    await until(lambda: line.state == OFFHOOK)
    t_flash = port.hook("flash")
    t_on = port.hook("onhook")
    await until(lambda: line.state == IDLE)
    hooks = [e for e in events if not isinstance(e, FxsStateChanged)]
    assert hooks == [FxsOffHook("fxs7", t_off, False), FxsFlash("fxs7", t_flash),
                     FxsOnHook("fxs7", t_on)]
    port.hook("flash")  # on hook: not a flash
    port.hook("onhook")  # a repeat changes nothing
    t_again = port.hook("offhook")  # handled after the two above
    await until(lambda: line.state == OFFHOOK)
    assert [e for e in events if not isinstance(e, FxsStateChanged)] == \
        [*hooks, FxsOffHook("fxs7", t_again, False)]
    line.close()


async def test_events_are_published_on_the_loop_thread(rig):
    port, bus, _ = rig
    threads = []
    bus.subscribe(lambda e: threads.append(threading.get_ident()))
    line = started(port, bus)
    port.hook("offhook")
    await until(lambda: threads)
    assert set(threads) == {threading.get_ident()}
    line.close()


async def test_ring_is_refused_off_hook_twice_or_with_a_bad_cadence(rig):
    port, bus, _ = rig
    line = started(port, bus)
    with pytest.raises(ValueError, match="cadence"):
        line.ring("801", cadence=(1.0, 0))
    line.ring("801", cadence=(0.2, 0.2), caller_id=False)
    with pytest.raises(LineInUse, match="ringing"):
        line.ring("802")
    line.stop_ring()
    port.hook("offhook")
    await until(lambda: line.state == OFFHOOK)
    with pytest.raises(LineInUse, match="fxs7 is in use by a handset off hook"):
        line.ring("801")
    line.stop_ring()  # not ringing: nothing happens
    assert line.state == OFFHOOK
    line.close()


async def test_a_port_fault_stops_ringing_and_refuses_new_rings(rig):
    port, bus, events = rig
    line = started(port, bus)
    line.ring("801", cadence=(0.2, 0.2))
    await until(lambda: ons(port))
    port.link(False, "link to the emulator lost")
    await until(lambda: line.state == FAULT)
    assert port.ringer[-1][0] is False and no_ring_tasks()
    status = line.status()
    assert (status.state, status.ok, status.reason) == (FAULT, False, "link to the emulator lost")
    with pytest.raises(LineOutOfService, match="fxs7 is out of service: link to the emulator"):
        line.ring("801")
    port._hook = "off"  # lifted while the link was down
    port.link(True)
    await until(lambda: line.state == OFFHOOK)
    assert [e.state for e in events if isinstance(e, FxsStateChanged)] == \
        [RINGING, FAULT, OFFHOOK]
    line.close()


async def test_a_ringer_that_fails_ends_the_ringing(rig):
    port, bus, _ = rig
    line = started(port, bus)
    port.ringer_fails = True
    line.ring("801", cadence=(0.1, 0.1))
    await until(lambda: line.state == IDLE)
    assert no_ring_tasks() and port.ringer == []
    line.close()


async def test_unsendable_numbers_ring_with_the_number_unavailable(rig):
    port, bus, _ = rig
    line = started(port, bus, cid_delay=0.0)
    line.ring("138-1234-5678", cadence=(0.02, 2.0))
    await until(lambda: len(port.audio.written) == len(caller_id_audio(datetime.now(), None))
                // FRAME_BYTES, what="the whole caller ID")
    receiver = CallerIdReceiver()
    heard = [m for i, (_, f) in enumerate(port.audio.written) for m in receiver.feed(f, i * 0.02)]
    heard += receiver.feed(bytes(FRAME_BYTES), 99.0)
    assert heard[0]["number"] is None and heard[0]["number_absent"] == "O"
    line.stop_ring()
    line.close()


async def test_the_port_is_claimed_and_released(rig):
    port, bus, _ = rig
    line = started(port, bus)
    assert port.owner == "fxs-line:fxs7"
    other = FxsLine(port, bus, SystemClock(), owner="someone else")
    with pytest.raises(PortInUse, match="in use by fxs-line:fxs7"):
        other.start()
    line.close()
    assert port.owner is None


def test_an_fxo_port_is_refused():
    port = FakeFxsPort("fxo0")
    port.kind = "fxo"
    with pytest.raises(ValueError, match="fxo0 is an FXO port"):
        FxsLine(port, EventBus(), SystemClock())
