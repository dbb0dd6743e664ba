"""`switchboard callbacks`: the callback requests callers left in hold queues (Q2).

    switchboard callbacks [--open] [--json] [--data DIR]   list them, newest first
    switchboard callbacks done ID [--data DIR]             mark one done

Read beside the box (`<data>/callbacks.json`); "done" asks the running box (control op
"callbacks.done"), or writes the file itself when no box runs.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from firmware import paths

OK, FAILED = 0, 1


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("callbacks", help="callers who asked in a queue to be "
                                   "called back: list, mark done")
    paths.add_data_option(parser)
    parser.add_argument("--json", action="store_true", help="print the list as JSON")
    parser.add_argument("--open", action="store_true", help="only those still to call back")
    parser.set_defaults(func=_list)
    sub = parser.add_subparsers(dest="callbacks_command", metavar="{done}")
    done = sub.add_parser("done", help="mark a callback request done")
    done.add_argument("id", type=int)
    paths.add_data_option(done)
    done.set_defaults(func=_done)


def _service(args: argparse.Namespace) -> Any:
    from firmware.service import BoxService

    data = args.data or paths.default_data_dir()
    if paths.control_socket(data).exists():
        return BoxService.of_running_box(data)
    return BoxService(data)


def _list(args: argparse.Namespace) -> int:
    from firmware.calls.callbacks import FILE, read_callbacks

    entries = list(reversed(read_callbacks((args.data or paths.default_data_dir()) / FILE)))
    if args.open:
        entries = [e for e in entries if e.get("state") == "open"]
    if args.json:
        print(json.dumps(entries, indent=2, ensure_ascii=False))
        return OK
    if not entries:
        print("no callback requests")
    for e in entries:
        print(f"{e.get('id'):>4}  {e.get('at', '')[:16].replace('T', ' ')}  "
              f"{e.get('caller') or 'withheld':<16} {e.get('region', ''):<10} "
              f"{e.get('line', ''):<6} queue {e.get('queue', '')}  {e.get('state', '')}")
    return OK


def _done(args: argparse.Namespace) -> int:
    from firmware.calls.callbacks import NoSuchCallback
    from firmware.service import ServiceError

    try:
        entry = _service(args).callback_done(args.id)
    except (NoSuchCallback, ServiceError) as exc:
        print(f"switchboard: {exc}", file=sys.stderr)
        return FAILED
    print(f"callback request {entry['id']} ({entry.get('caller') or 'withheld'}): done")
    return OK
