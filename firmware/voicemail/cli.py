"""`switchboard voicemail`: the voicemail messages from the box's console.

    switchboard voicemail list [--box BOX] [--json] [--data DIR]
    switchboard voicemail delete ID [--data DIR]
    switchboard voicemail heard ID [--data DIR]

The same store as the box and the web page (voicemail/store.py), on the data dir's
files. `list --json` prints a JSON list of {"id", "box", "caller", "region", "time"
(ISO 8601 in the config's timezone), "at_ts", "duration_s", "file", "heard"}, oldest
first. Exit codes: 0 done, 1 refused (the field and reason on stderr), 2 bad options.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from firmware import paths
from firmware.voicemail.store import Message, VoicemailError, VoicemailStore

OK, REFUSED = 0, 1
DEFAULT_TZ = "Asia/Shanghai"


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("voicemail", help="voicemail messages: list, mark heard, delete")
    actions = p.add_subparsers(dest="voicemail_action", metavar="list|heard|delete",
                               required=True)
    listing = actions.add_parser("list", help="every message, oldest first")
    listing.add_argument("--json", action="store_true", help="a JSON list for scripts")
    listing.add_argument("--box", default=None, help="only this box's messages")
    heard = actions.add_parser("heard", help="mark a message heard")
    heard.add_argument("id")
    delete = actions.add_parser("delete", help="delete a message and its recording")
    delete.add_argument("id")
    for action in (listing, heard, delete):
        paths.add_data_option(action)
    p.set_defaults(func=_run)


def _run(args: argparse.Namespace) -> int:
    data = Path(args.data or paths.default_data_dir())
    store = VoicemailStore.in_data_dir(data)
    try:
        if args.voicemail_action == "list":
            return _list(store, data, args.box, args.json)
        if args.voicemail_action == "heard":
            message = store.mark_heard(args.id)
            print(f"{message.id}: heard")
            return OK
        message = store.delete(args.id)
        print(f"{message.id}: deleted")
        return OK
    except VoicemailError as exc:
        sys.stderr.write(f"switchboard: {exc.field}: {exc.reason}\n")
        return REFUSED


def _list(store: VoicemailStore, data: Path, box: str | None, as_json: bool) -> int:
    zone = _zone(data)
    rows = [message_json(m, zone) for m in store.list(box)]
    if as_json:
        print(json.dumps(rows, ensure_ascii=False, indent=1))
        return OK
    if not rows:
        print("no voicemail messages")
        return OK
    for row in rows:
        print(f"{row['id']}  box {row['box']:<8} {row['caller'] or 'withheld':<16} "
              f"{row['time'][:19]}  {row['duration_s']:>5.1f} s  "
              f"{'heard' if row['heard'] else 'NEW  '}  {row['file']}")
    return OK


def message_json(message: Message, zone: ZoneInfo) -> dict:
    out = message.to_json()
    out["time"] = datetime.fromtimestamp(message.at_ts, zone).isoformat(timespec="seconds")
    return out


def _zone(data: Path) -> ZoneInfo:
    """The config's timezone when the config reads, else the box's default."""
    try:
        from firmware.config.store import FILE_NAME, ConfigStore

        if not (data / FILE_NAME).exists():
            return ZoneInfo(DEFAULT_TZ)
        return ZoneInfo(ConfigStore(data).load().settings.timezone)
    except Exception:
        return ZoneInfo(DEFAULT_TZ)
