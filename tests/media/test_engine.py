"""The engine's life: one per process, clean stop, restart, threads, logging."""

from __future__ import annotations

import asyncio
import logging
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from firmware.media import EngineAlreadyRunning, EngineNotRunning, MediaEngine, WrongThread
from firmware.media import engine as engine_module
from firmware.media.testing import PacedDevice, tone_frame

from .helpers import heard, running, wait_until

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def no_engine_left_behind():
    yield
    assert engine_module._holder is None, "a test left a media engine running"


async def test_a_second_engine_is_refused_loudly():
    async with running(name="first") as rig:
        with pytest.raises(EngineAlreadyRunning, match=r"first \(started on thread"):
            await MediaEngine(name="second").start()
        with pytest.raises(Exception, match="already started"):
            await rig.engine.start()
        a, _ = rig.line("a", lambda n: tone_frame(1000, n))
        b, dev_b = rig.line("b")
        rig.engine.connect(a, b)
        await wait_until(lambda: heard(dev_b, 1000) >= 3, what="the first engine still works")


async def test_stop_then_start_again_in_the_same_process():
    engine = MediaEngine()
    for round_ in range(3):
        await engine.start()
        try:
            a = PacedDevice("a", lambda n: tone_frame(1000, n)).start()
            b = PacedDevice("b").start()
            slot_a, slot_b = engine.attach("a", a), engine.attach("b", b)
            engine.connect(slot_a, slot_b)
            engine.play_tone(slot_a, "dial")
            await wait_until(lambda b=b: heard(b, 1000) >= 3, what=f"audio in round {round_}")
        finally:
            await engine.stop()
            a.stop()
            b.stop()
        assert not engine.running and not slot_a.attached and slot_b.counters.frames_out > 0
    await engine.stop()  # stopping a stopped engine is a no-op
    with pytest.raises(EngineNotRunning):
        engine.attach("late", PacedDevice("late"))


async def test_calls_from_another_thread_are_refused_not_fatal():
    async with running() as rig:
        with pytest.raises(WrongThread, match="not its event loop"):
            await asyncio.to_thread(rig.engine.attach, "x", PacedDevice("x"))
        assert rig.engine.slots() == []


async def test_start_logs_the_sip_call_limit_and_pjsip_goes_to_logging(caplog):
    caplog.set_level(logging.INFO, logger="firmware.media")
    async with running(sip_calls=2) as rig:
        assert rig.engine.max_sip_calls == 2  # a request under the build's limit is kept
        rig.engine._ep.utilLogWrite(2, "test.c", "a pjsip warning")
        rig.engine._ep.utilLogWrite(4, "test.c", "pjsip chatter")
    messages = [(r.name, r.levelname, r.getMessage()) for r in caplog.records]
    assert any(name == "firmware.media.engine" and "max SIP calls 2" in msg
               for name, _, msg in messages)
    assert ("firmware.media.pjsip", "WARNING", "test.c a pjsip warning") in messages
    assert not any("chatter" in msg for _, _, msg in messages)


async def test_default_asks_the_build_for_its_sip_call_limit():
    async with running() as rig:
        assert rig.engine.max_sip_calls >= 4  # the pip wheel is built with 4


class TimedEndpoint:
    """Stands in for the engine's Endpoint and times libHandleEvents in CPU time."""

    def __init__(self, endpoint):
        self._endpoint = endpoint
        self.costs: list[float] = []

    def libHandleEvents(self, msec):
        assert msec == 0  # a poll, never a wait
        start = time.thread_time()
        result = self._endpoint.libHandleEvents(msec)
        self.costs.append(time.thread_time() - start)
        return result

    def __getattr__(self, name):
        return getattr(self._endpoint, name)


async def test_the_pump_polls_often_and_never_blocks_the_loop():
    async with running() as rig:
        a, _ = rig.line("a", lambda n: tone_frame(1000, n))
        b, _ = rig.line("b")
        rig.engine.connect(a, b)
        timed = TimedEndpoint(rig.engine._ep)
        rig.engine._ep = timed
        try:
            started = time.monotonic()
            await wait_until(lambda: len(timed.costs) >= 50, what="50 pump turns")
            elapsed = time.monotonic() - started
        finally:
            rig.engine._ep = timed._endpoint
    assert elapsed < 50 * 0.01 * 4  # ~10 ms apart (a loaded CI box stretches it)
    assert max(timed.costs) < 0.005


def run_script(code: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], cwd=ROOT,
                          capture_output=True, text=True, timeout=60)


SCRIPT_HEAD = """
    import asyncio
    from firmware.media import MediaEngine
    from firmware.media.testing import PacedDevice, tone_frame, tone_share

    async def bridge(engine):
        a = PacedDevice("a", lambda n: tone_frame(1000, n)).start()
        b = PacedDevice("b").start()
        slot_a, slot_b = engine.attach("a", a), engine.attach("b", b)
        engine.connect(slot_a, slot_b)
        engine.play_tone(slot_b, "busy")
        for _ in range(1000):
            if any(tone_share(s.frame, 1000) > 0.9 for s in list(b.written)):
                break
            await asyncio.sleep(0.01)
        else:
            raise SystemExit("no audio")
        return slot_a, slot_b
"""


def test_a_fresh_process_runs_stops_restarts_and_exits_cleanly_and_quietly():
    result = run_script(SCRIPT_HEAD + """
    async def main():
        engine = MediaEngine()
        for _ in range(2):
            await engine.start()
            slot_a, _ = await bridge(engine)
            kept = slot_a._port  # a stray reference past stop() must not crash the exit
            await engine.stop()
        print("ok")

    asyncio.run(main())
    """)
    assert (result.returncode, result.stdout, result.stderr) == (0, "ok\n", "")


def test_exiting_without_stop_is_caught_at_exit():
    result = run_script(SCRIPT_HEAD + """
    import logging
    logging.basicConfig(level=logging.WARNING)

    async def main():
        engine = MediaEngine()
        await engine.start()
        await bridge(engine)
        print("leaving without stop()")

    asyncio.run(main())
    """)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "leaving without stop()\n"
    assert "still running at exit: stopping it now" in result.stderr
