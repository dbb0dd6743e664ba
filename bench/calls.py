"""Call benchmarks on the running box: setup latency, audio latency, CPU and memory.

    .venv/bin/python -m bench.calls [--calls 200] [--tones 100] [--write docs/benchmarks.md]

Starts the real box (`switchboard run --board sim`, which starts the PSTN
emulator) with a one-group office config, then measures, from the emulator's
event log and its parties' monotonic timestamps (one clock for all processes):

1. Call setup latency added by the box: the modem's first `+CLIP` of a call
   (the box cannot know the caller before it) to the first desk phone's ringer
   going on. `--calls` calls, p50/p99.
2. One-way audio latency through the box, GSM -> FXS and FXS -> GSM: a tone
   burst injected at one end (the time its first sample reaches the box's
   device) to the start of the tone the other end detects. `--tones` bursts
   each way, p50/p99.
3. The box process's resident memory and CPU share, idle and during a call.

With --write, the results replace the "calls" section of the given markdown.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

from bench.report import write_section
from hil_tests.boxrig import BoxProcess
from hil_tests.calls_rig import CALLER, SIM, box_with, heard_tone, office
from hil_tests.pstn.testing import wait_for


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))]


def summary(values: list[float]) -> dict:
    ms = [v * 1000 for v in values]
    return {"n": len(ms), "p50_ms": round(percentile(ms, 50), 1),
            "p99_ms": round(percentile(ms, 99), 1), "min_ms": round(min(ms), 1),
            "max_ms": round(max(ms), 1), "mean_ms": round(statistics.fmean(ms), 1)}


def setup_latency(box: BoxProcess, calls: int) -> list[float]:
    emu = box.emulator
    out = []
    for i in range(calls):
        mark = emu.mark()
        call = emu.place_call(CALLER, SIM[0])
        ring = emu.wait_event(lambda e: e["kind"] == "ringer" and e["port"] == "fxs0"
                              and e["on"], since=mark, timeout=10)
        clip = next(e for e in emu.events(since=mark)["events"]
                    if e["kind"] == "at_tx" and e["line"].startswith("+CLIP"))
        out.append(ring["t"] - clip["t"])
        emu.hangup(call["id"])
        wait_for(lambda: not box.status()["calls"], 10, what=f"call {i} over")
        wait_for(lambda: box.status()["ports"]["fxs0"] == "idle", 10, what="fxs0 idle")
    return out


def _connected_call(box: BoxProcess) -> dict:
    emu = box.emulator
    emu.phone_auto_answer("fxs0", 0.2)
    call = emu.place_call(CALLER, SIM[0])
    wait_for(lambda: emu.call(call["id"])["state"] == "active", 20, what="call answered")
    return call


def audio_latency(box: BoxProcess, call: dict, tones: int) -> tuple[list[float], list[float]]:
    emu = box.emulator
    to_desk, to_caller = [], []
    for _ in range(tones):
        t = emu.send_to_call(call["id"], tone_hz=1000, ms=200)
        tone = wait_for(lambda: heard_tone(emu.phone_heard("fxs0"), 1000, t - 0.005), 10,  # noqa: B023
                        what="tone at the desk")
        to_desk.append(tone["t_start"] - t)
        t = emu.phone_send("fxs0", tone_hz=1400, ms=200)
        tone = wait_for(lambda: heard_tone(emu.call_heard(call["id"]), 1400, t - 0.005), 10,  # noqa: B023
                        what="tone at the caller")
        to_caller.append(tone["t_start"] - t)
        time.sleep(0.3)  # let the bursts' tails pass
    return to_desk, to_caller


def resources(pid: int, seconds: float) -> dict:
    """RSS now and the CPU share of process `pid` over `seconds`."""
    tick = os.sysconf("SC_CLK_TCK")

    def cpu() -> float:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / tick

    c0, t0 = cpu(), time.monotonic()
    deadline = t0 + seconds
    wait_for(lambda: time.monotonic() >= deadline, seconds + 5, interval=0.2)
    c1, t1 = cpu(), time.monotonic()
    rss = next(int(line.split()[1]) for line in Path(f"/proc/{pid}/status").read_text()
               .splitlines() if line.startswith("VmRSS:"))
    return {"rss_mib": round(rss / 1024, 1), "cpu_percent": round(100 * (c1 - c0) / (t1 - t0), 1)}


def markdown(results: dict) -> str:
    s, d, c = results["setup"], results["to_desk"], results["to_caller"]
    idle, busy = results["idle"], results["in_call"]
    return "\n".join([
        "## Calls through the box (`bench/calls.py`)",
        "",
        f"Command: `.venv/bin/python -m bench.calls --calls {s['n']} --tones {d['n']} "
        "--write docs/benchmarks.md`  ",
        f"Measured {results['when']} on {results['machine']}; the box on the `sim` board, "
        "the PSTN emulator in its own process, one monotonic clock for both.",
        "",
        "| what | n | p50 | p99 | min | max |",
        "|---|---|---|---|---|---|",
        f"| call setup: modem `+CLIP` -> first desk phone rings | {s['n']} | {s['p50_ms']} ms"
        f" | {s['p99_ms']} ms | {s['min_ms']} ms | {s['max_ms']} ms |",
        f"| audio GSM -> FXS (caller to desk phone) | {d['n']} | {d['p50_ms']} ms "
        f"| {d['p99_ms']} ms | {d['min_ms']} ms | {d['max_ms']} ms |",
        f"| audio FXS -> GSM (desk phone to caller) | {c['n']} | {c['p50_ms']} ms "
        f"| {c['p99_ms']} ms | {c['min_ms']} ms | {c['max_ms']} ms |",
        "",
        "| box process | RSS | CPU (one core = 100 %) |",
        "|---|---|---|",
        f"| idle ({results['window_s']} s) | {idle['rss_mib']} MiB | {idle['cpu_percent']} % |",
        f"| one call bridged GSM <-> FXS ({results['window_s']} s) | {busy['rss_mib']} MiB "
        f"| {busy['cpu_percent']} % |",
        "",
        "Audio path and its buffers: 20 ms frames (320 bytes, 8 kHz s16le) everywhere; "
        "no jitter buffer on GSM or analog legs (pjsua2's jitter buffer applies to SIP "
        "only); a port whose device once delivered a frame too late for its tick keeps one "
        "frame (20 ms) of cushion from then on, given back after 60 s unused "
        "(firmware/media/ports.py). The audio latency includes the emulator's own device "
        "model on both sides "
        "(the modem's 20 ms audio tick, the desk phone's earpiece playout) and the "
        "analysers' 20 ms frame resolution, so it is an upper bound of what the box adds. "
        f"The limit the issue sets is one 20 ms frame: at p50 these end-to-end figures are "
        f"{d['p50_ms'] - 20:.1f} ms (GSM -> FXS) and {c['p50_ms'] - 20:.1f} ms (FXS -> GSM) "
        "over it. The box's own share, its conference bridge between two paced devices, "
        "is measured apart by `bench/audio_bridge.py` (next section).",
    ])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--calls", type=int, default=200)
    ap.add_argument("--tones", type=int, default=100)
    ap.add_argument("--window", type=float, default=10.0, help="seconds per CPU sample")
    ap.add_argument("--write", type=Path, help="markdown file to update")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        box = box_with(Path(tmp), office(members=("801", "802"), ring_time=5))
        try:
            results = {"window_s": args.window, "idle": resources(box.proc.pid, args.window)}
            results["setup"] = summary(setup_latency(box, args.calls))
            call = _connected_call(box)
            results["in_call"] = resources(box.proc.pid, args.window)
            to_desk, to_caller = audio_latency(box, call, args.tones)
            results["to_desk"], results["to_caller"] = summary(to_desk), summary(to_caller)
        finally:
            box.stop()
    results["when"] = time.strftime("%Y-%m-%d")
    results["machine"] = f"{platform.machine()}, {os.cpu_count()} cores, Python " \
                         f"{platform.python_version()}"
    print(json.dumps(results, indent=2))
    if args.write:
        write_section(args.write, "calls", markdown(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
