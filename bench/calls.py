"""Call benchmarks on the running box: setup latency, audio latency, CPU and memory.

    .venv/bin/python -m bench.calls [--calls 200] [--routes 1000] [--audio-calls 50]
                                    [--tones 5] [--write docs/benchmarks.md]

Starts the real box (`switchboard run --board sim`, which starts the PSTN
emulator) with a one-group office config, then measures, from the emulator's
event log and its parties' monotonic timestamps (one clock for all processes):

1. Call setup latency added by the box: the modem's first `+CLIP` of a call
   (the box cannot know the caller before it) to the first desk phone's ringer
   going on. `--calls` calls, p50/p99; once with the office's config and once with
   `--routes` routes in front of it and a 1,000-entry blacklist (most callers
   match none, so the box tries them all: the worst case).
2. One-way audio latency through the box, GSM -> FXS and FXS -> GSM: a tone
   burst injected at one end (the time its first sample reaches the box's
   device) to the start of the tone the other end detects. Each call has its own
   phase between the three 20 ms clocks (the modem's, the bridge's, the desk
   phone's), so one call's bursts say little: `--audio-calls` calls, `--tones`
   bursts each way in each, and the distribution of the per-call medians.
3. The box process's resident memory and CPU share, idle and during a call.

The box's status is read over its control socket (no `switchboard` subprocess
in the timed loops).

With --write, the results replace the "calls" section of the given markdown.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

from bench.report import add_load_options, load_note, write_section
from bench.routing import AREA_CODES, CITIES, PROVINCES
from firmware.control import control_request
from firmware.paths import control_socket
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


def status(box: BoxProcess) -> dict:
    return control_request(control_socket(box.data), "status", {}, timeout=10)


def with_routes(config: dict, n: int, seed: int = 4) -> dict:
    """`config` with `n` routes in front (prefixes, provinces, cities, area codes,
    carriers, time rules; the benchmark's caller matches none) and a 1,000-entry
    blacklist, as bench/routing.py's big config."""
    rng = random.Random(seed)
    days = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
    rules = [{"name": f"t{i}", "weekly": {d: [f"{h:02d}:00-{(h + 3) % 24:02d}:30"]
                                          for d in days if rng.random() < 0.6
                                          for h in [rng.randrange(24)]}} for i in range(20)]
    routes = []
    for i in range(n):
        kind = i % 5
        callers = ({"numbers": [f"+8618{rng.randrange(10**4, 10**5)}*"]} if kind == 0 else
                   {"provinces": [rng.choice(PROVINCES)], "carriers": ["中国联通"]} if kind == 1
                   else {"cities": [rng.choice(CITIES[1:])]} if kind == 2 else  # not 杭州
                   {"area_codes": [rng.choice(AREA_CODES)]} if kind == 3 else
                   {"carriers": ["中国电信"], "numbers": ["+8699*"]})
        route = {"name": f"r{i}", "callers": callers, "to": "ring_group:desk"}
        if kind in (1, 2):
            route["when"] = f"t{rng.randrange(20)}"
        routes.append(route)
    return {**config, "time_rules": rules, "routes": routes, "blocking": {
        "blacklist": [f"+86170{rng.randrange(10**8):08d}" for _ in range(999)] + ["+86165*"]}}


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
        wait_for(lambda: not (s := status(box))["calls"] and s["ports"]["fxs0"] == "idle",
                 10, interval=0.02, what=f"call {i} over")
    return out


def _connected_call(box: BoxProcess) -> dict:
    emu = box.emulator
    emu.phone_auto_answer("fxs0", 0.2)
    call = emu.place_call(CALLER, SIM[0])
    wait_for(lambda: emu.call(call["id"])["state"] == "active", 20, what="call answered")
    return call


def tone_medians(emu, call: dict, port: str, tones: int) -> tuple[float, float]:
    """One connected call's median one-way latencies over `tones` bursts each way:
    (far party -> desk phone on `port`, desk phone -> far party)."""
    to_desk, to_far = [], []
    for _ in range(tones):
        t = emu.send_to_call(call["id"], tone_hz=1000, ms=200)
        tone = wait_for(lambda: heard_tone(emu.phone_heard(port), 1000, t - 0.005),  # noqa: B023
                        10, what="tone at the desk")
        to_desk.append(tone["t_start"] - t)
        t = emu.phone_send(port, tone_hz=1400, ms=200)
        tone = wait_for(lambda: heard_tone(emu.call_heard(call["id"]), 1400, t - 0.005),  # noqa: B023
                        10, what="tone at the far party")
        to_far.append(tone["t_start"] - t)
        time.sleep(0.3)  # let the bursts' tails pass
    return statistics.median(to_desk), statistics.median(to_far)


def audio_latency(box: BoxProcess, calls: int, tones: int) -> dict[str, list[float]]:
    """Per call, the median one-way latency of `tones` bursts each way."""
    emu = box.emulator
    medians: dict[str, list[float]] = {"to_desk": [], "to_caller": []}
    for i in range(calls):
        call = _connected_call(box)
        to_desk, to_caller = tone_medians(emu, call, "fxs0", tones)
        medians["to_desk"].append(to_desk)
        medians["to_caller"].append(to_caller)
        emu.hangup(call["id"])
        emu.phone_hook("fxs0", "on")
        wait_for(lambda: not (s := status(box))["calls"] and s["ports"]["fxs0"] == "idle",
                 10, interval=0.05, what=f"audio call {i} over")
    return medians


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


def row(label: str, r: dict) -> str:
    return (f"| {label} | {r['n']} | {r['p50_ms']} ms | {r['p90_ms']} ms | {r['p99_ms']} ms "
            f"| {r['min_ms']} ms | {r['max_ms']} ms |")


def markdown(results: dict, args: argparse.Namespace) -> str:
    d, c = results["to_desk"], results["to_caller"]
    idle, busy = results["idle"], results["in_call"]
    return "\n".join([
        "## Calls through the box (`bench/calls.py`)",
        "",
        f"Command: `.venv/bin/python -m bench.calls --calls {args.calls} --routes {args.routes} "
        f"--audio-calls {args.audio_calls} --tones {args.tones} --write docs/benchmarks.md`  ",
        f"Measured {results['when']} on {results['machine']}, {results['load']}; the box on "
        "the `sim` board, the PSTN emulator in its own process, one monotonic clock for both.",
        "",
        "| what | n | p50 | p90 | p99 | min | max |",
        "|---|---|---|---|---|---|---|",
        row("call setup: modem `+CLIP` -> first desk phone rings", results["setup"]),
        row(f"call setup with {args.routes:,} routes and a 1,000-entry blacklist",
            results["setup_routes"]),
        row("audio GSM -> FXS (caller to desk phone), per-call median", d),
        row("audio FXS -> GSM (desk phone to caller), per-call median", c),
        "",
        "| box process | RSS | CPU (one core = 100 %) |",
        "|---|---|---|",
        f"| idle ({results['window_s']} s) | {idle['rss_mib']} MiB | {idle['cpu_percent']} % |",
        f"| one call bridged GSM <-> FXS ({results['window_s']} s) | {busy['rss_mib']} MiB "
        f"| {busy['cpu_percent']} % |",
        "",
        "Audio: each call's median of its bursts, then the spread of those medians over the "
        "calls (each call draws its own phase between the modem's, the bridge's and the "
        "desk phone's 20 ms clocks, so that spread is the real one). Audio path and its "
        "buffers: 20 ms frames (320 bytes, 8 kHz s16le) everywhere; "
        "no jitter buffer on GSM or analog legs (pjsua2's jitter buffer applies to SIP "
        "only); a port whose device once delivered a frame too late for its tick keeps one "
        "frame (20 ms) of cushion from then on, given back after 60 s unused "
        "(firmware/media/ports.py). The audio latency includes the emulator's own device "
        "model on both sides "
        "(the modem's 20 ms audio tick, the desk phone's earpiece playout) and the "
        "analysers' 20 ms frame resolution, so it is an upper bound of what the box adds. "
        "The box's own share, its conference bridge between two paced devices, "
        "is measured apart by `bench/audio_bridge.py` (next section).",
    ])


def summary90(values: list[float]) -> dict:
    return {**summary(values), "p90_ms": round(percentile([v * 1000 for v in values], 90), 1)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--calls", type=int, default=200)
    ap.add_argument("--routes", type=int, default=1000)
    ap.add_argument("--audio-calls", type=int, default=50)
    ap.add_argument("--tones", type=int, default=5, help="bursts each way per audio call")
    ap.add_argument("--window", type=float, default=10.0, help="seconds per CPU sample")
    ap.add_argument("--write", type=Path, help="markdown file to update")
    add_load_options(ap)
    args = ap.parse_args(argv)
    start_note = load_note(args)
    config = office(members=("801", "802"), ring_time=5)
    results: dict = {"window_s": args.window}
    with tempfile.TemporaryDirectory() as tmp:
        box = box_with(Path(tmp), config)
        try:
            results["idle"] = resources(box.proc.pid, args.window)
            results["setup"] = summary90(setup_latency(box, args.calls))
            call = _connected_call(box)
            results["in_call"] = resources(box.proc.pid, args.window)
            box.emulator.hangup(call["id"])
            box.emulator.phone_hook("fxs0", "on")
            wait_for(lambda: not status(box)["calls"], 10, what="call over")
            medians = audio_latency(box, args.audio_calls, args.tones)
            results["to_desk"] = summary90(medians["to_desk"])
            results["to_caller"] = summary90(medians["to_caller"])
        finally:
            box.stop()
    with tempfile.TemporaryDirectory() as tmp:
        box = box_with(Path(tmp), with_routes(config, args.routes))
        try:
            results["setup_routes"] = summary90(setup_latency(box, args.calls))
        finally:
            box.stop()
    results["when"] = time.strftime("%Y-%m-%d")
    results["load"] = f"{start_note}, {load_note(args, 'end')}"
    results["machine"] = f"{platform.machine()}, {os.cpu_count()} cores, Python " \
                         f"{platform.python_version()}"
    print(json.dumps(results, indent=2))
    if args.write:
        write_section(args.write, "calls", markdown(results, args))
    return 0


if __name__ == "__main__":
    sys.exit(main())
