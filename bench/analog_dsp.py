"""CPU per 20 ms frame of each analog-line detector (firmware/lines/*), as the FXO driver runs them.

Every detector is fed the audio it meets on a real line, frame by frame, and
each `feed()` is timed with perf_counter_ns: caller ID between the rings
(FSK carrier) and the quiet before them, call progress while an outbound
call rings and after it is answered, busy-tone disconnect during a whole
call (speech, both with and without the box's own audio as echo reference)
and on the busy tone itself, the DTMF detector for comparison, and the ring
cadence classifier per poll. Speech is espeak-ng's Mandarin (tests/lines/
signals.py). One process, one core; the figures include Python's call
overhead, which is what the box pays.

    .venv/bin/python bench/analog_dsp.py [--repeat 3] [--write docs/benchmarks.md]
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.report import write_section
from firmware.lines.analog_profiles import CN, US
from firmware.lines.callerid import caller_id_audio
from firmware.lines.cid_decode import DtmfCallerIdReceiver, FskCallerIdReceiver
from firmware.lines.disconnect import BusyDisconnect
from firmware.lines.dsp import DtmfDetector
from firmware.lines.progress import CallProgress
from firmware.lines.ring_cadence import RingCadence
from tests.lines import signals as sig

FRAME = 320


def timed(feed, audio: bytes, tx: bytes | None = None) -> list[float]:
    """Microseconds per feed() of each 20 ms frame of `audio`."""
    out = []
    for i in range(0, len(audio) - FRAME + 1, FRAME):
        t = 100.0 + i / 16000
        frame = audio[i:i + FRAME]
        if tx is None:
            start = time.perf_counter_ns()
            feed(frame, t)
        else:
            other = tx[i:i + FRAME] or bytes(FRAME)
            start = time.perf_counter_ns()
            feed(frame, t, other)
        out.append((time.perf_counter_ns() - start) / 1000)
    return out


def scenarios() -> list[tuple[str, object, bytes, bytes | None]]:
    """(what, a fresh detector's feed factory, rx audio, tx audio or None)."""
    fsk = caller_id_audio(datetime(2024, 5, 1, 8, 30), "13812345678", "北京分公司")
    speech = sig.pcm(sig.scaled_to(list(sig.speech("cmn", 50)), -15.0))
    speech_tx = sig.pcm(sig.scaled_to(list(sig.speech("en", 60)), -15.0))
    busy_cn = sig.pcm(sig.cadence([(450.0, 4000)], CN.busy.cadence, 10.0))
    ringback = sig.pcm(sig.cadence([(450.0, 4000)], CN.ringback.cadence, 10.0))
    ringback_us = sig.pcm(sig.cadence([(440.0, 3000), (480.0, 3000)], US.ringback.cadence, 12))
    quiet = sig.pcm(sig.noise(10.0, -60.0, __import__("random").Random(1)))
    return [
        ("FSK caller ID (cn: Bell 202 or V.23), carrier on", lambda: FskCallerIdReceiver(
            CN.fsk_modems).feed, fsk, None),
        ("FSK caller ID, quiet line between rings", lambda: FskCallerIdReceiver(
            CN.fsk_modems).feed, quiet, None),
        ("DTMF caller ID (before ring 1), quiet line", lambda: DtmfCallerIdReceiver().feed,
         quiet, None),
        ("call progress cn, ringback", lambda: CallProgress(CN, "progress").feed, ringback,
         None),
        ("call progress us, ringback", lambda: CallProgress(US, "progress").feed, ringback_us,
         None),
        ("call progress cn, answered (speech)", lambda: CallProgress(CN, "progress").feed,
         speech, None),
        ("busy disconnect cn, speech", lambda: BusyDisconnect(CN).feed, speech, None),
        ("busy disconnect cn, speech + box's audio as echo reference",
         lambda: BusyDisconnect(CN).feed, speech, speech_tx),
        ("busy disconnect us, speech", lambda: BusyDisconnect(US).feed, speech, None),
        ("busy disconnect cn, busy tone", lambda: BusyDisconnect(CN).feed, busy_cn, None),
        ("DTMF detector (for comparison), speech", lambda: DtmfDetector().feed, speech, None),
    ]


def ring_poll_us(polls: int = 20000) -> float:
    cadence = RingCadence(CN)
    start = time.perf_counter_ns()
    for k in range(polls):
        t = k * 0.02
        if k % 250 == 0:
            cadence.edge(True, t)
        elif k % 250 == 50:
            cadence.edge(False, t)
        cadence.poll(t)
    return (time.perf_counter_ns() - start) / 1000 / polls


def measure(repeat: int) -> list[dict]:
    rows = []
    for what, make, rx, tx in scenarios():
        times: list[float] = []
        for _ in range(repeat):
            times += timed(make(), rx, tx)
        times.sort()
        rows.append({"what": what, "frames": len(times), "mean": statistics.fmean(times),
                     "p50": times[len(times) // 2], "p99": times[int(len(times) * 0.99)],
                     "max": times[-1]})
    return rows


def table(rows: list[dict], ring_us: float) -> str:
    lines = ["| detector, audio | frames | mean | p50 | p99 | max |", "|---|---|---|---|---|---|"]
    for r in rows:
        lines.append(f"| {r['what']} | {r['frames']} | {r['mean']:.0f} µs | {r['p50']:.0f} µs "
                     f"| {r['p99']:.0f} µs | {r['max']:.0f} µs |")
    lines.append(f"| ring cadence, one poll (every 20 ms) | 20000 | {ring_us:.1f} µs | | | |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--write", type=Path, help="put the section into this markdown file")
    args = parser.parse_args()
    load = os.getloadavg()[0]
    rows = measure(args.repeat)
    ring_us = ring_poll_us()
    text = table(rows, ring_us)
    print(text)
    print(f"load average {load:.2f} -> {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
    if args.write:
        write_section(args.write, "analog_dsp", report(text, load))


def report(text: str, load: float) -> str:
    return (
        "## The analog line's signal processing, CPU per frame (`bench/analog_dsp.py`)\n\n"
        "Command: `.venv/bin/python bench/analog_dsp.py --repeat 3 --write docs/benchmarks.md`"
        f"  \nMeasured {datetime.now():%Y-%m-%d} on {platform.machine()}, "
        f"{os.cpu_count()} cores, Python {platform.python_version()}, one core, load average "
        f"{load:.2f} (a shared machine: p99 and max are mostly other processes). Each row is "
        "one detector's `feed()` of one 20 ms frame (8 kHz s16le) on the audio named; a 20 ms "
        "frame is 20,000 µs of real time, per line.\n\n"
        f"{text}\n\n"
        "What runs when, per analog line: on hook, the DTMF caller-ID receiver before ring 1 "
        "and the FSK receiver from ring 1's end until the caller ID is read (a few seconds "
        "per call); while dialling out, call progress; during a call on a busy-tone line, the "
        "busy-tone disconnect detector on every received frame, next to the DTMF detector "
        "the call core already runs. Not measured on a Raspberry Pi yet."
    )


if __name__ == "__main__":
    main()
