"""The calls a GSM modem has up, and ending one for sure.

A modem is a device of its own: when the box restarts (crash, kill -9, watchdog)
or gives up on a hung modem, a call the modem had up stays up, the caller sits
on a dead line and every other caller gets busy. So at every (re)initialisation
the driver asks `AT+CLCC` (3GPP 27.007 7.18) which calls are up and ends the
ones the box does not own (`clear_stray_calls`); the line is not ready before.
A caller still ringing in is left alone: its next RING offers it to the box.

Hang-up commands do not work alike on every modem (HARDWARE.md 2.3):
- `AT+CHUP` ends the current call on most modems; some answer ERROR;
- `ATH` ends a voice call only where `+CVHU` lets it: with `+CVHU=1` (the
  default of some modems) it answers OK and leaves the call up;
- `AT+CHLD=1<x>` releases the specific call x (active, or one being dialled);
  `AT+CHLD=0` refuses an incoming or waiting call (user busy).
`release()` tries them in turn and believes only AT+CLCC: a call is gone when
the modem no longer lists it. A modem without AT+CLCC is taken at its word.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from firmware.config.schema_base import is_digits
from firmware.lines.at import MEDIUM, AtEngine, CmeError, CommandFailed, ModemError, split_fields

if TYPE_CHECKING:
    from firmware.lines.gsm import GsmLine

log = logging.getLogger(__name__)

CLCC_STATES = {0: "active", 1: "held", 2: "dialing", 3: "alerting", 4: "incoming",
               5: "waiting", 6: "released"}
GONE_CHECKS = 5  # AT+CLCC polls after a hang-up command before trying the next one
GONE_PAUSE = 0.2  # seconds between them
_NO_SIM_CODES = (10, 11, 12, 13)  # no usable SIM: no call can be up
Pause = Callable[[float], Awaitable[None]]


class StrayCallLeft(ModemError):
    """A call the box does not own is up on the modem and no hang-up ended it."""


@dataclass(frozen=True)
class ModemCall:
    """One line of `+CLCC: <idx>,<dir>,<stat>,<mode>,<mpty>[,"<number>",<type>]`."""

    idx: int
    incoming: bool
    stat: int
    number: str = ""

    @property
    def ringing_in(self) -> bool:
        """A caller ringing in (or waiting): the box may still take it."""
        return self.incoming and self.stat in (4, 5)

    def __str__(self) -> str:
        state = CLCC_STATES.get(self.stat, f"state {self.stat}")
        return f"call {self.idx} ({state}, {self.number or 'no number'})"


def parse_clcc(value: str) -> ModemCall:
    """`1,1,0,0,0,"+8613800138000",145` -> ModemCall; ValueError if unreadable."""
    fields = split_fields(value)
    if len(fields) < 3 or not all(is_digits(f, 1, 3) for f in fields[:3]):
        raise ValueError(f"unreadable +CLCC {value!r}")
    number = fields[5] if len(fields) > 5 else ""
    return ModemCall(int(fields[0]), fields[1] == "1", int(fields[2]), number)


async def list_calls(engine: AtEngine) -> list[ModemCall] | None:
    """The calls the modem has up (released ones left out); None if it has no AT+CLCC."""
    try:
        reply = await engine.command("AT+CLCC", timeout=MEDIUM)
    except CmeError as e:
        if e.code in _NO_SIM_CODES:
            return []
        log.warning("%s: %s", engine.name, e)
        return None
    except CommandFailed as e:
        log.warning("%s: %s", engine.name, e)
        return None
    calls = []
    for value in reply.values("+CLCC:"):
        try:
            call = parse_clcc(value)
        except ValueError as e:
            log.warning("%s: %s", engine.name, e)
            continue
        if call.stat != 6:
            calls.append(call)
    return calls


def hangup_commands(call: ModemCall) -> tuple[str, ...]:
    """The hang-up commands to try for `call`, the most widely working first."""
    if call.ringing_in:
        return ("AT+CHUP", "AT+CHLD=0", "ATH")
    return ("AT+CHUP", f"AT+CHLD=1{call.idx}", "ATH")


def same_call(mine: ModemCall, listed: ModemCall) -> bool:
    """Is `listed` (a line of AT+CLCC now) the call `mine` the box is ending? Modems
    give a new call the index the ended one had (1 again), so the index alone is not
    enough: a call that was answered never rings again, and a number both show must
    match (its last 8 digits: one may be national, the other international)."""
    if listed.idx != mine.idx or listed.incoming != mine.incoming:
        return False
    if listed.ringing_in and not mine.ringing_in:
        return False  # a new caller ringing in on the index the ended call had
    a, b = _digits(mine.number)[-8:], _digits(listed.number)[-8:]
    return not (a and b and a != b)


def _digits(number: str) -> str:
    return "".join(c for c in number if c.isdigit())


async def release(engine: AtEngine, call: ModemCall, pause: Pause = asyncio.sleep) -> bool:
    """End `call` on the modem; True once AT+CLCC no longer lists it (another call on
    its index, such as the next caller ringing in, is not it: `same_call`)."""
    for command in hangup_commands(call):
        try:
            await engine.command(command, timeout=MEDIUM)
        except CommandFailed as e:
            log.info("%s: %s; trying the next hang-up command", engine.name, e)
            continue
        if await _gone(engine, call, pause):
            return True
        log.warning("%s: %s is still up after %s", engine.name, call, command)
    return False


async def _gone(engine: AtEngine, call: ModemCall, pause: Pause) -> bool:
    for attempt in range(GONE_CHECKS):
        calls = await list_calls(engine)
        if calls is None or not any(same_call(call, c) for c in calls):
            return True
        if attempt < GONE_CHECKS - 1:
            await pause(GONE_PAUSE)
    return False


async def clear_stray_calls(line: GsmLine, at_init: bool = True) -> None:
    """End every call up on the modem that the box does not own (StrayCallLeft if one
    stays up); a caller ringing in is left for the box to take. At init a modem
    without AT+CLCC is hung up blindly."""
    engine = line.engine()
    calls = await list_calls(engine)
    if calls is None:
        if at_init:
            await _hangup_blind(line)
        return
    stray = [c for c in calls if not c.ringing_in]
    if not stray or line.calls.call is not None:
        return
    for call in stray:
        log.warning("%s: %s was left up on the modem; ending it", line.name, call)
        line.set_status(state="starting", reason=f"ending a call left up on the modem ({call})",
                        reason_code="stray_call_ending")
        if not await release(engine, call, line.pause):
            raise StrayCallLeft(f"a call left up on the modem ({call}) could not be ended")
        log.info("%s: %s ended", line.name, call)
    if not at_init:
        line.network_state()  # idle again: ready (or not registered) as the network says


async def _hangup_blind(line: GsmLine) -> None:
    """No AT+CLCC: a call may be up unseen, so hang up whatever there is."""
    log.warning("%s: the modem cannot list its calls (AT+CLCC); hanging up blindly",
                line.name)
    for command in ("AT+CHUP", "ATH"):
        try:
            await line.engine().command(command, timeout=MEDIUM)
            return
        except CommandFailed as e:
            log.info("%s: %s", line.name, e)
