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

    .venv/bin/python bench/analog_dsp.py [--repeat 3] [--cases 40] [--write docs/benchmarks.md]

It also gives two signal-time figures: far-end hang-up (busy tone begins)
to disconnect known, over random busy tones, and ring 1 to the call being
offered with its caller ID, per caller-ID method.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import sys
import time
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.report import add_load_options, load_note, write_section
from firmware.lines.analog_profiles import CN, US
from firmware.lines.callerid import caller_id_audio
from firmware.lines.cid_decode import DtmfCallerIdReceiver, FskCallerIdReceiver
from firmware.lines.disconnect import BusyDisconnect
from firmware.lines.dsp import DtmfDetector
from firmware.lines.fxo_incoming import FxoIncoming, Offer
from firmware.lines.progress import CallProgress
from firmware.lines.ring_cadence import RingCadence
from hil_tests.pstn.dsp import dtmf_tones
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


def busy_latency(prof, cases: int, seed: int = 1) -> list[float]:
    """Far end hangs up (busy tone starts, at any phase, level and noise) -> disconnect known."""
    rng = random.Random(seed)
    out = []
    for _ in range(cases):
        level = rng.uniform(-35, -5)
        amp = sig.amplitude(level) / len(prof.busy.freqs) ** 0.5
        tone = sig.cadence([(hz, amp) for hz in prof.busy.freqs], prof.busy.cadence, 4.0,
                           skip=rng.uniform(0, prof.busy.period_s))
        line = sig.mix(sig.silence(0.5) + tone, sig.noise(4.5, level - 20, rng))
        detector = BusyDisconnect(prof)
        for frame, t in sig.frames(sig.pcm(line), 0.0):
            found = detector.feed(frame, t)
            if found is not None:
                out.append(found.t_detected - 0.5)
                break
    return sorted(out)


def offer_latency() -> list[tuple[str, float]]:
    """Ring 1 begins -> the call is offered to the box, per caller-ID method."""
    fsk = caller_id_audio(datetime(2024, 5, 1, 8, 30), "13812345678", "北京分公司")
    dtmf = dtmf_tones("A13812345678C", 70, 70, amplitude=4000)
    rows = []
    for what, prof, audio, at in (
            ("cn, FSK MDMF with a name after ring 1 (0.6 s after it)", CN, fsk, 2.1),
            ("cn, DTMF before ring 1", CN, dtmf, -1.9),
            ("cn, no caller ID (offered at ring 2)", CN, b"", 0.0),
            ("us, Bell 202 MDMF after ring 1 (0.6 s after it)", US, fsk, 3.1)):
        incoming = FxoIncoming(prof)
        line = bytearray(2 * 8000 * 12)
        start = 2 * round((at + 2.5) * 8000)
        line[start:start + len(audio)] = audio
        offered = None
        for frame, t in sig.frames(bytes(line), -2.5):
            if t == 0.0:
                incoming.ring_edge(True, 0.0)
            if t == round(prof.ring.on_s, 2):
                incoming.ring_edge(False, t)
            if t == round(prof.ring.on_s + prof.ring.off_s, 2):
                incoming.ring_edge(True, t)
            events = incoming.frame(frame, t)
            if offered is None and any(isinstance(e, Offer) for e in events):
                offered = next(e for e in events if isinstance(e, Offer)).t
        rows.append((what, offered))
    return rows


def latency_table(cases: int) -> str:
    lines = ["| far end hangs up -> busy-tone disconnect known | cases | p50 | max |",
             "|---|---|---|---|"]
    for prof in (CN, US):
        times = busy_latency(prof, cases)
        lines.append(f"| {prof.name} ({prof.busy_cycles} cycles of {prof.busy.cadence[0]} s / "
                     f"{prof.busy.cadence[1]} s) | {len(times)} | {times[len(times) // 2]:.2f} s "
                     f"| {times[-1]:.2f} s |")
    lines += ["", "| ring 1 begins -> call offered with its caller ID | after |", "|---|---|"]
    lines += [f"| {what} | {t:.2f} s |" for what, t in offer_latency()]
    return "\n".join(lines)


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
    parser.add_argument("--cases", type=int, default=40, help="random busy tones per profile")
    parser.add_argument("--write", type=Path, help="put the section into this markdown file")
    add_load_options(parser)
    args = parser.parse_args()
    start = load_note(args)
    rows = measure(args.repeat)
    ring_us = ring_poll_us()
    text = table(rows, ring_us) + "\n\n" + latency_table(args.cases)
    print(text)
    load = f"{start}, {load_note(args, 'end')}"
    print(load)
    if args.write:
        write_section(args.write, "analog_dsp", report(text, load))


def report(text: str, load: str) -> str:
    return (
        "## The analog line's signal processing, CPU per frame (`bench/analog_dsp.py`)\n\n"
        "Command: `.venv/bin/python bench/analog_dsp.py --repeat 3 --cases 40 --write "
        "docs/benchmarks.md`"
        f"  \nMeasured {datetime.now():%Y-%m-%d} on {platform.machine()}, "
        f"{os.cpu_count()} cores, Python {platform.python_version()}, one core, {load}. "
        "Each row is "
        "one detector's `feed()` of one 20 ms frame (8 kHz s16le) on the audio named; a 20 ms "
        "frame is 20,000 µs of real time, per line.\n\n"
        f"{text}\n\n"
        "The second and third tables are in signal time (the detectors' own timestamps), not "
        "CPU: the busy tone starts at a random point of its cadence, -35 to -5 dBm0, noise 20 "
        "dB under it; a first on time cut too short does not count, so the worst case waits "
        "for the next one. Ring 1 and 2 follow the profile's cadence.\n\n"
        "What runs when, per analog line: on hook, the DTMF caller-ID receiver before ring 1 "
        "and the FSK receiver from ring 1's end until the caller ID is read (a few seconds "
        "per call); while dialling out, call progress; during a call on a busy-tone line, the "
        "busy-tone disconnect detector on every received frame, next to the DTMF detector "
        "the call core already runs. Not measured on a Raspberry Pi yet."
    )


if __name__ == "__main__":
    main()
