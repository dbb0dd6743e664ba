"""`switchboard config import|export|check`, and the box's side of config import.

`register(subparsers)` adds the commands to the main CLI (`firmware/cli.py`),
which calls `args.func(args)` and exits with what it returns:

    0  done (check: the file is valid)
    1  the config was refused (each "field: reason" is printed)
    2  the file cannot be read or is not JSON (with the error's position)
    3  the running box could not be reached or failed

import: when a box answers on the control socket it gets the config through
"config.import" (so it applies it from the next call on); otherwise the file
in the data dir is written directly. export: from the running box, else from
the file. check: validation only, nothing is stored. FILE may be "-" (stdin).
`--board NAME` (check, and import into the store): lines the file leaves out come
from that board (its FXS ports, its modems' GSM lines), and a line the board lacks
is refused, as the box running on that board does (firmware/config/hardware.py).

`handle_import`, `handle_export` and `handle_check` are the box's handlers for
those ops; `control_handlers(store)` gives them ready for `ControlServer`.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import json
import sys
from pathlib import Path
from typing import Any

from board.base import BadBoard
from firmware import paths
from firmware.config.hardware import Hardware, check_on_board
from firmware.config.jsontext import MAX_TEXT_BYTES, UnreadableConfig, parse_config_text
from firmware.config.reasons import reason
from firmware.config.schema import summary
from firmware.config.store import ConfigStore
from firmware.control import Handler, box_is_running, control_request, in_thread
from firmware.errors import ConfigError, ControlError

OK, REFUSED, UNREADABLE, UNREACHABLE = 0, 1, 2, 3
IMPORT_TIMEOUT = 30.0  # seconds: validation plus an fsync on a slow SD card


class UnreadableFile(Exception):
    """A config file that cannot be read or is not JSON; the message says where."""


# --- the box's handlers -------------------------------------------------------


def handle_import(store: ConfigStore, args: dict[str, Any]) -> dict[str, int]:
    """"config.import": validate and store `args["config"]`; returns counts of what it holds."""
    return summary(store.replace(_config_arg(args)))


def handle_export(store: ConfigStore, args: dict[str, Any]) -> dict[str, Any]:
    """"config.export": the stored config in its JSON form."""
    return store.as_dict()


def handle_version(store: ConfigStore, args: dict[str, Any]) -> dict[str, str]:
    """"config.version": which config the box holds (changes with every write)."""
    return {"version": store.version}


def handle_get(store: ConfigStore, args: dict[str, Any]) -> dict[str, Any]:
    """"config.get": the config with its version; only the version when the reader's
    `known` version is still the current one (no work proportional to the config)."""
    version = store.version  # first: the config read next is this one or newer
    if args.get("known") == version:
        return {"version": version}
    return {"version": version, "config": store.as_dict()}


def handle_check(store: ConfigStore, args: dict[str, Any]) -> dict[str, int]:
    """"config.check": validate `args["config"]` without storing it."""
    return summary(store.check(_config_arg(args)))


def control_handlers(store: ConfigStore) -> dict[str, Handler]:
    """The config ops for `ControlServer`; import runs off the loop (it fsyncs)."""
    return {
        "config.import": in_thread(functools.partial(handle_import, store)),
        "config.export": functools.partial(handle_export, store),
        "config.version": functools.partial(handle_version, store),
        "config.get": functools.partial(handle_get, store),
        "config.check": functools.partial(handle_check, store),
    }


def _config_arg(args: dict[str, Any]) -> Any:
    if "config" not in args:
        raise ConfigError([("(request)", reason("no_config_sent"))])
    return args["config"]


# --- the commands -------------------------------------------------------------


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add `config import|export|check` to the main CLI's subparsers."""
    parser = subparsers.add_parser("config", help="import, export or check the configuration")
    parser.set_defaults(func=lambda args: _usage(parser))
    sub = parser.add_subparsers(dest="config_command", metavar="{import,export,check}")
    commands = [
        ("import", cmd_import, "validate FILE and make it the box's config"),
        ("export", cmd_export, "print the box's config as JSON"),
        ("check", cmd_check, "validate FILE without storing it"),
    ]
    for name, func, text in commands:
        p = sub.add_parser(name, help=text, description=text)
        if name != "export":
            p.add_argument("file", metavar="FILE", help='a JSON config file ("-": stdin)')
            p.add_argument("--board", metavar="NAME", default=None,
                           help="check the lines against this board (sim, pi-gsm, ...); "
                                "lines the file leaves out are the board's")
        paths.add_data_option(p)
        p.set_defaults(func=func)


def cmd_import(args: argparse.Namespace) -> int:
    try:
        raw = read_config_file(args.file)
        hardware = _hardware(args)
    except (UnreadableFile, BadBoard) as exc:
        return _fail(str(exc), UNREADABLE)
    data = _data_dir(args)
    socket_path = paths.control_socket(data)
    try:
        if box_is_running(socket_path):
            counts = control_request(socket_path, "config.import", {"config": raw},
                                     timeout=IMPORT_TIMEOUT)
            where = "the running box applies it from the next call on"
        else:
            counts, where = _import_direct(data, raw, hardware)
    except ConfigError as exc:
        _print_errors(exc, sys.stderr)
        return REFUSED
    except ControlError as exc:
        return _fail(str(exc), UNREACHABLE)
    print(f"OK: config imported ({_describe(counts)}); {where}")
    return OK


def _import_direct(data: Path, raw: Any, hardware: Hardware | None = None
                   ) -> tuple[dict[str, int], str]:
    store = ConfigStore(data, hardware=hardware)
    try:
        counts = summary(store.replace(raw))
    finally:
        store.close()
    if store.last_moved_aside:
        print(f"switchboard: the old config file was corrupt; kept as {store.last_moved_aside}",
              file=sys.stderr)
    return counts, f"written to {store.path}"


def cmd_export(args: argparse.Namespace) -> int:
    data = _data_dir(args)
    socket_path = paths.control_socket(data)
    try:
        if box_is_running(socket_path):
            config = control_request(socket_path, "config.export", {})
        else:
            store = ConfigStore(data)
            config = store.as_dict()
            store.close()
    except ConfigError as exc:
        _print_errors(exc, sys.stderr)
        return REFUSED
    except ControlError as exc:
        return _fail(str(exc), UNREACHABLE)
    text = json.dumps(config, ensure_ascii=False, indent=2) + "\n"
    _write_utf8(sys.stdout, text)
    return OK


def cmd_check(args: argparse.Namespace) -> int:
    try:
        raw = read_config_file(args.file)
    except UnreadableFile as exc:
        return _fail(str(exc), UNREADABLE)
    try:
        hardware = _hardware(args)
    except BadBoard as exc:
        return _fail(str(exc), UNREADABLE)
    try:
        config = check_on_board(raw, hardware)
    except ConfigError as exc:
        _print_errors(exc, sys.stdout)
        if hardware is None and any(".port" in field for field, _ in exc.errors):
            _write_utf8(sys.stderr, "switchboard: no board given: lines the file leaves out "
                                    "are not known; on a box they are the board's "
                                    "(--board NAME checks as the box on that board would)\n")
        return REFUSED
    print(f"OK ({_describe(summary(config))})")
    return OK


def _hardware(args: argparse.Namespace) -> Hardware | None:
    """The board named by --board, or None; BadBoard for a name no board file has."""
    name = getattr(args, "board", None)
    return Hardware.of_board_name(name) if name else None


def read_config_file(name: str | Path) -> Any:
    """The JSON in file `name` ("-": stdin); UnreadableFile says why not, with the position.
    At most MAX_CONFIG_BYTES are read: a bigger file is refused, not loaded."""
    label = "stdin" if str(name) == "-" else str(name)
    try:
        with _open_binary(name) as stream:
            raw = stream.read(MAX_TEXT_BYTES + 1)
    except OSError as exc:
        raise UnreadableFile(f"cannot read {label}: {exc.strerror or exc}") from exc
    try:
        return parse_config_text(raw)
    except UnreadableConfig as exc:
        why = "; ".join(f"{f}: {r}" if f != "(config)" else str(r) for f, r in exc.errors)
        if len(raw) > MAX_TEXT_BYTES:
            why = f"more than {MAX_TEXT_BYTES} bytes: a config may have at most 1 MiB"
        raise UnreadableFile(f"{label}: {why}") from exc


def _open_binary(name: str | Path) -> Any:
    if str(name) == "-":
        return contextlib.nullcontext(sys.stdin.buffer)
    return Path(name).open("rb")


# --- output -------------------------------------------------------------------


def _data_dir(args: argparse.Namespace) -> Path:
    return Path(args.data) if getattr(args, "data", None) else paths.default_data_dir()


def _describe(counts: dict[str, int]) -> str:
    words = {"extensions": "extension", "bound_numbers": "bound number",
             "ring_groups": "ring group", "gsm_lines": "GSM line", "fxs_ports": "FXS port"}
    if counts.get("fxo_lines"):  # said only on a box with an analog line
        words = {**words, "fxo_lines": "analog line"}
    return ", ".join(f"{counts.get(k, 0)} {w}{'' if counts.get(k, 0) == 1 else 's'}"
                     for k, w in words.items())


def _print_errors(exc: ConfigError, stream: Any) -> None:
    for field, why in exc.errors:
        _write_utf8(stream, f"{field}: {why}\n")


def _fail(message: str, code: int) -> int:
    _write_utf8(sys.stderr, f"switchboard: {message}\n")
    return code


def _write_utf8(stream: Any, text: str) -> None:
    """Write UTF-8 whatever the locale says (a C locale would choke on Chinese names)."""
    buffer = getattr(stream, "buffer", None)
    if buffer is None:
        stream.write(text)
    else:
        stream.flush()
        buffer.write(text.encode("utf-8"))
        buffer.flush()


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_usage(sys.stderr)
    return UNREADABLE
