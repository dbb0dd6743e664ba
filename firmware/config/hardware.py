"""The lines a board has, and a config's lines filled from them and checked against them.

A box knows its own hardware: its board file (board/boards/*.json) names the analog
ports (`fxs0`, `fxo1`) and how many GSM modems it carries. `Hardware.of_board(info)`
reads that from the board's `BoardInfo`; `Hardware.of_board_name("sim")` reads the
shipped board file (for `switchboard config check --board NAME`, offline).

One line model, whatever the kind: `Hardware.lines` maps a kind of line (`gsm`,
`fxs`, later `fxo` and `sip` once the config has sections for them) to the names the
board offers. The config's `lines` section carries what the owner sets per line (a
SIM's number and PIN, the modem a GSM line is bound to) and which ports are in use:

- `fill(raw)`: a config whose `lines` section is missing, or names no line of a kind,
  gets every line of that kind the board has (a fresh or factory-reset box has its
  FXS ports and its modems' lines at once); lines the config names are kept as written.
- `problems(config)`: the lines a config names that the board does not have, each as
  (field, reason) (`lines.fxs[4]: the board "sim" has no line "fxs7" (it has: fxs0,
  fxs1, fxs2, fxs3)`). A board whose modems are found at run time (udev) and that
  says no count takes any GSM line name.

Pure: no I/O beyond reading a board file in `of_board_name`; no import of board/
drivers, only its data reader.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from firmware.config.reasons import Reason, reason
from firmware.config.schema import Config, to_dict
from firmware.config.validate import check_config
from firmware.errors import ConfigError

# The kinds of line the config's `lines` section has a list for, with the entry a
# line of that kind gets when the board offers it and the config does not name it.
_NEW_LINE = {
    "gsm": lambda name: {"name": name, "modem": "auto", "number": None, "sim_pin": None},
    "fxs": lambda name: {"name": name},
    "fxo": lambda name: {"name": name, "number": None, "profile": "cn", "disconnect": None},
}
_KIND = re.compile(r"^([a-z]+)\d+$")


@dataclass(frozen=True)
class Hardware:
    """The lines of one board: kind -> names, in the board's order. A kind whose names
    are None is found at run time and not known in advance (any name is taken)."""

    board: str
    lines: Mapping[str, tuple[str, ...] | None] = field(default_factory=dict)

    @classmethod
    def of_board(cls, info: Any) -> Hardware:
        """From a board's `BoardInfo` (its ports, and `extra["modems_expected"]`)."""
        lines: dict[str, tuple[str, ...] | None] = {}
        for port in info.ports:
            found = _KIND.match(port)
            if found:
                lines.setdefault(found[1], ())
                lines[found[1]] += (port,)  # type: ignore[operator]
        expected = (info.extra or {}).get("modems_expected")
        discovery = (info.extra or {}).get("modem_discovery")
        if isinstance(expected, int):
            lines["gsm"] = tuple(f"gsm{i}" for i in range(expected))
        elif discovery not in (None, "none"):
            lines["gsm"] = None
        else:
            lines["gsm"] = ()
        return cls(info.name, lines)

    @classmethod
    def of_board_name(cls, name: str) -> Hardware:
        """The shipped board file `name`; board.BadBoard if there is none."""
        from board.boardfile import read_spec

        return cls.of_board(read_spec(name).info())

    def names(self, kind: str) -> tuple[str, ...]:
        """The lines of `kind` the board is known to have (none for a run-time kind)."""
        return self.lines.get(kind) or ()

    def fill(self, raw: Any) -> Any:
        """`raw` (a config in its JSON form) with the board's lines where it names none of
        a kind; anything that is not an object is returned as it is for the validator."""
        if not isinstance(raw, dict):
            return raw
        section = raw.get("lines", {})
        if not isinstance(section, dict):
            return raw
        filled = copy.copy(section)
        for kind, make in _NEW_LINE.items():
            names = self.lines.get(kind)
            if not filled.get(kind) and names is None and kind == "gsm":
                names = ("gsm0",)  # modems found at run time: the first one's line
            if not filled.get(kind) and names:
                filled[kind] = [make(name) for name in names]
        if filled == section and "lines" in raw:
            return raw
        return {**raw, "lines": filled}

    def problems(self, config: Config | dict[str, Any]) -> list[tuple[str, Reason]]:
        """Each line `config` (a Config, or one in its JSON form, not validated yet)
        names that the board lacks, as (field, reason)."""
        lines = to_dict(config)["lines"] if isinstance(config, Config) else config.get("lines")
        found: list[tuple[str, Reason]] = []
        for kind in _NEW_LINE:
            known = self.lines.get(kind, ())
            named = lines.get(kind) if isinstance(lines, dict) else None
            if known is None or not isinstance(named, list):
                continue
            for i, line in enumerate(named):
                name = line.get("name") if isinstance(line, dict) else None
                if isinstance(name, str) and name not in known:
                    found.append((f"lines.{kind}[{i}]",
                                  reason("not_on_board", board=self.board, line=name,
                                         known=list(known))))
        return found

    def as_dict(self) -> dict[str, Any]:
        """{"board": name, "lines": {kind: [names] or null}} for status and the page."""
        return {"board": self.board,
                "lines": {k: None if v is None else list(v) for k, v in self.lines.items()}}


def check_on_board(raw: Any, hardware: Hardware | None) -> Config:
    """`raw` validated, its missing lines filled from `hardware`, and refused (ConfigError)
    when it names a line the board lacks; without hardware, validated as written."""
    if hardware is None:
        return check_config(raw)
    filled = hardware.fill(raw)
    problems = hardware.problems(filled) if isinstance(filled, dict) else []
    try:
        config = check_config(filled)
    except ConfigError as exc:
        raise ConfigError(problems + list(exc.errors)) from None
    if problems:
        raise ConfigError(problems)
    return config
