"""`python -m hil_tests.pstn --rundir DIR [--port N] [--shape SHAPE]` (sim, sim-2gsm,
sim-analog, sim-mixed, sim-v253)

Runs the PSTN emulator until SIGTERM or SIGINT, then removes what it put in
RUNDIR. Prints `PSTN emulator control: http://127.0.0.1:PORT` once
RUNDIR/emulator.json is written. Timing options set the initial values of what
POST /config changes later.
"""

from __future__ import annotations

import argparse
import contextlib
import signal
import sys
import time

from hil_tests.pstn.emulator import SHAPES, Emulator

TIMINGS = {
    "latency_s": "per-command latency of the modems (s)",
    "ring_period_s": "RING/+CLIP period of an incoming call (s)",
    "reset_down_s": "how long a reset modem is gone (s)",
    "register_s": "network search time after power-up or PIN entry (s)",
    "boot_urc_s": "delay of the boot URCs after power-up (s)",
    "ss_delay_s": "network round trip of AT+CCFC (s)",
    "sms_delay_s": "network time to send an SMS (s)",
    "setup_s": "network time from ATD to alerting/busy (s)",
    "no_answer_s": "release of an unanswered call the box made (s)",
    "ring_timeout_s": "release of an unanswered call into the box (s)",
}
NET_TIMINGS = ("setup_s", "no_answer_s", "ring_timeout_s")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m hil_tests.pstn", description=__doc__.split("\n")[0])
    p.add_argument("--rundir", required=True, help="run directory shared with the box")
    p.add_argument("--port", type=int, default=0, help="control port (0 = a free one)")
    p.add_argument("--shape", choices=sorted(SHAPES), default="sim")
    p.add_argument("--no-events-file", action="store_true",
                   help="do not write RUNDIR/events.jsonl")
    for name, help_text in TIMINGS.items():
        p.add_argument("--" + name.replace("_", "-"), type=float, dest=name, help=help_text)
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    given = {k: getattr(args, k) for k in TIMINGS if getattr(args, k) is not None}
    emu = Emulator(args.rundir, args.shape, args.port,
                   net_config={k: v for k, v in given.items() if k in NET_TIMINGS},
                   modem_config={k: v for k, v in given.items() if k not in NET_TIMINGS},
                   events_file=not args.no_events_file)
    # The handler only notes the signal: setting a threading.Event from a handler can
    # deadlock on the Event's own lock when a second signal lands inside the first set().
    signals: list[int] = []
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda signum, _frame: signals.append(signum))
    try:
        emu.start()
    except Exception as e:
        print(f"PSTN emulator failed to start: {e}", file=sys.stderr)
        with contextlib.suppress(Exception):
            emu.stop()
        return 1
    print(f"PSTN emulator control: {emu.url}", flush=True)
    try:
        while not signals:
            time.sleep(0.2)
    finally:
        emu.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
