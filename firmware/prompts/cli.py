"""`switchboard prompts`: the owner's prompts from the box's console (docs/prompts.md).

    switchboard prompts list [--json] [--data DIR]
    switchboard prompts add NAME FILE [--lang zh|en]       a WAV or MP3, converted by sox
    switchboard prompts speak NAME TEXT [--lang zh|en]     spoken by espeak-ng
    switchboard prompts delete NAME [--lang zh|en]

The same store as the web page (firmware/prompts/store.py), on the data dir's files;
the running box plays a changed prompt from the next call on. Exit codes: 0 done,
1 refused (the field and reason on stderr; nothing stored), 2 bad options.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from firmware import paths
from firmware.prompts.errors import PromptError
from firmware.prompts.phrases import LANGUAGES
from firmware.prompts.store import PromptStore

OK, REFUSED = 0, 1


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("prompts", help="what callers hear: list, add, speak, delete prompts")
    actions = p.add_subparsers(dest="prompts_action", metavar="list|add|speak|delete",
                               required=True)
    listing = actions.add_parser("list", help="every prompt that plays, by language")
    listing.add_argument("--json", action="store_true", help="a JSON list for scripts")
    add = actions.add_parser("add", help="store a WAV or MP3 file as a prompt")
    add.add_argument("name")
    add.add_argument("file", type=Path)
    speak = actions.add_parser("speak", help="speak a text as a prompt (espeak-ng)")
    speak.add_argument("name")
    speak.add_argument("text")
    delete = actions.add_parser("delete", help="delete your prompt (a built-in one of its "
                                               "name plays again)")
    delete.add_argument("name")
    for action in (add, speak, delete):
        action.add_argument("--lang", choices=LANGUAGES, default="zh",
                            help="the prompt's language (default zh)")
    for action in (listing, add, speak, delete):
        paths.add_data_option(action)
    p.set_defaults(func=_run)


def _run(args: argparse.Namespace) -> int:
    data = args.data or paths.default_data_dir()
    store = PromptStore(data)
    try:
        if args.prompts_action == "list":
            return _list(store, args.json)
        if args.prompts_action == "add":
            return _add(store, args)
        if args.prompts_action == "speak":
            return _said(store.speak(args.name, args.lang, args.text))
        return _delete(store, data, args)
    except PromptError as exc:
        sys.stderr.write(f"switchboard: {exc.field}: {exc.reason}\n")
        return REFUSED


def _add(store: PromptStore, args: argparse.Namespace) -> int:
    try:
        stream = args.file.open("rb")
    except OSError as exc:
        sys.stderr.write(f"switchboard: file: {args.file}: {exc.strerror or exc}\n")
        return REFUSED
    with stream:
        return _said(store.upload(args.name, args.lang, args.file.name, stream))


def _delete(store: PromptStore, data: Path, args: argparse.Namespace) -> int:
    from firmware.config.greeting_rules import prompt_users
    from firmware.config.store import ConfigStore

    users = prompt_users(ConfigStore(data).load(), args.name)
    done = store.delete(args.name, args.lang, users)
    after = "the built-in prompt plays again" if done["default_plays"] else "deleted"
    print(f"{args.name} ({args.lang}): {after}")
    return OK


def _said(entry: dict[str, Any]) -> int:
    print(f"{entry['name']} ({entry['lang']}): stored, {entry['duration_s']:.1f} s")
    return OK


def _list(store: PromptStore, as_json: bool) -> int:
    entries = store.list()
    if as_json:
        print(json.dumps(entries, ensure_ascii=False, indent=1))
        return OK
    for e in entries:
        what = e["text"] or e["filename"] or ""
        print(f"{e['lang']}  {e['name']:<22} {e['origin']:<7} {e['duration_s']:6.1f} s  {what}")
    return OK
