"""What the front panel shows: a pure function from the box's state to LED patterns.

No I/O and no clock here. The box builds a `BoxState` from what its lines and
ports report, asks `led_patterns(state, board.leds.names)` and hands each
pattern to the board's LED engine, which blinks in software (board/ledengine.py)
and ignores a pattern an LED already shows. docs/leds.md is the table, LED by
LED, state by state; HARDWARE.md section 3 is where it comes from.

LEDs are found by name on every board:
  PWR           power: solid while the firmware runs
  SYS           system: 1 Hz blink booting, solid ready, dark on a fault
  ERR           fault code: N flashes every 4 s, the lowest active code
  LINE-<line>   a GSM line (gsm0) or analog port (fxs0, fxo0): call state
  SIG-<line>    a GSM line's signal bars (N flashes every 4 s) or search state
Any other name is dark.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Literal

from board.base import Blink, Count, LedPattern, Off, Solid

System = Literal["booting", "ready", "fault"]
SimState = Literal["ready", "pin", "absent"]
Registration = Literal["registered", "searching", "denied", "none"]
PortState = Literal["idle", "ringing", "in_use", "fault"]

FAULT_NO_SIM = 1
FAULT_PIN = 2  # PIN or PUK needed
FAULT_MODEM_LOST = 3
FAULT_FXO_BATTERY = 4  # the telco line on an FXO port has no battery (cut, unplugged)
FAULT_STORAGE = 5
FAULT_CODES = {FAULT_NO_SIM: "no SIM", FAULT_PIN: "SIM PIN/PUK needed",
               FAULT_MODEM_LOST: "GSM modem lost", FAULT_FXO_BATTERY: "FXO line battery lost",
               FAULT_STORAGE: "storage failure"}

BOOTING = Blink(500, 500)  # 1 Hz
RINGING = Blink(200, 200)
SEARCHING = Blink(100, 100)  # fast: looking for a network
DENIED = Blink(100, 900)  # a short flash a second: the network refused the SIM
PORT_FAULT = Blink(100, 1900)  # a short flash every 2 s
CODE_PERIOD_MS = 4000


def _check(name: str, value: object, allowed: tuple) -> None:
    if value not in allowed:
        raise ValueError(f"{name} must be one of {', '.join(map(str, allowed))}, not {value!r}")


@dataclass(frozen=True)
class GsmLineState:
    """One GSM line as the LEDs need it. `present` False: the modem is lost."""

    sim: SimState = "ready"
    registration: Registration = "none"
    csq: int = 99
    in_call: bool = False
    ringing: bool = False
    present: bool = True

    def __post_init__(self) -> None:
        _check("sim", self.sim, ("ready", "pin", "absent"))
        _check("registration", self.registration, ("registered", "searching", "denied", "none"))
        if not (isinstance(self.csq, int) and (0 <= self.csq <= 31 or self.csq == 99)):
            raise ValueError(f"csq must be 0..31 or 99, not {self.csq!r}")

    @classmethod
    def from_modem(cls, sim: str | None, registration: int | None, csq: int | None,
                   in_call: bool = False, ringing: bool = False,
                   present: bool = True) -> GsmLineState:
        """From the modem's words: +CPIN state ("ready", "pin", "puk", "absent",
        "error"; None = not known yet), +CREG stat 0-5 and +CSQ rssi."""
        sim_state = {"pin": "pin", "puk": "pin", "absent": "absent", "error": "absent"}
        reg = {1: "registered", 5: "registered", 2: "searching", 3: "denied"}
        return cls(sim=sim_state.get(sim or "ready", "ready"),
                   registration=reg.get(registration, "none"),
                   csq=99 if csq is None else csq, in_call=in_call, ringing=ringing,
                   present=present)


@dataclass(frozen=True)
class BoxState:
    """Everything the LEDs show. `fault` is a code the box raised itself (FAULT_STORAGE)."""

    system: System = "booting"
    fault: int | None = None
    gsm: Mapping[str, GsmLineState] = field(default_factory=dict)
    ports: Mapping[str, PortState] = field(default_factory=dict)

    def __post_init__(self) -> None:
        _check("system", self.system, ("booting", "ready", "fault"))
        if self.fault is not None:
            _check("fault", self.fault, tuple(FAULT_CODES))
        for name, port_state in self.ports.items():
            _check(f"ports[{name}]", port_state, ("idle", "ringing", "in_use", "fault"))


def signal_bars(csq: int) -> int:
    """0-5 bars from +CSQ rssi (dBm = -113 + 2 * csq); 99 (unknown) is 0."""
    if csq == 99 or csq < 2:
        return 0
    for bars, floor in ((5, 25), (4, 20), (3, 15), (2, 10)):
        if csq >= floor:
            return bars
    return 1


def active_faults(state: BoxState) -> list[int]:
    """Every fault code that holds now, lowest first."""
    codes = {state.fault} if state.fault is not None else set()
    for line in state.gsm.values():
        if not line.present:
            codes.add(FAULT_MODEM_LOST)
        elif line.sim == "absent":
            codes.add(FAULT_NO_SIM)
        elif line.sim == "pin":
            codes.add(FAULT_PIN)
    for name, port_state in state.ports.items():
        if name.startswith("fxo") and port_state == "fault":
            codes.add(FAULT_FXO_BATTERY)
    return sorted(codes)


def led_patterns(state: BoxState, led_names: Iterable[str]) -> dict[str, LedPattern]:
    """The pattern for every named LED in `state`."""
    return {name: _pattern(state, name) for name in led_names}


def _pattern(state: BoxState, name: str) -> LedPattern:
    if name == "PWR":
        return Solid()
    if name == "SYS":
        return {"booting": BOOTING, "ready": Solid(), "fault": Off()}[state.system]
    if name == "ERR":
        return _err(state)
    prefix, _, line = name.partition("-")
    if prefix == "LINE" and line in state.gsm:
        return _gsm_line(state.gsm[line])
    if prefix == "LINE" and line in state.ports:
        return _port(state.ports[line])
    if prefix == "SIG" and line in state.gsm:
        return _signal(state.gsm[line])
    return Off()


def _err(state: BoxState) -> LedPattern:
    if state.system == "booting":  # line states are still settling
        return Off()
    faults = active_faults(state)
    if faults:
        return Count(faults[0], CODE_PERIOD_MS)
    return Solid() if state.system == "fault" else Off()


def _gsm_line(line: GsmLineState) -> LedPattern:
    if not line.present:
        return Off()
    if line.in_call:
        return Solid()
    return RINGING if line.ringing else Off()


def _port(port_state: PortState) -> LedPattern:
    return {"idle": Off(), "ringing": RINGING, "in_use": Solid(), "fault": PORT_FAULT}[port_state]


def _signal(line: GsmLineState) -> LedPattern:
    if not line.present or line.sim != "ready":
        return Off()
    if line.registration == "registered":
        return Count(signal_bars(line.csq), CODE_PERIOD_MS)
    return {"searching": SEARCHING, "denied": DENIED, "none": Off()}[line.registration]
