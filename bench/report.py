"""Writing benchmark figures into docs/benchmarks.md, one section per script.

Each script owns the text between `<!-- bench.NAME begin -->` and
`<!-- bench.NAME end -->`; running it with `--write FILE` replaces that section
(or appends it) and leaves every other script's section as it was.
"""

from __future__ import annotations

from pathlib import Path

HEADER = ("# Benchmarks\n\nFigures measured by the scripts in `bench/`; each section names "
          "the command that reproduces it.\n")


def markers(name: str) -> tuple[str, str]:
    return f"<!-- bench.{name} begin -->", f"<!-- bench.{name} end -->"


def write_section(path: Path, name: str, body: str) -> None:
    """Put `body` (markdown, without the markers) in section `name` of `path`."""
    begin, end = markers(name)
    text = f"{begin}\n{body.strip()}\n{end}"
    old = path.read_text() if path.exists() and path.read_text().strip() else HEADER
    if begin in old and end in old:
        head, rest = old.split(begin, 1)
        new = head + text + rest.split(end, 1)[1]
    else:
        new = old.rstrip("\n") + "\n\n" + text + "\n"
    path.write_text(new)


def add_load_options(parser) -> None:
    """--max-load / --allow-loaded: every benchmark refuses a busy machine by default."""
    parser.add_argument("--max-load", type=float, default=1.0,
                        help="refuse to run when the 1-minute load average is above this "
                             "(default 1.0 on this 2-core machine)")
    parser.add_argument("--allow-loaded", action="store_true",
                        help="run anyway; the figures are then marked as from a loaded machine")


def load_note(args, when: str = "start") -> str:
    """The load average now, as the figures' note; at the start, exits when the machine
    is busy and the run was not allowed (at the end it is only noted: the benchmark's
    own processes load the machine)."""
    import os
    import sys

    load = os.getloadavg()[0]
    if when == "end":  # the run's own processes load the machine: noted, never refused
        return f"load average {load:.2f} at the end"
    if load > args.max_load and not args.allow_loaded:
        sys.exit(f"the machine is busy (load average {load:.2f} > {args.max_load}): "
                 "figures would measure the other work; wait, or pass --allow-loaded")
    mark = "" if load <= args.max_load else " (LOADED: not comparable with quiet runs)"
    return f"load average {load:.2f} at the {when}{mark}"
