"""Boards by name: `load_board("sim", rundir=...)`, `load_board("pi-gsm")`.

A board is a data file (board/boards/<name>.json, checked by board/boardfile.py)
plus the driver its `kind` names: `sim` boards connect to the PSTN emulator
(board/sim.py), `pi` boards drive GPIO, a USB voice modem as FXO port and USB GSM
modems (board/pi.py).
Loading only reads and checks the file; `Board.open()` reaches the hardware.
A real board that fails to open raises BoardUnavailable: there is never a
silent fall back to the simulated board.
"""

from __future__ import annotations

from typing import Any

from board.base import BadBoard, Board, BoardError, BoardUnavailable, PortInUse, WrongPortKind
from board.boardfile import board_names, read_spec

__all__ = [
    "BadBoard",
    "Board",
    "BoardError",
    "BoardUnavailable",
    "PortInUse",
    "WrongPortKind",
    "board_names",
    "load_board",
]

# The options each driver takes (everything else is refused, naming the board).
OPTIONS = {
    "sim": {"rundir": "the PSTN emulator's run directory (required)",
            "timeout": "seconds to wait for the emulator's sockets (default 3)"},
    "pi": {"watchdog": "watchdog device instead of the board file's (None: no watchdog)",
           "modem_glob": "modem directory pattern instead of the board file's"},
}


def load_board(name: str, **options: Any) -> Board:
    """The board `name` with its driver, not opened yet. BadBoard if unknown or invalid."""
    spec = read_spec(name)
    allowed = OPTIONS[spec.kind]
    unknown = sorted(set(options) - set(allowed))
    if unknown:
        raise BadBoard(f"board {name!r} does not take the option(s) {', '.join(unknown)} "
                       f"(it takes: {', '.join(allowed)})")
    if spec.kind == "sim":
        if options.get("rundir") is None:
            raise BadBoard(f"board {name!r} needs the option rundir: "
                           "the PSTN emulator's run directory")
        from board.sim import SimBoard

        return SimBoard(spec, **options)
    from board.pi import PiBoard

    return PiBoard(spec, **options)
