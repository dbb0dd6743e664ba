"""The analog line through the box: ring to desk phone, audio, far-end disconnect.

    .venv/bin/python -m bench.analog_line [--calls 20] [--audio-calls 10] [--tones 5]
                                          [--hangups 10] [--write docs/benchmarks.md]

Starts the real box on `sim-analog` (the FXO port fxo0 on the emulator's telephone
exchange, four desk phones) with a one-group office on the analog line, and measures
from the emulator's event log and its parties' monotonic timestamps (one clock):

1. Ring to desk phone ringing: the exchange's first ring on fxo0 (`line_signal`
   ring_begin) to the desk phone's ringer going on; it includes what the line makes
   the box wait for (China: ring 1, then the FSK caller ID after it) and the box's
   own part after the caller ID ends (its decode and the call setup), shown apart.
2. One-way audio latency through the box, line -> desk phone and desk phone -> line,
   per-call medians of `--tones` bursts each way (as bench/calls.py for GSM).
3. Far-end disconnect detection per method (busy tone, polarity reversal, loop
   current drop): the exchange's disconnect signal (`line_disconnect`) to the box
   going on hook (`line_hook` on).

With --write, the results replace the "analog_line" section of the given markdown.
"""

from __future__ import annotations

import argparse
import platform
import tempfile
import time
from pathlib import Path

from bench.calls import resources, row, status, summary90, tone_medians
from bench.report import add_load_options, load_note, write_section
from hil_tests.calls_rig import ANALOG_LINE, CALLER, analog_office, box_with
from hil_tests.pstn.testing import wait_for

BELL202_BAUD = 1200.0
FSK_PREAMBLE_BITS = 300 + 180  # channel seizure + marks (docs/emulator.md)


def _idle(box, what: str) -> None:
    wait_for(lambda: not (s := status(box))["calls"] and s["ports"]["fxs0"] == "idle"
             and s["lines"]["fxo0"]["state"] == "idle", 15, interval=0.05, what=what)


def ring_to_desk(box, calls: int) -> tuple[list[float], list[float]]:
    """(first ring -> desk ringing, caller ID end -> desk ringing) per call."""
    emu = box.emulator
    total, after_cid = [], []
    for i in range(calls):
        mark = emu.mark()
        call = emu.place_call(CALLER, ANALOG_LINE)
        ring = emu.wait_event(lambda e: e["kind"] == "ringer" and e["port"] == "fxs0"
                              and e["on"], since=mark, timeout=20)
        events = emu.events(since=mark)["events"]
        first = next(e for e in events if e["kind"] == "line_signal"
                     and e.get("signal") == "ring_begin")
        cid = next(e for e in events if e["kind"] == "line_cid")
        cid_bits = FSK_PREAMBLE_BITS + 10 * (len(cid.get("message", "")) // 2)
        cid_end = cid["t_start"] + cid_bits / BELL202_BAUD
        total.append(ring["t"] - first["t"])
        after_cid.append(ring["t"] - cid_end)
        emu.hangup(call["id"])
        _idle(box, f"call {i} over")
    return total, after_cid


def _connected(box) -> dict:
    emu = box.emulator
    emu.phone_auto_answer("fxs0", 0.2)
    call = emu.place_call(CALLER, ANALOG_LINE)
    wait_for(lambda: emu.call(call["id"])["state"] == "active", 30, what="line answered")
    return call


def audio_latency(box, calls: int, tones: int) -> dict[str, list[float]]:
    emu = box.emulator
    medians: dict[str, list[float]] = {"to_desk": [], "to_line": []}
    for i in range(calls):
        call = _connected(box)
        to_desk, to_line = tone_medians(emu, call, "fxs0", tones)
        medians["to_desk"].append(to_desk)
        medians["to_line"].append(to_line)
        emu.hangup(call["id"])
        emu.phone_hook("fxs0", "on")
        _idle(box, f"audio call {i} over")
    return medians


def disconnect_times(tmp: Path, method: str, hangups: int) -> list[float]:
    """The far end hangs up `hangups` answered calls on a `method` line (the exchange's
    word), the box's line set to the same method."""
    box = box_with(tmp / method, analog_office(members=("801",), ring_time=30,
                                               disconnect=BOX_METHOD[method]), "sim-analog")
    try:
        return _hangups(box, method, hangups)
    finally:
        box.stop()


def _hangups(box, method: str, hangups: int) -> list[float]:
    emu = box.emulator
    emu.line_config("fxo0", disconnect=method)
    out = []
    for i in range(hangups):
        call = _connected(box)
        time.sleep(0.5)
        mark = emu.mark()
        emu.hangup(call["id"])
        gone = emu.wait_event("line_disconnect", since=mark, timeout=10)
        hook = emu.wait_event("line_hook", since=mark, timeout=15, hook="on")
        out.append(hook["t"] - gone["t"])
        emu.phone_hook("fxs0", "on")
        _idle(box, f"{method} call {i} over")
    return out


BOX_METHOD = {"busy_tone": "busy_tone", "polarity": "polarity", "loop_drop": "loop_current"}


def markdown(results: dict, args: argparse.Namespace) -> str:
    lines = [
        "## The analog line (`bench/analog_line.py`)",
        "",
        f"Command: `.venv/bin/python -m bench.analog_line --calls {args.calls} --audio-calls "
        f"{args.audio_calls} --tones {args.tones} --hangups {args.hangups} "
        "--write docs/benchmarks.md`  ",
        f"Measured {results['when']} on {results['machine']}, {results['load']}; the box on "
        "`sim-analog` (fxo0 on the emulator's exchange, China profile, FSK caller ID), one "
        "monotonic clock for the box and the emulator.",
        "",
        "| what | n | p50 | p90 | p99 | min | max |",
        "|---|---|---|---|---|---|---|",
        row("first ring on fxo0 -> desk phone rings (with caller ID)", results["ring"]),
        row("caller ID ends -> desk phone rings (the box's own part; the end is reckoned "
            "from the message's length, so about +-20 ms)", results["after_cid"]),
        row("audio line -> desk phone, per-call median", results["to_desk"]),
        row("audio desk phone -> line, per-call median", results["to_line"]),
    ]
    for method in BOX_METHOD:
        lines.append(row(f"far end hangs up -> box on hook, {method.replace('_', ' ')}",
                         results[method]))
    idle = results["idle"]
    lines += [
        "",
        f"Box process idle on sim-analog ({results['window_s']} s): {idle['rss_mib']} MiB RSS, "
        f"{idle['cpu_percent']} % of a core (the FXO driver's pump takes the line's 20 ms frames "
        "on the event loop even on hook, as a DAA port delivers them; it demodulates them only "
        "while caller ID can arrive; the GSM-only box's idle figure is in the calls section).",
        "",
        "Ring to desk phone: a Chinese exchange rings 1 s, then sends the FSK caller ID "
        "0.6 s after the ring ends (about 0.5 s of data), so about 2.1 s pass before any "
        "box can know the caller; the box rings the desk phones as soon as it has read the "
        "caller ID (or at ring 2 when the line sends none). Disconnect: busy tone needs "
        "the profile's cycles of 0.35 s on / 0.35 s off to be told from speech; a polarity "
        "reversal and a loop current drop are signalled at once but the loop-current "
        "method waits out the 0.3 s the exchange's own glitches last. The audio latency "
        "includes the emulator's line and desk phone models (20 ms frames each) like the "
        "GSM figures in the calls section.",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--calls", type=int, default=20)
    ap.add_argument("--audio-calls", type=int, default=10)
    ap.add_argument("--tones", type=int, default=5)
    ap.add_argument("--hangups", type=int, default=10, help="far-end hang-ups per method")
    ap.add_argument("--window", type=float, default=10.0, help="seconds per CPU sample")
    ap.add_argument("--write", type=Path, help="markdown file to update")
    add_load_options(ap)
    args = ap.parse_args(argv)
    start_note = load_note(args)
    results: dict = {"window_s": args.window}
    with tempfile.TemporaryDirectory() as tmp:
        box = box_with(Path(tmp) / "office", analog_office(members=("801",), ring_time=30),
                       "sim-analog")
        try:
            results["idle"] = resources(box.proc.pid, args.window)
            ring, after_cid = ring_to_desk(box, args.calls)
            results["ring"], results["after_cid"] = summary90(ring), summary90(after_cid)
            audio = audio_latency(box, args.audio_calls, args.tones)
            results["to_desk"] = summary90(audio["to_desk"])
            results["to_line"] = summary90(audio["to_line"])
        finally:
            box.stop()
        for method in BOX_METHOD:
            results[method] = summary90(disconnect_times(Path(tmp), method, args.hangups))
    results["when"] = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    results["machine"] = f"{platform.machine()} {platform.processor() or ''}".strip()
    results["load"] = start_note
    text = markdown(results, args)
    print(text)
    if args.write:
        write_section(args.write, "analog_line", text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
