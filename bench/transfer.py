"""Blind transfer benchmark: from the last key of `*8 802 #` to the target ringing.

    .venv/bin/python -m bench.transfer [--calls 10] [--write docs/benchmarks.md]

The real box (`switchboard run`, sim board, the PSTN emulator): a caller's call is
answered by the desk phone fxs0, which keys `*8802#` in-band (the emulator's DTMF: 80 ms
tone, 80 ms pause per key); the time is from the start of the `#` tone (the key press)
to the first ring of fxs1 (its ringer on, as the emulator's phone hears it), both on the
emulator's clock. It includes the box's DTMF detection of the `#` (tens of ms of tone).
The box hears the digits in the audio, releases the agent, looks the target up and
rings it. Then fxs1 answers and the caller hangs up, `--calls` times.

With --write, the results replace the "transfer" section of the given markdown. Like
every benchmark it refuses a busy machine (load average over 1.0) unless --allow-loaded.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

from bench.report import add_load_options, load_note, write_section

KEYS = "*8802#"
KEY_S = 0.16  # one DTMF key of the emulator: 80 ms tone + 80 ms pause


def completion_times(calls: int) -> list[float]:
    """Seconds from the press of the last key to the target's first ring, per call."""
    from hil_tests.calls_rig import CALLER, SIM, box_with, office
    from hil_tests.pstn.testing import wait_for

    config = office(members=("801",), forward_chain=())
    out = []
    with tempfile.TemporaryDirectory() as tmp:
        box = box_with(Path(tmp), config)
        try:
            emu = box.emulator
            for _ in range(calls):
                emu.phone_auto_answer("fxs0", 0.2)
                call = emu.place_call(CALLER, SIM[0])
                wait_for(lambda c=call: emu.call(c["id"])["state"] == "active", 20,
                         interval=0.05, what="answered")
                wait_for(lambda: _hook(emu, "fxs0") == "off", 10, interval=0.05, what="fxs0")
                emu.phone_auto_answer("fxs0", None)
                t_keys = emu.phone_dial("fxs0", KEYS)
                last = t_keys + (len(KEYS) - 1) * KEY_S
                ring = wait_for(lambda t=last: _ring_on(emu, "fxs1", t), 20,
                                interval=0.02, what="fxs1 rings")
                out.append(ring - last)
                print(f"last key to ringing: {(ring - last) * 1000:.0f} ms", file=sys.stderr)
                emu.phone_hook("fxs0", "on")
                emu.phone_hook("fxs1", "off")
                emu.hangup(call["id"])
                emu.phone_hook("fxs1", "on")
                wait_for(lambda: not box.status().get("calls"), 20, what="the call ended")
        finally:
            box.stop()
    return out


def _hook(emu: object, port: str) -> str:
    return next(p["hook"] for p in emu.phones() if p["port"] == port)  # type: ignore[attr-defined]


def _ring_on(emu: object, port: str, after: float) -> float | None:
    edges = emu.phone_heard(port)["ringer"]  # type: ignore[attr-defined]
    return next((e["t"] for e in edges if e["on"] and e["t"] >= after), None)


def section(times: list[float], calls: int, note: str) -> str:
    ms = sorted(t * 1000 for t in times)
    p90 = ms[min(len(ms) - 1, round(0.9 * (len(ms) - 1)))]
    return "\n".join([
        "## Blind transfer (`bench/transfer.py`)", "",
        f"Command: `.venv/bin/python -m bench.transfer --calls {calls} --write "
        "docs/benchmarks.md`  ",
        f"Machine: {note}.", "",
        "From the press of the `#` of `*8 802 #` keyed in-band on a desk phone (the start "
        "of its 80 ms tone; the box detects the digits in the audio) to the first ring of "
        "extension 802, on the emulator's clock:", "",
        "| calls | median | p90 | worst |", "|---|---|---|---|",
        f"| {len(ms)} | {statistics.median(ms):.0f} ms | {p90:.0f} ms | {ms[-1]:.0f} ms |",
    ])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=10)
    parser.add_argument("--write", type=Path)
    add_load_options(parser)
    args = parser.parse_args(argv)
    note = load_note(args)
    times = completion_times(args.calls)
    body = section(times, args.calls, f"{note}, {load_note(args, 'end')}")
    print(body)
    if args.write:
        write_section(args.write, "transfer", body)
    return 0


if __name__ == "__main__":
    sys.exit(main())
