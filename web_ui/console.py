"""The owner's way in from the box's console: `switchboard web unlock` and
`switchboard web password`.

- `unlock`: the page forgets every wrong-password (and wrong-token) count at its next
  login try: an owner whose own address waits logs in at once.
- `password`: sets a new owner password (asked twice on the terminal, or one line
  from standard input with `--stdin`), as strong as the page asks; every session
  made with the old one ends at its next request, and the counts are forgotten as
  with `unlock`. It works with or without the box running.

Both write `<data>/web/` (web_ui/owner.py); run as root, the files are given to the
owner of that directory (the box's user), so the page can still read them.

Run as `python -m web_ui.console --data DIR unlock|password`; `switchboard web ...`
(firmware/web_cli.py) starts this module the way the daemon starts the page, so the
firmware does not import the web page. Exit codes: 0 done, 1 refused (a weak or
mismatched password), 2 the data directory cannot be written or read.
"""

from __future__ import annotations

import argparse
import contextlib
import getpass
import os
import sys
from pathlib import Path

from firmware.service import BoxService
from web_ui import i18n, security
from web_ui.owner import FILE_NAME, UNLOCK_FILE, Owner

DONE, REFUSED, FAILED = 0, 1, 2


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="switchboard web",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True)
    sub = parser.add_subparsers(dest="action", required=True)
    sub.add_parser("unlock", help="let every address try a password again at once")
    pw = sub.add_parser("password", help="set a new owner password (every session ends)")
    pw.add_argument("--stdin", action="store_true",
                    help="read the new password as one line from standard input")
    args = parser.parse_args(argv)
    web_dir = BoxService(args.data).web_dir
    try:
        if args.action == "unlock":
            return unlock(web_dir)
        return set_password(web_dir, _read_password(args.stdin))
    except (OSError, ValueError) as exc:
        print(f"switchboard web: {exc}", file=sys.stderr)
        return FAILED


def unlock(web_dir: Path) -> int:
    Owner(web_dir).request_unlock()
    _give_to_box_user(web_dir, UNLOCK_FILE)
    print("switchboard web: unlocked; every address may try a password again "
          "(the page takes this at its next login try)")
    return DONE


def set_password(web_dir: Path, password: str | None) -> int:
    if password is None:
        print("switchboard web: the two passwords are not the same; nothing changed",
              file=sys.stderr)
        return REFUSED
    problem = security.password_problem(password)
    if problem:
        print(f"switchboard web: {i18n.text('en', problem)} Nothing changed.", file=sys.stderr)
        return REFUSED
    owner = Owner(web_dir)
    owner.set_password(password)
    owner.request_unlock()
    for name in (FILE_NAME, UNLOCK_FILE):
        _give_to_box_user(web_dir, name)
    print("switchboard web: password set; every session logs in again")
    return DONE


def _read_password(from_stdin: bool) -> str | None:
    """The new password, or None when the two entries differ."""
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("New owner password: ")
    again = getpass.getpass("Again: ")
    return first if first == again else None


def _give_to_box_user(web_dir: Path, name: str) -> None:
    """Run as root: the file (and `web_dir`) belong to whoever owns the data directory
    (the box's user)."""
    if os.geteuid() != 0:
        return
    st = os.stat(web_dir.parent)
    for path in (web_dir, web_dir / name):
        with contextlib.suppress(FileNotFoundError):
            os.chown(path, st.st_uid, st.st_gid)


if __name__ == "__main__":
    sys.exit(main())
