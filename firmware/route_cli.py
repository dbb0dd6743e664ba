"""`switchboard route explain`: the plan a call would get, with the box stopped or running.

    switchboard route explain --line gsm0 --caller +8613588888888 --at 2026-11-23T09:00
    switchboard route explain --line gsm0 --caller +8613588888888 --json

It reads the stored config (`<data>/config.json`) and, when there are call records,
the usage of the month of --at for the caps (read-only, alongside a running box; only
that month's calls count), then runs the same pure routing the box runs for a real
call (`routing.answer.route_answer`). When the box runs on that data dir, it asks it
(control op "agents.state") for its agent state: who is unavailable (*62), where
rotating and percentage groups stand, who answered today, returning callers; nothing
is advanced. With no box it says it used a fresh state. A
time without an offset is read in the box's timezone; no --at: now. --caller
"withheld" (or none) asks about a withheld number.

Exit codes: 0 done; 1 the config cannot be read; 2 bad options.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from firmware import paths
from firmware.errors import ConfigError

OK, UNREADABLE, BAD_OPTION = 0, 1, 2
STATE_TIMEOUT_S = 3.0  # a box that does not answer by then: explain with a fresh state


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("route", help="explain which plan a call would get")
    parser.set_defaults(func=lambda args: (parser.print_usage(sys.stderr), BAD_OPTION)[1])
    sub = parser.add_subparsers(dest="route_command", metavar="{explain}")
    text = "print the plan a call would get, every rule tried, and the ring order"
    p = sub.add_parser("explain", help=text, description=text)
    p.add_argument("--line", required=True, help='the line the call comes in on ("gsm0")')
    p.add_argument("--caller", default=None, help='the caller\'s number; "withheld" or '
                   "none: a withheld number")
    p.add_argument("--at", default=None, metavar="ISO-TIME",
                   help="when (2026-11-23T09:00, in the box's timezone unless it has an "
                        "offset); default: now by the running box's clock, else the system's")
    p.add_argument("--lines", type=int, default=None, metavar="N",
                   help="usable outside lines (default: the GSM lines in the config)")
    p.add_argument("--json", action="store_true", help="the answer as JSON")
    paths.add_data_option(p)
    p.set_defaults(func=cmd_explain)


def cmd_explain(args: argparse.Namespace) -> int:
    from firmware.config.store import ConfigStore
    from firmware.routing.answer import route_answer

    data = args.data or paths.default_data_dir()
    try:
        store = ConfigStore(data)
        try:
            config = store.load()
        finally:
            store.close()
    except (ConfigError, OSError) as exc:
        print(f"switchboard: cannot read the config in {data}: {exc}", file=sys.stderr)
        return UNREADABLE
    line_names = [*config.lines.outside_names(), *(p.name for p in config.lines.fxs)]
    if args.line not in line_names:
        return _bad(f"--line {args.line!r}: the config has lines "
                    f"{', '.join(line_names) or 'none'}")
    if args.lines is not None and args.lines < 0:
        return _bad(f"--lines {args.lines}: a count of lines (0, 1, 2, ...)")
    zone = ZoneInfo(config.settings.timezone)
    try:
        at = _instant(args.at, zone, data)
    except ValueError as exc:
        return _bad(str(exc))
    caller = None if (args.caller or "").strip().lower() in ("", "withheld", "none") \
        else args.caller.strip()
    answer = route_answer(config, args.line, caller, at, args.lines, usage=_usage(data, at),
                          stats=_box_state(data, at))
    if args.json:
        doc = {"line": args.line, "caller": caller, "at": at.isoformat(), **answer.to_json()}
        print(json.dumps(doc, ensure_ascii=False, indent=2))
    else:
        print(answer.text())
    return OK


def _instant(text: str | None, zone: ZoneInfo, data: Path) -> datetime:
    if text is None:  # now by the box's clock, if one runs (a sim box's --clock)
        from firmware.service import box_clock_offset

        ahead = box_clock_offset(paths.control_socket(Path(data)))
        return (datetime.now(UTC) + ahead).astimezone(zone)
    try:
        at = datetime.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(f"--at {text!r} is not an ISO time (like 2026-11-23T09:00 or "
                         "2026-11-23T09:00+08:00)") from None
    return at.replace(tzinfo=zone) if at.tzinfo is None else at


def _usage(data: Path, at: datetime):
    """This month's usage from the records, read-only; None when there are none."""
    from firmware.calls.usage import month_usage
    from firmware.cdr.store import CdrStore, NoRecords, records_path

    try:
        store = CdrStore(records_path(data), readonly=True)
    except (NoRecords, OSError, Exception):
        return None
    try:
        return month_usage(store, at)
    finally:
        store.close()


def _box_state(data: Path, at: datetime):
    """The running box's agent state (who is unavailable, rotation and percentage
    positions, returning callers), read without changing it; None: no box answers."""
    from firmware.control import control_request
    from firmware.errors import ControlError
    from firmware.routing.stats import BadStats, stats_from_json

    try:
        reply = control_request(paths.control_socket(Path(data)), "agents.state",
                                {"at": at.isoformat()}, timeout=STATE_TIMEOUT_S)
        return stats_from_json(reply["stats"])
    except (ControlError, BadStats, KeyError, TypeError):
        return None


def _bad(message: str) -> int:
    print(f"switchboard route explain: {message}", file=sys.stderr)
    return BAD_OPTION
