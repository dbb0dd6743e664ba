"""`switchboard web unlock|password`: the owner's way in from the box's console.

The work is the web page's (web_ui/console.py: its password rules and files); the
firmware does not import the page, so this starts it as its own process, the way
the daemon starts the page (firmware/daemon.py), on the same terminal.
"""

from __future__ import annotations

import argparse
import subprocess
import sys

from firmware import paths

WEB_CONSOLE_MODULE = "web_ui.console"


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("web", help="the owner's web page: unlock it, or set a new password")
    actions = p.add_subparsers(dest="web_action", metavar="unlock|password", required=True)
    unlock = actions.add_parser(
        "unlock", help="forget every wrong-password count: every address may log in at once")
    paths.add_data_option(unlock)
    password = actions.add_parser(
        "password", help="set a new owner password (asked twice); every session ends")
    paths.add_data_option(password)
    password.add_argument("--stdin", action="store_true",
                          help="read the new password as one line from standard input")
    p.set_defaults(func=_run)


def _run(args: argparse.Namespace) -> int:
    data = args.data or paths.default_data_dir()
    command = [sys.executable, "-m", WEB_CONSOLE_MODULE, "--data", str(data), args.web_action]
    if getattr(args, "stdin", False):
        command.append("--stdin")
    return subprocess.call(command)
