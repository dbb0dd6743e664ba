"""Audio through the conference bridge between fake line devices paced at 20 ms."""

from __future__ import annotations

import logging
import os
import struct
import threading
import time
from pathlib import Path

import pytest

from board.base import FRAME_BYTES
from firmware.media import SlotGone
from firmware.media.testing import PacedDevice, Stamp, tone_frame, tone_share

from .helpers import heard, running, wait_until


def tone(hz: float):
    return lambda n: tone_frame(hz, n)


def silent(device: PacedDevice, since: int = 0) -> bool:
    """Everything written to `device` (from frame `since` on) was silence."""
    return all(stamp.frame == bytes(FRAME_BYTES) for stamp in list(device.written)[since:])


def numbered(n: int) -> bytes:
    """A frame that carries its own sequence number (and is loud enough to see)."""
    return struct.pack("<I", n) + bytes([0x40] * (FRAME_BYTES - 4))


async def test_tone_crosses_only_while_connected():
    async with running() as rig:
        a, dev_a = rig.line("a", tone(1000))
        b, dev_b = rig.line("b", tone(600))
        await wait_until(lambda: a.counters.unheard >= 10 and b.counters.unheard >= 10,
                         what="both devices drained while unconnected")
        assert dev_a.written == [] and dev_b.written == []  # nothing transmits to them

        rig.engine.connect(a, b)
        await wait_until(lambda: heard(dev_b, 1000) >= 5, what="1000 Hz from a at b")
        await wait_until(lambda: heard(dev_a, 600) >= 5, what="600 Hz from b at a")

        rig.engine.disconnect(a, b)
        await rig.engine.settled()
        since = len(dev_a.written), len(dev_b.written)
        unheard = a.counters.unheard
        await wait_until(lambda: a.counters.unheard >= unheard + 10, what="a drained again")
        assert (len(dev_a.written), len(dev_b.written)) == since


async def test_one_way_and_mixing():
    async with running() as rig:
        a, dev_a = rig.line("a", tone(1000))
        b, dev_b = rig.line("b", tone(600))
        c, dev_c = rig.line("c")
        rig.engine.connect_one_way(a, c)
        rig.engine.connect_one_way(b, c)
        await wait_until(lambda: heard(dev_c, 1000, 600) >= 5, what="both tones mixed at c")
        last = dev_c.written[-1].frame
        assert tone_share(last, 1000) > 0.3 and tone_share(last, 600) > 0.3
        assert dev_a.written == [] and dev_b.written == []  # c sends nothing back


async def test_tap_sees_every_uplink_frame_in_order_on_the_clock_thread():
    seen: list[int] = []
    threads: set[int] = set()

    def tap(frame: bytes, t: float) -> None:
        seen.append(struct.unpack_from("<I", frame)[0])
        threads.add(threading.get_native_id())

    async with running() as rig:
        a, _ = rig.line("a", numbered, on_frame=tap)
        b, _ = rig.line("b")
        await wait_until(lambda: len(seen) >= 10, what="tap while unconnected")
        rig.engine.connect(a, b)
        await wait_until(lambda: len(seen) >= 40, what="tap while connected")
    assert seen == list(range(len(seen)))
    assert threading.get_native_id() not in threads
    names = {Path(f"/proc/self/task/{tid}/comm").read_text().strip()
             for tid in threads if Path(f"/proc/self/task/{tid}/comm").exists()}
    assert names <= {"clock"}


async def test_underruns_count_missing_frames_while_a_source():
    async with running() as rig:
        quiet, _ = rig.line("quiet")  # a device that sends nothing
        b, dev_b = rig.line("b")
        await wait_until(lambda: b.counters.unheard + quiet.counters.frames_in == 0 and
                         dev_b.reads >= 5, what="both ticking")
        assert quiet.counters.underruns == 0  # nobody asked yet
        assert silent(dev_b) and dev_b.written == []
        rig.engine.connect_one_way(quiet, b)
        await wait_until(lambda: quiet.counters.underruns >= 10, what="underruns")
        assert all(stamp.frame == bytes(FRAME_BYTES) for stamp in dev_b.written)
        assert b.counters.frames_out == len(dev_b.written)


async def test_standing_backlog_is_dropped():
    async with running() as rig:
        a, dev_a = rig.line("a", numbered)
        b, dev_b = rig.line("b")
        rig.engine.connect_one_way(a, b)
        await wait_until(lambda: len(dev_b.written) >= 5)
        dev_a.burst(*(numbered(10_000 + k) for k in range(8)))  # 160 ms of stale audio
        await wait_until(lambda: a.counters.dropped >= 7, timeout=15, what="backlog dropped")
        assert a.counters.underruns == 0


class BrokenDevice(PacedDevice):
    def read_frame(self):
        raise OSError("modem gone")

    def write_frame(self, frame):
        raise OSError("modem gone")


async def test_a_failing_device_is_counted_and_others_keep_talking(caplog):
    caplog.set_level(logging.ERROR, logger="firmware.media")
    async with running() as rig:
        bad = BrokenDevice("bad").start()
        rig.devices.append(bad)
        broken = rig.engine.attach("broken", bad, on_frame=lambda f, t: 1 / 0)
        a, _ = rig.line("a", tone(1000), on_frame=lambda f, t: 1 / 0)
        b, dev_b = rig.line("b")
        rig.engine.connect(broken, a)
        rig.engine.connect_one_way(a, b)
        await wait_until(lambda: heard(dev_b, 1000) >= 10, what="a still reaches b")
        await wait_until(lambda: broken.counters.errors >= 20 and a.counters.errors >= 10)
    logged = [r for r in caplog.records if "counted from now on" in r.getMessage()]
    assert {r.getMessage().split(":")[0] for r in logged} == {"media port broken",
                                                              "media port a"}
    assert len(logged) == 3  # broken: read_frame, write_frame; a: on_frame; once each


class ShortFrames(PacedDevice):
    def read_frame(self):
        frame = super().read_frame()
        return frame[:100] if frame else frame


async def test_wrong_frame_size_is_skipped():
    async with running() as rig:
        device = ShortFrames("short", tone(1000)).start()
        rig.devices.append(device)
        short = rig.engine.attach("short", device)
        b, dev_b = rig.line("b")
        rig.engine.connect_one_way(short, b)
        await wait_until(lambda: short.counters.errors >= 5)
        assert heard(dev_b, 1000) == 0 and short.counters.frames_in == 0


async def test_detached_slot_is_gone():
    async with running() as rig:
        a, dev_a = rig.line("a", tone(1000))
        b, dev_b = rig.line("b")
        rig.engine.connect(a, b)
        await wait_until(lambda: heard(dev_b, 1000) >= 3)
        rig.engine.detach(a)
        rig.engine.detach(a)  # idempotent
        await rig.engine.settled()
        assert not a.attached and a.counters.frames_in > 0
        with pytest.raises(SlotGone, match="slot a"):
            rig.engine.connect(a, b)
        count, reads, writes = len(dev_b.written), dev_a.reads, len(dev_a.written)
        b_reads = dev_b.reads
        await wait_until(lambda: dev_b.reads >= b_reads + 10, what="b keeps ticking")
        assert (len(dev_b.written), dev_a.reads, len(dev_a.written)) == (count, reads, writes)
        again, _ = rig.line("a")  # the name is free again
        assert again.attached and rig.engine.slots() == [b, again]


class LateFrames(PacedDevice):
    """Numbered frames, one per tick, except that the frames of the ticks in `late`
    come one tick late, together with the next one (as a busy USB host delivers)."""

    def __init__(self, name: str, late: set[int]):
        super().__init__(name, numbered)
        self.late = late
        self._held: bytes | None = None

    def _tick(self) -> None:
        n = self._ticks
        self._ticks += 1
        frame = numbered(n)
        if n in self.late:
            self._held = frame
            return
        now = time.monotonic()
        for f in ([self._held] if self._held else []) + [frame]:
            self.produced.append(Stamp(now, f))
            self._uplink.append(f)
        self._held = None


def sequence_at(device: PacedDevice) -> list[int | None]:
    """The frame numbers written to `device` in order (None: a silent frame)."""
    return [None if s.frame == bytes(FRAME_BYTES) else struct.unpack_from("<I", s.frame)[0]
            for s in list(device.written)]


def _undisturbed(device: LateFrames, slots: dict, upto: int) -> str:
    """"" when the run was as planned: the device's only late frames are its `late`
    ones and the bridge's clock never ran late; else what disturbed it (another
    process on this machine held a CPU: the run says nothing of the cushion)."""
    if any(slots[name]["late_ticks"] for name in ("a", "b")):
        return f"the bridge's clock ran late ({slots['b']['late_ticks']} ticks)"
    stamps = {struct.unpack_from("<I", s.frame)[0]: s.t for s in list(device.produced)}
    for n in range(61, upto + 1):
        if n in device.late or n - 1 in device.late or n - 1 not in stamps or n not in stamps:
            continue
        if stamps[n] - stamps[n - 1] > 0.035:
            return f"the device's frame {n} came {1000 * (stamps[n] - stamps[n - 1]):.0f} ms late"
    return ""


async def _late_frames_run() -> tuple[str, dict]:
    async with running() as rig:
        late = LateFrames("a", late={100, 200, 300}).start()
        rig.devices.append(late)
        a = rig.engine.attach("a", late)
        b, dev_b = rig.line("b")
        rig.engine.connect_one_way(a, b)
        await wait_until(lambda: 60 in sequence_at(dev_b), what="the stream flowing")
        before = a.counters.underruns  # the start may miss a tick or two: not mid-stream
        await wait_until(lambda: 350 in sequence_at(dev_b), timeout=20, what="frame 350")
        health = rig.engine.audio_health(stalls=True)
        disturbed = _undisturbed(late, health["slots"], 350)
        got = sequence_at(dev_b)
        return disturbed, {"got": got, "underruns": a.counters.underruns - before,
                           "cushions": a.counters.cushions, "dropped": a.counters.dropped,
                           "health": health}


async def test_one_late_frame_gives_a_cushion_that_absorbs_the_next():
    reasons = []
    for _attempt in range(3):  # a run another process disturbed is run again, not passed
        disturbed, run = await _late_frames_run()
        if not disturbed:
            break
        reasons.append(disturbed)
    else:
        pytest.fail(f"every run was disturbed by other load: {reasons}")
    got = run["got"]
    numbers = [n for n in got[got.index(60):got.index(350) + 1] if n is not None]
    assert numbers == list(range(60, 351))  # nothing lost, nothing reordered
    # frame 100 missed its tick once (one silent frame); 200 and 300 were just as
    # late but the frame of cushion it left was kept and took the jitter
    assert run["underruns"] == 1
    assert run["cushions"] == 1 and run["dropped"] == 0
    assert got[got.index(60):got.index(350)].count(None) == 1
    health = run["health"]
    assert health["slots"]["a"]["cushions"] == 1
    mid = [s for s in health["stalls"] if s["slot"] == "a" and s["kind"] == "underrun"]
    assert mid and 0 < mid[-1]["ms"] < 40  # one tick of silence
    assert health["slots"]["b"]["late_ticks"] == 0


async def _cushion_given_back_run() -> list[int]:
    """The frames lost on the way when frame 60 came late once and the cushion it left
    was never needed again (given back after CUSHION_DECAY_S)."""
    async with running() as rig:
        late = LateFrames("a", late={60}).start()
        rig.devices.append(late)
        a = rig.engine.attach("a", late)
        b, dev_b = rig.line("b")
        rig.engine.connect_one_way(a, b)
        await wait_until(lambda: a.counters.cushions == 1, timeout=15, what="a cushion")
        await wait_until(lambda: a.counters.dropped == 1, timeout=15, what="given back")
        last = len(dev_b.written)
        await wait_until(lambda: len(dev_b.written) > last + 5, what="the stream after it")
        got = sequence_at(dev_b)
        numbers = [n for n in got if n is not None]
        return sorted(set(range(numbers[0], numbers[-1])) - set(numbers))


async def test_a_cushion_never_needed_is_given_back(monkeypatch):
    monkeypatch.setattr("firmware.media.ports.CUSHION_DECAY_S", 2)
    disturbed = []
    for _attempt in range(3):  # a run another process disturbed is run again, not passed
        gone = await _cushion_given_back_run()
        if not gone or gone[0] > 60:
            break
        disturbed.append(gone)  # a frame before the planned late one was late: load
    else:
        pytest.fail(f"every run was disturbed by other load: frames lost {disturbed}")
    assert len(gone) == 1 and gone[0] > 60  # the one frame of delay, after the cushion


@pytest.mark.skipif(os.geteuid() != 0, reason="SCHED_FIFO needs root or an RLIMIT_RTPRIO")
async def test_the_bridge_clock_thread_is_real_time():
    policies: set[int] = set()
    async with running() as rig:
        a, _ = rig.line("a", tone(1000), on_frame=lambda f, t: policies.add(
            os.sched_getscheduler(0)))
        b, _ = rig.line("b")
        rig.engine.connect(a, b)
        await wait_until(lambda: policies, what="frames on the clock thread")
    assert policies == {os.SCHED_FIFO}
