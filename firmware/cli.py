"""The `switchboard` command: run the box, manage its config, ask its status.

Every subcommand module contributes `register(subparsers)` and sets
`func(args) -> exit code` on its parser.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from firmware import paths


def _register_run(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("run", help="start the box")
    p.add_argument("--board", help="board name (sim, sim-2gsm, sim-3gsm, sim-analog, sim-mixed, "
                                   "sim-v253, pi-usbmodem, pi-gsm)")
    p.add_argument("--board-file", type=Path,
                   help="file holding the board name (the box: /etc/switchboard/board)")
    paths.add_data_option(p)
    p.add_argument("--emulator-port", type=int, default=0,
                   help="control port of the PSTN emulator started for a sim board (0: any free)")
    p.add_argument("--emulator-rundir", type=Path,
                   help="use the PSTN emulator already running in this directory")
    p.add_argument("--web", default="127.0.0.1:8080", metavar="HOST:PORT",
                   help="where the owner's web page listens")
    p.add_argument("--log-level", default="INFO")
    p.add_argument("--clock", metavar="ISO-TIME",
                   help="simulated boards only: run the box's wall clock from this time on "
                        "(2026-10-01T10:00, in the config's timezone unless it has an offset)")
    p.set_defaults(func=_run)


def _run(args: argparse.Namespace) -> int:
    from firmware import daemon

    return daemon.main(args)


def _register_status(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("status", help="what the running box says about its lines")
    paths.add_data_option(p)
    p.set_defaults(func=_status)


def _status(args: argparse.Namespace) -> int:
    from firmware.control import control_request
    from firmware.errors import ControlError

    data = args.data or paths.default_data_dir()
    try:
        status = control_request(paths.control_socket(data), "status", {})
    except ControlError as exc:
        print(f"switchboard: {exc}", file=sys.stderr)
        return 1
    print(json.dumps(status, indent=2, ensure_ascii=False))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="switchboard", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    _register_run(sub)
    _register_status(sub)
    from firmware.config import cli as config_cli

    config_cli.register(sub)
    from firmware.cdr import cli as records_cli
    records_cli.register(sub)
    from firmware import route_cli
    route_cli.register(sub)
    from firmware.notify import cli as notify_cli
    notify_cli.register(sub)
    from firmware import web_cli
    web_cli.register(sub)
    from firmware.prompts import cli as prompts_cli
    prompts_cli.register(sub)
    from firmware.voicemail import cli as voicemail_cli
    voicemail_cli.register(sub)
    from firmware.recordings import cli as recordings_cli  # call recording (T6)

    recordings_cli.register(sub)
    from firmware.calls import callbacks_cli  # the hold queue's callback list (issue 12)
    callbacks_cli.register(sub)
    from firmware import feature_codes_cli  # the codes desk phones key (issue 13)
    feature_codes_cli.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if getattr(args, "data", None) is None and "data" in vars(args):
        args.data = paths.default_data_dir()
    return int(args.func(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
