"""Hold queue benchmarks: how many queued callers with music the box carries, and how
soon a queued caller hears the music after the box answers.

    .venv/bin/python -m bench.queue [--step 8] [--max 240] [--seconds 5] [--calls 5]
                                    [--write docs/benchmarks.md]

1. Callers on hold: the real media engine (pjsua2 conference bridge at 8 kHz) in this
   process with N line ports (`PacedDevice`s: a thread each, 20 ms clock, like the
   modem's audio), each playing the bundled `music` prompt looping through
   `Audio.play(..., loop=True)` as the queue does. N grows by `--step` until the engine
   refuses (the queue's admission: `MediaEngine.free_ports()` minus the queue's
   reserve) or the audio breaks: a port that got fewer than 98 % of its frames in the
   window, or a gap over 60 ms between two frames written to it. Each step reports the
   frames delivered, the worst gap and the process's CPU share.
2. Answer to first music: the real box (`switchboard run`, sim board, the PSTN
   emulator) with a queue whose member is busy and no entry prompt or announcement;
   `--calls` calls; the emulator's answer time of each call to the start of the first
   speech-like audio or tone the caller hears (`heard`: the music).

With --write, the results replace the "queue" section of the given markdown. Like every
benchmark it refuses a busy machine (load average over 1.0) unless --allow-loaded.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import statistics
import sys
import tempfile
import time
from pathlib import Path

from bench.report import add_load_options, load_note, write_section
from firmware.calls import queue_call
from firmware.calls.bridge import Audio
from firmware.media.engine import MediaEngine
from firmware.media.testing import FRAME_S, PacedDevice
from firmware.prompts.library import PromptLibrary
from firmware.prompts.store import PromptStore

MIN_SHARE = 0.98  # of the frames due in the window
MAX_GAP_S = 0.06


class _Leg:
    """What Audio.play needs of a leg: a name and its bridge slot."""

    def __init__(self, name: str, slot: object):
        self.name, self.slot = name, slot


async def _hold(engine: MediaEngine, audio: Audio, count: int, seconds: float
                ) -> dict[str, float]:
    devices = [PacedDevice(f"hold{i}", phase=(i % 50) * FRAME_S / 50).start()
               for i in range(count)]
    legs = [_Leg(d.name, engine.attach(d.name, d)) for d in devices]
    plays = [asyncio.ensure_future(audio.play(leg, ["music"], "zh", loop=True))
             for leg in legs]
    await asyncio.sleep(1.0)  # settle
    t0, cpu0 = time.monotonic(), time.process_time()
    marks = [len(d.written) for d in devices]
    await asyncio.sleep(seconds)
    t1, cpu1 = time.monotonic(), time.process_time()
    shares, gaps = [], []
    for device, mark in zip(devices, marks, strict=True):
        stamps = [s.t for s in device.written[mark:] if t0 <= s.t <= t1]
        shares.append(len(stamps) / ((t1 - t0) / FRAME_S))
        gaps.append(max((b - a for a, b in itertools.pairwise(stamps)), default=seconds))
    for play in plays:
        play.cancel()
    await asyncio.gather(*plays, return_exceptions=True)
    for leg in legs:
        engine.detach(leg.slot)
    for device in devices:
        device.stop()
    await engine.settled()
    return {"callers": count, "min_share": min(shares), "worst_gap_ms": max(gaps) * 1000,
            "cpu": (cpu1 - cpu0) / (t1 - t0)}


async def carried(step: int, most: int, seconds: float) -> dict:
    """Grow the hold until the engine refuses or the audio breaks (module docstring)."""
    engine = MediaEngine(name="bench-queue")
    await engine.start()
    audio = Audio(engine, lambda port, digit: None)
    audio.prompts = PromptLibrary(PromptStore(Path(tempfile.mkdtemp())))
    rows: list[dict[str, float]] = []
    stop = "the --max limit"
    try:
        count = step
        while count <= most:
            room = (engine.free_ports() - queue_call.RESERVE_PORTS) // 2  # line + player
            if room < count:
                stop = f"the engine: room for {room} callers with music (free ports)"
                break
            row = await _hold(engine, audio, count, seconds)
            rows.append(row)
            print(f"{count:4d} callers: {row['min_share']:.1%} frames, worst gap "
                  f"{row['worst_gap_ms']:.0f} ms, CPU {row['cpu']:.0%}", file=sys.stderr)
            if row["min_share"] < MIN_SHARE or row["worst_gap_ms"] > MAX_GAP_S * 1000:
                stop = f"the audio broke at {count} callers"
                break
            count += step
    finally:
        await engine.stop()
    good = [r for r in rows if r["min_share"] >= MIN_SHARE
            and r["worst_gap_ms"] <= MAX_GAP_S * 1000]
    return {"rows": rows, "stop": stop, "carried": good[-1]["callers"] if good else 0}


def answer_to_music(calls: int) -> list[float]:
    """Seconds from the answer to the first music the caller hears, per call."""
    from hil_tests.calls_rig import CALLER, SIM, box_with, office
    from hil_tests.pstn.testing import wait_for

    config = office(members=("801",), forward_chain=())
    config["schema_version"] = 2
    config["plans"] = [{"name": "hold", "steps": [
        {"id": "q", "do": "queue", "queue": {"group": "desk", "entry_prompt": None,
                                             "announce_every_s": 0, "max_wait_s": 600}}]}]
    config["routes"] = [{"name": "all", "to": "plan:hold"}]
    out = []
    with tempfile.TemporaryDirectory() as tmp:
        box = box_with(Path(tmp), config)
        try:
            emu = box.emulator
            emu.phone_hook("fxs0", "off")  # the only member is busy: the caller holds
            for _ in range(calls):
                call = emu.place_call(CALLER, SIM[0])
                answered = wait_for(lambda c=call: emu.call(c["id"])["t_answer"], 20,
                                    interval=0.05, what="the box answered")
                first = wait_for(lambda c=call, t=answered: _first_sound(emu, c, t), 20,
                                 interval=0.2, what="music heard")
                out.append(first - answered)
                emu.hangup(call["id"])
                wait_for(lambda: not box.status().get("calls"), 20, what="the call ended")
        finally:
            box.stop()
    return out


def _first_sound(emu: object, call: dict, after: float) -> float | None:
    """When the caller first heard anything after `after`: speech-like audio or a tone
    (the emulator hears the plucked notes of the music as either)."""
    heard = emu.call_heard(call["id"])  # type: ignore[attr-defined]
    starts = [s["t_start"] for key in ("speech", "tones") for s in heard.get(key) or []
              if s["t_start"] >= after - 0.05]
    return min(starts, default=None)


def markdown(hold: dict, music: list[float], args: argparse.Namespace, note: str) -> str:
    lines = ["## The hold queue (`bench/queue.py`)", "",
             f"`python -m bench.queue --step {args.step} --max {args.max} --seconds "
             f"{args.seconds} --calls {args.calls}`; {note}.", "",
             f"**Callers on hold with music carried: {hold['carried']}** (the run stopped: "
             f"{hold['stop']}; broken: under {MIN_SHARE:.0%} of a port's frames, or a gap "
             f"over {MAX_GAP_S * 1000:.0f} ms). Each caller: a line port with its own 20 ms "
             "clock thread (in this process: the bench's own load, which a modem's reader "
             "adds on the box too) and the looping `music` prompt through "
             "`Audio.play(loop=True)`. The bridge has 254 conference ports here; the queue "
             "admits callers while `free_ports()` leaves 4 spare (a caller holds its line's "
             "port and a player), so the engine itself would refuse at about 124.", "",
             "| callers | frames delivered (worst port) | worst gap | CPU (this process) |",
             "|---|---|---|---|"]
    lines += [f"| {r['callers']} | {r['min_share']:.1%} | {r['worst_gap_ms']:.0f} ms | "
              f"{r['cpu']:.0%} |" for r in hold["rows"]]
    if music:
        lines += ["", f"Answer to first music (emulator's answer to the first sound "
                      f"the caller hears, {len(music)} calls): median "
                      f"{statistics.median(music) * 1000:.0f} ms, worst "
                      f"{max(music) * 1000:.0f} ms."]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--step", type=int, default=8)
    ap.add_argument("--max", type=int, default=240)
    ap.add_argument("--seconds", type=float, default=5.0)
    ap.add_argument("--calls", type=int, default=5)
    ap.add_argument("--write", type=Path)
    add_load_options(ap)
    args = ap.parse_args(argv)
    note = load_note(args)
    hold = asyncio.run(carried(args.step, args.max, args.seconds))
    music = answer_to_music(args.calls) if args.calls else []
    note = f"{note}, {load_note(args, 'end')}"
    text = markdown(hold, music, args, note)
    print(text)
    if args.write:
        write_section(args.write, "queue", text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
