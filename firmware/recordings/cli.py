"""`switchboard recordings`: the call recordings from the box's console.

    switchboard recordings list [--call ID] [--json] [--data DIR]
    switchboard recordings delete ID [--data DIR]

The same store as the box and the web page (recordings/store.py), on the data dir's
files. `list --json` prints a JSON list of {"id", "call_id", "time" (ISO 8601 in the
config's timezone), "at_ts", "duration_s", "format", "file", "bytes", "state",
"caller", "rule"}, oldest first. Exit codes: 0 done, 1 refused (the field and reason
on stderr), 2 bad options.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from firmware import paths
from firmware.recordings.store import Recording, RecordingError, RecordingStore
from firmware.voicemail.cli import _zone

OK, REFUSED = 0, 1


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("recordings", help="call recordings: list, delete")
    actions = p.add_subparsers(dest="recordings_action", metavar="list|delete", required=True)
    listing = actions.add_parser("list", help="every recording, oldest first")
    listing.add_argument("--json", action="store_true", help="a JSON list for scripts")
    listing.add_argument("--call", default=None, help="only this call record's")
    delete = actions.add_parser("delete", help="delete a recording and its file")
    delete.add_argument("id")
    for action in (listing, delete):
        paths.add_data_option(action)
    p.set_defaults(func=_run)


def _run(args: argparse.Namespace) -> int:
    data = Path(args.data or paths.default_data_dir())
    store = RecordingStore.in_data_dir(data)
    try:
        if args.recordings_action == "list":
            return _list(store, data, args.call, args.json)
        rec = store.delete(args.id)
        print(f"{rec.id}: deleted")
        return OK
    except RecordingError as exc:
        sys.stderr.write(f"switchboard: {exc.field}: {exc.reason}\n")
        return REFUSED


def _list(store: RecordingStore, data: Path, call: str | None, as_json: bool) -> int:
    zone = _zone(data)
    found = store.for_call(call) if call else store.list()
    rows = [recording_json(r, zone) for r in found]
    if as_json:
        print(json.dumps(rows, ensure_ascii=False, indent=1))
        return OK
    if not rows:
        print("no recordings")
        return OK
    for row in rows:
        print(f"{row['id']}  call {row['call_id'] or '-':<22} {row['caller'] or 'withheld':<16} "
              f"{row['time'][:19]}  {row['duration_s']:>6.1f} s  {row['format']:<4} "
              f"{row['bytes'] / 1024:>8.1f} KiB  {row['state']:<9} {row['file']}")
    return OK


def recording_json(rec: Recording, zone: ZoneInfo) -> dict:
    out = rec.to_json()
    out["time"] = datetime.fromtimestamp(rec.at_ts, zone).isoformat(timespec="seconds")
    return out
