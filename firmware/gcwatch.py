"""Garbage collection that keeps out of the call's way, and a watch on its pauses.

CPython's collector stops the whole process (the event loop, and every audio thread
waiting for the GIL) while it walks the objects of a generation. The oldest
generation holds everything the box built at start (config, pjsua2 wrappers, number
data, imported modules), and walking it took 15-24 ms about once a minute: longer
than a 20 ms audio frame. So, once the box is up, `settle()` moves what exists into
the permanent generation (`gc.freeze()`: never walked again), and the oldest
generation is collected ten times more rarely than CPython's default. The youngest
keeps CPython's threshold: a pass over it walks every new object (about 0.3 us
each here), so 700 objects is a pass of ~0.2 ms while 20,000 was 9 ms, a stall on
the way to a ring (measured with bench/routing.py). Reference counting frees most
garbage at once anyway; the collector is only for cycles.

`watch()` times every collection (gc.callbacks: two calls per collection, a few
microseconds) so `switchboard`'s `media` control op and the benchmarks can show the
pause distribution on the box itself.
"""

from __future__ import annotations

import gc
import time
from collections import deque

# gen0 after this many new container objects (CPython's default: a short pass); gen1
# after 10 gen0 passes, gen2 after 100 gen1 passes (CPython: 10)
THRESHOLDS = (700, 10, 100)
KEEP = 2048  # pauses kept for the distribution

_pauses: deque[tuple[int, float]] = deque(maxlen=KEEP)  # (generation, seconds)
_started: list[float] = []
_count = [0, 0, 0]


def settle() -> None:
    """Collect once, freeze what survives, and set the box's thresholds."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*THRESHOLDS)


def _callback(phase: str, info: dict) -> None:
    if phase == "start":
        _started.append(time.perf_counter())
    elif _started:
        gen = info.get("generation", 2)
        _pauses.append((gen, time.perf_counter() - _started.pop()))
        _count[min(gen, 2)] += 1


def watch() -> None:
    if _callback not in gc.callbacks:
        gc.callbacks.append(_callback)


def summary() -> dict:
    """Collections by generation since `watch()`, and the recent pauses' spread (ms)."""
    pauses = sorted(seconds for _gen, seconds in _pauses)

    def pct(q: float) -> float:
        return round(pauses[min(len(pauses) - 1, int(q * len(pauses)))] * 1000, 3)

    spread = ({"p50_ms": pct(0.5), "p99_ms": pct(0.99), "max_ms": round(pauses[-1] * 1000, 3)}
              if pauses else {"p50_ms": 0.0, "p99_ms": 0.0, "max_ms": 0.0})
    return {"collections": list(_count), "frozen": gc.get_freeze_count(),
            "thresholds": list(gc.get_threshold()), "recent": len(pauses), **spread}
