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
