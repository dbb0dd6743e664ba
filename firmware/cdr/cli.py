"""`switchboard records`: print the call records, as a table or as JSON for scripts.

`register(subparsers)` adds the command to the main CLI (firmware/cli.py),
which calls `args.func(args)` and exits with what it returns:

    0  done (also when there are no records yet: an empty list)
    1  the records file cannot be read (corrupt, or from newer firmware)
    2  bad options (a --since that is not an ISO time, a negative --limit)

It opens `<data>/records.sqlite3` read-only (`mode=ro`), so it works while the
box runs and writes. Calls are printed oldest first; `--limit N` keeps the
newest N of those that match. Times without an offset are read in the box's
timezone (the one the box stored with its records, default Asia/Shanghai).
JSON: a list of call objects, each with its `legs` (docs/records.md).
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
import unicodedata
from datetime import datetime, tzinfo
from pathlib import Path
from typing import Any

from firmware import paths
from firmware.cdr.records import ALL_RESULTS, CallRecord, LegRecord
from firmware.cdr.schema import SchemaError
from firmware.cdr.store import CdrStore, NoRecords, records_path

OK, UNREADABLE, BAD_OPTION = 0, 1, 2


def iso_time(text: str) -> datetime:
    """argparse type: an ISO-8601 time ("2024-05-01", "2024-05-01T09:30", "...+08:00", "...Z")."""
    try:
        return datetime.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not an ISO time (like 2024-05-01, 2024-05-01T09:30 "
            "or 2024-05-01T09:30:00+08:00)") from None


def _count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text!r} is not a count (0, 1, 2, ...)")
    return value


def _results(text: str) -> list[str]:
    words = [w.strip() for w in text.split(",") if w.strip()]
    bad = [w for w in words if w not in ALL_RESULTS]
    if bad or not words:
        raise argparse.ArgumentTypeError(
            f"{text!r}: results are {', '.join(ALL_RESULTS)} (comma-separated)")
    return words


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add `records` to the main CLI's subparsers."""
    text = "print the call records (oldest first)"
    p = subparsers.add_parser("records", help=text, description=text)
    p.add_argument("--json", action="store_true", help="a JSON list of calls with their legs")
    p.add_argument("--since", type=iso_time, metavar="ISO-TIME",
                   help="calls that started at or after this time")
    p.add_argument("--until", type=iso_time, metavar="ISO-TIME",
                   help="calls that started before this time")
    p.add_argument("--limit", type=_count, metavar="N", help="only the newest N calls")
    p.add_argument("--number", help="calls with this caller or callee (any format)")
    p.add_argument("--line", help="calls on this line")
    p.add_argument("--result", type=_results, metavar="WORD[,WORD]",
                   help="calls with one of these results")
    paths.add_data_option(p)
    p.set_defaults(func=cmd_records)


def cmd_records(args: argparse.Namespace) -> int:
    data = Path(args.data) if getattr(args, "data", None) else paths.default_data_dir()
    try:
        store = CdrStore(records_path(data), readonly=True)
    except NoRecords as exc:
        _write(sys.stderr, f"switchboard: {exc} (no calls yet)\n")
        _write(sys.stdout, "[]\n" if args.json else "No calls.\n")
        return OK
    except (SchemaError, sqlite3.Error) as exc:
        return _fail(f"cannot read the call records in {data}: {exc}", UNREADABLE)
    try:
        return _print_calls(store, args)
    except sqlite3.Error as exc:
        return _fail(f"cannot read the call records in {data}: {exc}", UNREADABLE)
    finally:
        store.close()


def _print_calls(store: CdrStore, args: argparse.Namespace) -> int:
    since, until = _aware(args.since, store.tz), _aware(args.until, store.tz)
    if since and until and since >= until:
        return _fail("--since must be before --until", BAD_OPTION)
    calls = store.calls(since, until, limit=args.limit, newest_first=True,
                        number=args.number, line=args.line, result=args.result)
    calls.reverse()
    if args.json:
        found = _with_recordings([c.as_dict(store.tz) for c in calls], args)
        text = json.dumps(found, ensure_ascii=False, indent=2)
        _write(sys.stdout, text + "\n")
    else:
        _write(sys.stdout, table(calls, store.tz))
    return OK


def _with_recordings(calls: list[dict], args: argparse.Namespace) -> list[dict]:
    """Each call's `recordings` (docs/recording.md), with their files' paths."""
    from firmware.recordings.links import link_recordings
    from firmware.recordings.store import RecordingStore

    data = Path(args.data) if getattr(args, "data", None) else paths.default_data_dir()
    return link_recordings(calls, RecordingStore.in_data_dir(data), with_file=True)


def _aware(value: datetime | None, tz: tzinfo) -> datetime | None:
    if value is None or value.utcoffset() is not None:
        return value
    return value.replace(tzinfo=tz)


# --- the plain table --------------------------------------------------------------

COLUMNS = ("STARTED", "DIR", "LINE", "CALLER", "REGION", "RESULT", "BY", "RING", "TALK",
           "ENDED", "LEGS")


def table(calls: list[CallRecord], tz: tzinfo) -> str:
    """A readable table of `calls`, times local in `tz`, Chinese text aligned."""
    if not calls:
        return "No calls.\n"
    rows = [COLUMNS, *(_row(c, tz) for c in calls)]
    widths = [max(_width(r[i]) for r in rows) for i in range(len(COLUMNS) - 1)]
    lines = ["  ".join([*(_pad(v, w) for v, w in zip(r, widths, strict=False)), r[-1]]).rstrip()
             for r in rows]
    noun = "call" if len(calls) == 1 else "calls"
    return "\n".join(lines) + f"\n{len(calls)} {noun}; times in {tz}\n"


def _row(c: CallRecord, tz: tzinfo) -> tuple[str, ...]:
    caller = c.caller or ("-" if c.result == "forwarded" else "(withheld)")
    region = c.region.region_text or ("" if c.direction == "internal" else "-")
    return (f"{c.started_at.astimezone(tz):%Y-%m-%d %H:%M:%S}", c.direction, c.line or "-",
            caller, region, c.result, c.answered_by or "-", _duration(c.ring_s),
            _duration(c.talk_s), c.end_reason.replace("_", " ") or "-",
            "; ".join(_leg_text(leg) for leg in c.legs) or "-")


def _leg_text(leg: LegRecord) -> str:
    outcome = leg.outcome.replace("_", " ")
    talk = f" {_duration(leg.talk_s)}" if leg.answered_at else ""
    return f"{leg.target} {outcome}{talk}"


def _duration(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    whole = round(seconds)
    return f"{whole}s" if whole < 60 else f"{whole // 60}:{whole % 60:02d}"


def _width(text: str) -> int:
    """Columns `text` takes in a terminal: CJK characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


# --- output ------------------------------------------------------------------------


def _fail(message: str, code: int) -> int:
    _write(sys.stderr, f"switchboard: {message}\n")
    return code


def _write(stream: Any, text: str) -> None:
    """Write UTF-8 whatever the locale says (a C locale would choke on Chinese text)."""
    buffer = getattr(stream, "buffer", None)
    if buffer is None:
        stream.write(text)
        return
    stream.flush()
    buffer.write(text.encode("utf-8"))
    buffer.flush()
