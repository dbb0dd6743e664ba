import itertools
import threading
import time

import pytest

from board.base import Blink, Count, Off, Solid
from board.ledengine import LedEngine, check_pattern, level_at
from hil_tests.pstn.testing import wait_for


class Recorder:
    """A fake pin writer: the (t, led, on) timeline of every level written."""

    def __init__(self):
        self.timeline = []
        self.lock = threading.Lock()

    def __call__(self, led, on, t):
        with self.lock:
            self.timeline.append((t, led, on))

    def edges(self, led):
        with self.lock:
            return [(t, on) for t, name, on in self.timeline if name == led]


def run_ticks(engine, start, seconds, step):
    """Drive the engine by hand, as its thread would, every `step` s (a coarse scheduler)."""
    for i in range(round(seconds / step) + 1):
        engine.tick(start + i * step)


def test_levels_of_each_pattern():
    assert level_at(Off(), 12.3) == (False, float("inf"))
    assert level_at(Solid(), 0.0) == (True, float("inf"))
    assert level_at(Blink(200, 300), 0.1) == (True, pytest.approx(0.1))
    assert level_at(Blink(200, 300), 0.3) == (False, pytest.approx(0.2))
    assert level_at(Blink(200, 300), 0.55) == (True, pytest.approx(0.15))
    assert level_at(Blink(0, 300), 1.0)[0] is False
    assert level_at(Blink(300, 0), 1.0)[0] is True
    code = Count(2, 4000, 150)
    assert level_at(code, 0.1) == (True, pytest.approx(0.05))
    assert level_at(code, 0.2) == (False, pytest.approx(0.25))  # gap before flash 2
    assert level_at(code, 0.5) == (True, pytest.approx(0.1))  # flash 2
    assert level_at(code, 0.7) == (False, pytest.approx(3.3))  # dark to the period's end
    assert level_at(Count(0, 4000), 1.0) == (False, float("inf"))


@pytest.mark.parametrize("bad", [Blink(-1, 10), Blink(0, 0), Count(-1), Count(9, 4000, 150),
                                 Count(1, 0), "blink"])
def test_impossible_patterns_are_refused(bad):
    with pytest.raises(ValueError):
        check_pattern(bad)


def test_blink_toggles_on_schedule_and_only_changes_are_written():
    rec = Recorder()
    engine = LedEngine(["SYS"], rec, clock=lambda: 100.0)
    engine.set("SYS", Blink(200, 200))
    run_ticks(engine, 100.0, 2.05, 0.01)
    edges = rec.edges("SYS")
    assert [on for _, on in edges] == [True, False] * 5 + [True]
    gaps = [b[0] - a[0] for a, b in itertools.pairwise(edges)]
    assert all(g == pytest.approx(0.2, abs=0.011) for g in gaps)


def test_count_gives_n_flashes_per_period():
    rec = Recorder()
    engine = LedEngine(["ERR"], rec, clock=lambda: 0.0)
    engine.set("ERR", Count(3, 4000))
    run_ticks(engine, 0.0, 12.0, 0.01)
    ons = [t for t, on in rec.edges("ERR") if on]
    periods = [sum(1 for t in ons if k * 4 <= t < (k + 1) * 4) for k in range(3)]
    assert periods == [3, 3, 3]
    assert ons[3] == pytest.approx(4.0, abs=0.011)  # each period starts with a flash


def test_a_late_scheduler_writes_what_is_due_now_and_skips_nothing_it_can_see():
    rec = Recorder()
    engine = LedEngine(["LINE-fxs0"], rec, clock=lambda: 0.0)
    engine.set("LINE-fxs0", Blink(200, 200))
    for t in (0.0, 0.05, 0.31, 0.33, 0.45, 0.7):  # wake-ups late by up to 110 ms
        engine.tick(t)
    assert [on for _, _, on in rec.timeline] == [True, False, True, False]


def test_setting_the_same_pattern_again_keeps_its_phase():
    now = [0.0]
    rec = Recorder()
    engine = LedEngine(["SYS"], rec, clock=lambda: now[0])
    engine.set("SYS", Blink(500, 500))
    engine.tick(0.0)
    now[0] = 0.3
    engine.set("SYS", Blink(500, 500))  # a refresh
    assert engine.tick(0.3) == pytest.approx(0.5)
    engine.set("SYS", Solid())
    engine.set("SYS", Blink(500, 500))  # a real change restarts the phase
    assert engine.tick(0.3) == pytest.approx(0.8)


def test_unknown_led_and_bad_pattern_are_refused():
    engine = LedEngine(["PWR"], Recorder(), label="sim-leds")
    with pytest.raises(KeyError, match="sim-leds: no LED named 'SYS'"):
        engine.set("SYS", Solid())
    with pytest.raises(ValueError):
        engine.set("PWR", Blink(-5, 5))
    assert engine.pattern("PWR") == Off()


def test_a_failing_writer_does_not_stop_the_other_leds(caplog):
    rec = Recorder()

    def write(led, on, t):
        if led == "BAD":
            raise OSError("pin gone")
        rec(led, on, t)

    engine = LedEngine(["BAD", "PWR"], write, clock=lambda: 0.0)
    engine.set("BAD", Solid())
    engine.set("PWR", Solid())
    engine.tick(0.0)
    assert rec.edges("PWR") == [(0.0, True)]
    assert "writing LED BAD failed" in caplog.text
    assert "BAD" not in engine.levels()  # it will be tried again


def test_the_engine_thread_blinks_in_real_time():
    rec = Recorder()
    engine = LedEngine(["SYS", "ERR"], rec)
    engine.start()
    try:
        start = time.monotonic()
        engine.set("SYS", Blink(100, 100))
        engine.set("ERR", Count(2, 600, 50))
        wait_for(lambda: len(rec.edges("SYS")) >= 12, timeout=10)
        wait_for(lambda: time.monotonic() - start > 1.3, timeout=10)
    finally:
        engine.stop()
    sys_edges = rec.edges("SYS")
    gaps = sorted(b[0] - a[0] for a, b in itertools.pairwise(sys_edges))
    assert gaps[len(gaps) // 2] == pytest.approx(0.1, abs=0.03)  # median, robust to a stall
    err_on = [t for t, on in rec.edges("ERR") if on]
    first = err_on[0]
    assert sum(1 for t in err_on if first - 0.01 <= t < first + 0.59) == 2


def test_stop_ends_the_thread_promptly():
    engine = LedEngine(["PWR"], Recorder())
    engine.start()
    engine.set("PWR", Solid())
    t = time.monotonic()
    engine.stop()
    assert time.monotonic() - t < 1.0
    assert not any(th.name == "leds-engine" for th in threading.enumerate())
