"""Call recording benchmarks: the audio delay recording adds, and its CPU cost.

    .venv/bin/python -m bench.recording [--audio-calls 20] [--tones 3] [--window 10]
                                        [--encode-s 60] [--write docs/benchmarks.md]

Runs the real box (`switchboard run --board sim` with the PSTN emulator) twice with the
same one-group office: once with no recording rule, once with `"rules": ["all"]` (MP3).
In each it measures, as bench/calls.py does:

1. One-way audio latency GSM -> FXS and FXS -> GSM: `--audio-calls` calls, `--tones`
   tone bursts each way per call, the distribution of the per-call medians (each call
   has its own phase between the modem's, the bridge's and the desk phone's clocks).
   Recording must add nothing here: the bridge only hands the mixed frame over.
2. The box process's CPU share during one bridged call (`--window` seconds): the
   difference is the CPU of recording one call (the bridge's mix into the recorder,
   the writer thread).

Then it times the encoders alone on `--encode-s` seconds of 8 kHz speech-like audio,
run as the box runs them (`nice -n 19`, firmware/recordings/encode.py): CPU seconds
(user + system of the child) per minute of call, and the file sizes.

With --write, the results replace the "recording" section of the given markdown.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
import wave
from pathlib import Path

from bench.calls import _connected_call, audio_latency, resources, status, summary90
from bench.report import add_load_options, load_note, write_section
from firmware.recordings.encode import encoder_tool, niced
from hil_tests.calls_rig import box_with, office
from hil_tests.pstn.testing import wait_for


def _office(record: bool) -> dict:
    config = office(members=("801", "802"), ring_time=5)
    if record:
        config["schema_version"] = 2
        config["recording"] = {"rules": ["all"], "format": "mp3"}
    return config


def run_box(record: bool, args: argparse.Namespace) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        box = box_with(Path(tmp), _office(record))
        try:
            call = _connected_call(box)
            wait_for(lambda: status(box)["calls"] and status(box)["calls"][0]["state"]
                     == "talking", 10, what="talking")
            cpu = resources(box.proc.pid, args.window)
            box.emulator.hangup(call["id"])
            box.emulator.phone_hook("fxs0", "on")
            wait_for(lambda: not status(box)["calls"], 10, what="call over")
            medians = audio_latency(box, args.audio_calls, args.tones)
            kept = (status(box).get("recording") or {}).get("active")
        finally:
            box.stop()
        recordings = list((Path(tmp) / "data" / "recordings").glob("*/*.*"))
    return {"cpu": cpu, "to_desk": summary90(medians["to_desk"]),
            "to_caller": summary90(medians["to_caller"]), "files": len(recordings),
            "active_at_end": kept}


def speechlike_wav(path: Path, seconds: float) -> None:
    """A tone that glides and pulses like a voice (what an encoder works hardest on
    is not silence)."""
    rate, frames = 8000, []
    for i in range(int(rate * seconds)):
        t = i / rate
        hz = 180 + 120 * math.sin(2 * math.pi * 0.7 * t)
        env = 0.5 + 0.5 * math.sin(2 * math.pi * 3 * t)
        value = 6000 * env * (math.sin(2 * math.pi * hz * t)
                              + 0.4 * math.sin(2 * math.pi * 3.1 * hz * t))
        frames.append(int(value).to_bytes(2, "little", signed=True))
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(b"".join(frames))


def encode_cost(seconds: float) -> dict[str, dict]:
    out = {}
    with tempfile.TemporaryDirectory() as tmp:
        wav = Path(tmp) / "call.wav"
        speechlike_wav(wav, seconds)
        out["wav"] = {"kib": round(wav.stat().st_size / 1024, 1), "cpu_s_per_min": 0.0}
        for fmt in ("mp3", "opus"):
            target = wav.with_suffix(f".{fmt}")
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            t0 = time.monotonic()
            subprocess.run(niced(encoder_tool(fmt, wav, target)), check=True, timeout=600)
            wall = time.monotonic() - t0
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
            out[fmt] = {"kib": round(target.stat().st_size / 1024, 1),
                        "cpu_s_per_min": round(cpu * 60 / seconds, 3),
                        "wall_s": round(wall, 2)}
    return out


def row(label: str, r: dict) -> str:
    return (f"| {label} | {r['n']} | {r['p50_ms']} ms | {r['p90_ms']} ms | {r['p99_ms']} ms "
            f"| {r['min_ms']} ms | {r['max_ms']} ms |")


def markdown(results: dict, args: argparse.Namespace) -> str:
    plain, rec, enc = results["plain"], results["recorded"], results["encode"]
    extra = round(rec["cpu"]["cpu_percent"] - plain["cpu"]["cpu_percent"], 1)
    return "\n".join([
        "## Call recording (`bench/recording.py`)",
        "",
        f"Command: `.venv/bin/python -m bench.recording --audio-calls {args.audio_calls} "
        f"--tones {args.tones} --window {args.window} --encode-s {args.encode_s} "
        "--write docs/benchmarks.md`  ",
        f"Measured {results['when']} on {results['machine']}, {results['load']}; the box on "
        "the `sim` board with the PSTN emulator, once with no recording rule and once "
        "recording every call as MP3.",
        "",
        "| one-way audio, per-call median | n | p50 | p90 | p99 | min | max |",
        "|---|---|---|---|---|---|---|",
        row("GSM -> FXS, not recorded", plain["to_desk"]),
        row("GSM -> FXS, recorded", rec["to_desk"]),
        row("FXS -> GSM, not recorded", plain["to_caller"]),
        row("FXS -> GSM, recorded", rec["to_caller"]),
        "",
        "| box process, one call bridged GSM <-> FXS | CPU (one core = 100 %) |",
        "|---|---|",
        f"| not recorded ({args.window} s) | {plain['cpu']['cpu_percent']} % |",
        f"| recorded ({args.window} s) | {rec['cpu']['cpu_percent']} % |",
        f"| recording one call (the difference) | {extra} % |",
        "",
        f"| encoding {args.encode_s:g} s of call audio (nice 19) | file | CPU per minute "
        "of call |",
        "|---|---|---|",
        f"| WAV, kept as recorded | {enc['wav']['kib']} KiB | 0 |",
        f"| MP3 16 kbit/s (sox + LAME) | {enc['mp3']['kib']} KiB "
        f"| {enc['mp3']['cpu_s_per_min']} s |",
        f"| Opus 12 kbit/s (opusenc) | {enc['opus']['kib']} KiB "
        f"| {enc['opus']['cpu_s_per_min']} s |",
        "",
        "Recording adds no buffering to the call's audio path: the bridge hands the mixed "
        "frame to the recorder in the same tick, the recorder only appends it to a deque "
        "on the clock thread, and the file is written by its own thread (docs/recording.md). "
        "The latency rows differ only by the spread between runs (each call draws its own "
        "clock phases). The encode runs after the call, one at a time, at the lowest "
        "priority, so a Pi's calls never wait for it.",
    ])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--audio-calls", type=int, default=20)
    ap.add_argument("--tones", type=int, default=3, help="bursts each way per audio call")
    ap.add_argument("--window", type=float, default=10.0, help="seconds per CPU sample")
    ap.add_argument("--encode-s", type=float, default=60.0, help="seconds of audio to encode")
    ap.add_argument("--write", type=Path, help="markdown file to update")
    add_load_options(ap)
    args = ap.parse_args(argv)
    start_note = load_note(args)
    results = {"plain": run_box(False, args), "recorded": run_box(True, args),
               "encode": encode_cost(args.encode_s)}
    results["when"] = time.strftime("%Y-%m-%d")
    results["load"] = f"{start_note}, {load_note(args, 'end')}"
    results["machine"] = f"{platform.machine()}, {os.cpu_count()} cores, Python " \
                         f"{platform.python_version()}"
    print(json.dumps(results, indent=2))
    if args.write:
        write_section(args.write, "recording", markdown(results, args))
    return 0


if __name__ == "__main__":
    sys.exit(main())
