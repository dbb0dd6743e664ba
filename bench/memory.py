"""Memory of the box's processes, idle and with calls up, and what the box imports.

    .venv/bin/python -m bench.memory [--settle 10] [--write docs/benchmarks.md]

Starts the real box on the `sim-2gsm` board (two GSM modems, four desk phones; it
starts the PSTN emulator and the web page's process), waits `--settle` seconds,
then reads each process's RSS and PSS from /proc/PID/smaps_rollup: idle, and with
three calls up (two callers on the two GSM lines talking to desk phones fxs0 and
fxs1, and desk phone fxs2 calling extension 804 on fxs3). The emulator is not on
the Pi (it stands for the telco and the phones); the web page's process is.

Then the import-time profile of the box's modules (`python -X importtime`, the
modules `switchboard run` loads), its top entries by cumulative time, and the
garbage collector's pauses the box saw (the `media` control op, firmware/gcwatch.py).
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.report import add_load_options, load_note, write_section
from firmware.control import control_request
from firmware.paths import control_socket
from hil_tests.boxrig import REPO, BoxProcess
from hil_tests.calls_rig import CALLER, SIM, box_with, office
from hil_tests.pstn.testing import wait_for

BOX_MODULES = ("firmware.cli", "firmware.daemon", "firmware.box", "firmware.media",
               "firmware.control", "firmware.boxleds", "firmware.calls.controller",
               "firmware.calls.agents", "firmware.calls.forwarding", "firmware.cdr.store",
               "firmware.cdr.region", "firmware.config.cli")
SECOND_CALLER = "+8613688888888"


def smaps(pid: int) -> dict[str, float]:
    """RSS and PSS of `pid` in MiB."""
    out = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        key, _, rest = line.partition(":")
        if key in ("Rss", "Pss"):
            out[key.lower()] = int(rest.split()[0]) / 1024
    return out


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            if ppid == pid:
                found.append(int(entry.name))
    return found


def processes(box: BoxProcess) -> dict[str, int]:
    """The box, its web page's process and the emulator, by role."""
    roles = {"box": box.proc.pid}
    for child in children(box.proc.pid):
        cmd = Path(f"/proc/{child}/cmdline").read_bytes().replace(b"\0", b" ").decode()
        if "web_ui" in cmd:
            roles["web page"] = child
        elif "pstn" in cmd:
            roles["emulator"] = child
    return roles


def measure(box: BoxProcess) -> dict[str, dict[str, float]]:
    return {role: smaps(pid) for role, pid in processes(box).items()}


def three_calls(box: BoxProcess) -> None:
    emu = box.emulator
    for port in ("fxs0", "fxs1", "fxs3"):
        emu.phone_auto_answer(port, 0.3)
    first = emu.place_call(CALLER, SIM[0])
    wait_for(lambda: emu.call(first["id"])["state"] == "active", 20, what="call 1 up")
    second = emu.place_call(SECOND_CALLER, SIM[1])
    wait_for(lambda: emu.call(second["id"])["state"] == "active", 20, what="call 2 up")
    emu.phone_hook("fxs2", "off")
    time.sleep(0.5)
    emu.phone_dial("fxs2", "804")
    wait_for(lambda: len(box.status()["calls"]) >= 3
             and all(c["state"] == "talking" for c in box.status()["calls"]), 20,
             what="three calls talking")


def import_profile(top: int) -> tuple[float, list[tuple[float, str]]]:
    code = "; ".join(f"import {m}" for m in BOX_MODULES) + \
        "; from firmware import region; region.preload('CN')"
    done = subprocess.run([sys.executable, "-X", "importtime", "-c", code], cwd=REPO,
                          capture_output=True, text=True, check=True)
    rows = []
    for line in done.stderr.splitlines():
        m = re.match(r"import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)", line)
        if m:
            rows.append((int(m[2]) / 1000, len(m[3]), m[4]))
    total = sum(ms for ms, depth, _ in rows if depth == 1)
    tops = sorted(((ms, name) for ms, depth, name in rows if depth <= 3), reverse=True)
    return total, tops[:top]


def table(label: str, figures: dict[str, dict[str, float]]) -> list[str]:
    return [f"| {label} | {role} | {f['rss']:.1f} MiB | {f['pss']:.1f} MiB |"
            for role, f in figures.items()]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--settle", type=float, default=10.0)
    parser.add_argument("--top", type=int, default=12)
    parser.add_argument("--write", type=Path)
    add_load_options(parser)
    args = parser.parse_args(argv)
    start_note = load_note(args)
    with tempfile.TemporaryDirectory() as tmp:
        box = box_with(Path(tmp), office(lines=2, members=("801", "802")), board="sim-2gsm")
        try:
            time.sleep(args.settle)
            idle = measure(box)
            three_calls(box)
            time.sleep(args.settle)
            busy = measure(box)
            gc_seen = control_request(control_socket(box.data), "media", {}, timeout=10)["gc"]
        finally:
            box.stop()
    total_ms, tops = import_profile(args.top)
    load = f"{start_note}, {load_note(args, 'end')}"
    lines = [
        "## Memory of the box's processes (`bench/memory.py`)", "",
        "Command: `.venv/bin/python -m bench.memory --write docs/benchmarks.md`  ",
        f"Measured {time.strftime('%Y-%m-%d')} on {platform.machine()}, {os.cpu_count()} "
        f"cores, Python {platform.python_version()}, {load}. "
        "The box on the `sim-2gsm` board; RSS and PSS from /proc/PID/smaps_rollup after "
        f"{args.settle:.0f} s. The emulator is not on the Pi.", "",
        "| state | process | RSS | PSS |", "|---|---|---|---|",
        *table("idle", idle), *table("3 calls up", busy), "",
        "Garbage collection in the box during the run (firmware/gcwatch.py): "
        f"collections by generation {gc_seen.get('collections')}, pauses p50 "
        f"{gc_seen.get('p50_ms')} ms, p99 {gc_seen.get('p99_ms')} ms, max "
        f"{gc_seen.get('max_ms')} ms; {gc_seen.get('frozen')} objects frozen after start.", "",
        f"Import time of the box's modules: {total_ms:.0f} ms (`python -X importtime`, "
        "cumulative, top entries):", "",
        "| module | cumulative |", "|---|---|",
        *[f"| `{name}` | {ms:.1f} ms |" for ms, name in tops],
    ]
    text = "\n".join(lines)
    print(text)
    if args.write:
        write_section(args.write, "memory", text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
