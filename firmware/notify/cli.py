"""`switchboard notifications`: the notifications outbox from the command line.

    switchboard notifications [--json]          # pending, given up, last sent, why
    switchboard notifications retry [ID]        # retry now: one, or every one
    switchboard notifications test [--to ADDR]  # a test e-mail, and how it went

It reads the outbox file (`<data>/notifications.sqlite3`) beside the running box; a
retry and a test go to the running box's notifier through its control socket. With no
box, a retry marks the messages due for the box's next start and a test cannot be sent.

Exit codes: 0 done (the test e-mail sent); 1 the box did not answer, or the test
e-mail was not sent (the reason is printed); 2 bad options.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime
from typing import Any

from firmware import paths

OK, FAILED, BAD_OPTION = 0, 1, 2


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("notifications", help="the notifications outbox: list, "
                                   "retry now, send a test e-mail")
    paths.add_data_option(parser)
    parser.add_argument("--json", action="store_true", help="print the outbox as JSON")
    parser.set_defaults(func=_list)
    sub = parser.add_subparsers(dest="notify_command", metavar="{retry,test}")
    retry = sub.add_parser("retry", help="try pending and given-up messages now")
    retry.add_argument("id", nargs="?", type=int, help="only this message")
    paths.add_data_option(retry)
    retry.set_defaults(func=_retry)
    test = sub.add_parser("test", help="send a test e-mail to the owner's addresses")
    test.add_argument("--to", help="to this address instead")
    paths.add_data_option(test)
    test.set_defaults(func=_test)


def _service(args: argparse.Namespace) -> Any:
    from firmware.service import BoxService

    data = args.data or paths.default_data_dir()
    if paths.control_socket(data).exists():
        return BoxService.of_running_box(data)
    return BoxService(data)


def _list(args: argparse.Namespace) -> int:
    from firmware.notify.outbox import outbox_path, read_state

    state = read_state(outbox_path(args.data or paths.default_data_dir()))
    if args.json:
        print(json.dumps(state, indent=2, ensure_ascii=False))
        return OK
    print(f"pending {len(state['pending'])}, given up {len(state['failed'])}, "
          f"missed calls waiting for their message {state['missed_waiting']}")
    for key, word in (("pending", "pending"), ("failed", "given up"), ("sent", "sent")):
        for message in state[key][:20]:
            print(_line(message, word))
    return OK


def _line(message: dict[str, Any], word: str) -> str:
    when = message["sent_ts"] if word == "sent" else message["created_ts"]
    text = (f"#{message['id']} {word} {_time(when)} {message['kind']} by "
            f"{message['channel']} to {', '.join(message['to'])}, tries {message['tries']}")
    if message.get("due_ts"):
        text += f", next {_time(message['due_ts'])}"
    if message.get("error") and word != "sent":
        text += f": {message['error'].get('text', '')}"
    return text


def _time(ts: float | None) -> str:
    return datetime.fromtimestamp(ts).astimezone().strftime("%Y-%m-%d %H:%M") if ts else "-"


def _retry(args: argparse.Namespace) -> int:
    from firmware.service import ServiceError

    try:
        done = _service(args).retry_notifications(args.id)
    except ServiceError as exc:
        print(f"switchboard: {exc}", file=sys.stderr)
        return FAILED
    print(f"{done['retried']} message(s) will be tried now")
    return OK


def _test(args: argparse.Namespace) -> int:
    from firmware.service import EMAIL_RE, ServiceError

    if args.to is not None and not EMAIL_RE.fullmatch(args.to.strip()):
        print(f"switchboard: --to {args.to!r} is not an e-mail address", file=sys.stderr)
        return BAD_OPTION
    try:
        result = _service(args).send_test_email(args.to)
    except ServiceError as exc:
        print(f"switchboard: {exc}", file=sys.stderr)
        return FAILED
    if result.get("state") == "sent":
        print("the test e-mail was sent")
        return OK
    error = result.get("error") or {}
    print(f"switchboard: the test e-mail was not sent: {error.get('text', '')}",
          file=sys.stderr)
    return FAILED
