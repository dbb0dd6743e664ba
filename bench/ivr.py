"""Greeting and menu benchmarks on the running box: how soon a caller hears the greeting
after the box answers, and how soon a key in the menu rings the chosen desk phone.

    .venv/bin/python -m bench.ivr [--calls 30] [--write docs/benchmarks.md]

Starts the real box (`switchboard run --board sim`, with the PSTN emulator) with an
office whose plan greets (the owner's prompt `hello`, spoken by espeak-ng), then offers
a menu (2: support, desk phone 803 on fxs2). Per call, on the emulator's one monotonic
clock:

1. answer -> first greeting audio: the call's `active` event (the box's answer reached
   the network) to the moment the greeting's first sample reached the caller, found by
   prompt_match in the caller's recording (the file's own start, so the greeting's
   leading silence does not count as delay).
2. digit -> action: the caller's DTMF "2" starting (sent while the menu's prompt
   plays) to fxs2's ringer going on: detection of the digit (in-band and the modem's
   report), the menu's choice, routing and the desk phone's ring.

With --write, the results replace the "ivr" section of the given markdown.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.calls import status, summary
from bench.report import add_load_options, load_note, write_section
from hil_tests.boxrig import REPO, BoxProcess
from hil_tests.calls_rig import CALLER, SIM, box_with, office
from hil_tests.prompt_match import MATCH_SCORE, find_prompt
from hil_tests.pstn.testing import wait_for

GREETING = "您好，欢迎致电。"


def ivr_office() -> dict:
    config = office(members=("801",), ring_time=10)
    config["schema_version"] = 2
    config["ring_groups"].append({"name": "support", "members": ["803"], "ring_time": 10,
                                  "total_ring_time": 10})
    config["prompts"] = {"language": "zh", "greeting_open": "hello"}
    config["plans"] = [{"name": "front", "steps": [
        {"id": "hello", "do": "greeting", "on": {"next": "main"}},
        {"id": "main", "do": "menu", "on": {"timeout": "reception"},
         "menu": {"prompt": "menu_timeout", "timeout_s": 10,
                  "choices": [{"digit": "2", "to": "support"}]}},
        {"id": "support", "do": "ring_group:support"},
        {"id": "reception", "do": "ring_group:desk"}]}]
    config["routes"] = [{"name": "front door", "to": "plan:front"}]
    return config


def speak_greeting(data: Path) -> Path:
    data.mkdir(parents=True, exist_ok=True)
    done = subprocess.run([sys.executable, "-m", "firmware.cli", "prompts", "speak", "hello",
                           GREETING, "--lang", "zh", "--data", str(data)], cwd=REPO,
                          capture_output=True, text=True, timeout=120)
    if done.returncode != 0:
        sys.exit(f"cannot make the greeting: {done.stderr}")
    return data / "prompts" / "zh" / "hello.wav"


def one_call(box: BoxProcess, greeting: Path) -> tuple[float, float]:
    """(answer -> greeting audio, digit -> ringing) of one call, in seconds."""
    emu = box.emulator
    mark = emu.mark()
    call = emu.place_call(CALLER, SIM[0])
    active = emu.wait_event(lambda e: e["kind"] == "call" and e["id"] == call["id"]
                            and e["state"] == "active", since=mark, timeout=20)

    def heard():
        match = find_prompt(emu.call_recording(call["id"]), greeting)
        return match if match is not None and match.score >= MATCH_SCORE else None

    match = wait_for(heard, 20, interval=0.1, what="the greeting heard")
    time.sleep(max(0.0, match.t + match.duration_s + 0.3 - time.monotonic()))
    sent = emu.send_to_call(call["id"], dtmf="2")  # during the menu's prompt
    ring = emu.wait_event(lambda e: e["kind"] == "ringer" and e["port"] == "fxs2" and e["on"],
                          since=mark, timeout=20)
    emu.hangup(call["id"])
    wait_for(lambda: not (s := status(box))["calls"] and s["ports"]["fxs2"] == "idle", 20,
             interval=0.05, what="call over")
    return match.t - active["t"], ring["t"] - sent


def _row(what: str, s: dict) -> str:
    return (f"| {what} | {s['n']} | {s['p50_ms']} ms | {s['p99_ms']} ms | {s['min_ms']} ms "
            f"| {s['max_ms']} ms |")


def markdown(results: dict, args) -> str:
    rows = "\n".join([_row("answer -> first greeting audio", results["greeting"]),
                      _row("menu digit -> desk phone rings", results["digit"])])
    return f"""## Greeting and menu (bench/ivr.py)

`python -m bench.ivr --calls {args.calls}` ({results['when']}; {results['machine']};
{results['load']}). The real box on the simulated board, a GSM caller from the PSTN
emulator, one clock for both ends.

| measure | n | p50 | p99 | min | max |
|---|---|---|---|---|---|
{rows}

The digit's time runs from the moment the caller starts the key: the emulated modem
reports it (`^DDTMF`) as it starts, so this is the box's own part (the key merged with
its in-band copy, the menu's choice, routing, the ring command to the FXS port); a real
modem adds its own detection time.
"""


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--calls", type=int, default=30)
    ap.add_argument("--write", type=Path, help="markdown file to update")
    add_load_options(ap)
    args = ap.parse_args(argv)
    start_note = load_note(args)
    greet, digit = [], []
    with tempfile.TemporaryDirectory() as tmp:
        greeting = speak_greeting(Path(tmp) / "data")
        box = box_with(Path(tmp), ivr_office())
        try:
            for _ in range(args.calls):
                g, d = one_call(box, greeting)
                greet.append(g)
                digit.append(d)
        finally:
            box.stop()
    results = {"greeting": summary(greet), "digit": summary(digit),
               "when": time.strftime("%Y-%m-%d"),
               "load": f"{start_note}, {load_note(args, 'end')}",
               "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python "
                          f"{platform.python_version()}"}
    print(json.dumps(results, indent=2))
    if args.write:
        write_section(args.write, "ivr", markdown(results, args))
    return 0


if __name__ == "__main__":
    sys.exit(main())
