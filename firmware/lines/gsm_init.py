"""Bringing a GSM modem up and keeping track of its SIM, network and signal.

`initialise(line)` runs the init sequence of the real drivers (HARDWARE.md 2.2:
chan_dongle, python-gsmmodem) through the line's AT engine; `unlock_sim`
answers a SIM PIN request once, and never again after the SIM refused the PIN
(three wrong PINs lock the SIM behind its PUK). `poll_network` is the periodic
ping: AT+CSQ and AT+CREG? (and AT+COPS? once registered). `StatusUrcs` follows
the unsolicited reports that change the line's status (+CREG, ^RSSI, ^SIMST,
+CPIN, RDY). All of it acts on a `GsmLine` (gsm.py) through `engine()`,
`status`, `set_status()`, `network_state()`, `wake()` and `lose()`.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

from firmware.config.schema_base import is_digits
from firmware.lines.at import MEDIUM, CmeError, CommandFailed, ModemTimeout, Urc
from firmware.lines.gsm_clear import clear_stray_calls
from firmware.lines.gsm_events import (
    REGISTERED,
    parse_cops,
    parse_cpin,
    parse_creg,
    parse_csq,
)

if TYPE_CHECKING:
    from firmware.lines.gsm import GsmLine

log = logging.getLogger(__name__)

WAKE_TRIES = 3
SIM_READY_WAIT = 10.0  # after a PIN, seconds the SIM may take to report READY
_CME_SIM = {10: "absent", 11: "pin", 12: "puk", 13: "error", 15: "error"}
_SIMST_STATES = {0: "error", 1: "ready", 2: "error", 3: "ready", 4: "error", 255: "absent"}
_SIM_STATES = {  # SIM -> line state, reason, reason code
    "absent": ("no_sim", "no SIM card", "sim_absent"),
    "puk": ("sim_error", "SIM locked: PUK required", "sim_puk"),
    "error": ("sim_error", "SIM card not usable", "sim_unusable"),
    "pin": ("pin_required", "SIM needs a PIN and none is configured", "sim_pin_missing"),
}
# Settings the line needs but can live without if a modem refuses them.
_OPTIONAL = ("AT+COPS=3,0", "AT+CRC?", 'AT+CSCS="GSM"', "AT+CSMP=17,167,0,0",
             "AT+CNMI=2,1,0,0,0")


async def initialise(line: GsmLine, after_sim: bool = False) -> None:
    """Run the init sequence; ends with the line ready, not registered, or SIM-blocked.
    A call left up on the modem is ended first (gsm_clear.py): not ready before."""
    if not after_sim:
        line.set_status(state="starting", reason="initialising modem", reason_code="", sim=None)
        await _wake(line)
        engine = line.engine()
        await engine.command("ATZ", timeout=MEDIUM)
        await engine.command("ATE0")
        await engine.command("AT+CMEE=1")
        await _identify(line)
        await clear_stray_calls(line)
        if not await unlock_sim(line):
            return
    await _settings(line)
    await poll_network(line)
    line.network_state()


async def _wake(line: GsmLine) -> None:
    """Plain `AT` until the modem answers: it may still be booting."""
    for attempt in range(1, WAKE_TRIES + 1):
        try:
            await line.engine().command("AT")
            return
        except ModemTimeout:
            if attempt == WAKE_TRIES:
                raise
        except CommandFailed:
            return  # answering, if grumpily


async def _identify(line: GsmLine) -> None:
    for key, command in (("manufacturer", "AT+CGMI"), ("model", "AT+CGMM"),
                         ("revision", "AT+CGMR"), ("imei", "AT+CGSN")):
        line.info[key] = await _text(line, command)
    if line.info.get("manufacturer") and "huawei" not in line.info["manufacturer"].lower():
        log.warning("%s: %s modem: this driver speaks the Huawei dialect", line.name,
                    line.info["manufacturer"])
    log.info("%s: modem %s %s, IMEI %s", line.name, line.info.get("manufacturer") or "?",
             line.info.get("model") or "?", line.info.get("imei") or "?")


async def _text(line: GsmLine, command: str) -> str | None:
    """The one text line a command like AT+CGMI answers (with or without its prefix)."""
    try:
        reply = await line.engine().command(command, freeform=True)
    except CommandFailed as e:
        log.info("%s: %s", line.name, e)
        return None
    if not reply.lines:
        return None
    text = reply.lines[0]
    prefix = command[2:] + ":"
    return text[len(prefix):].strip() if text.upper().startswith(prefix) else text


async def query_sim(line: GsmLine) -> str:
    """Ask AT+CPIN? and return "ready", "pin", "puk", "absent" or "error"."""
    try:
        reply = await line.engine().command("AT+CPIN?", timeout=MEDIUM)
    except CmeError as e:
        return _CME_SIM.get(e.code, "error")
    value = reply.value("+CPIN:")
    return parse_cpin(value) if value is not None else "error"


async def unlock_sim(line: GsmLine) -> bool:
    """Get the SIM ready (sending the configured PIN once); False if it cannot be."""
    sim = await query_sim(line)
    if sim == "pin" and line.sim_pin and not line.pin_refused:
        sim = await _enter_pin(line)
    if sim == "ready":
        line.set_status(sim="ready")
        return True
    state, reason, code = _SIM_STATES[sim]
    if sim == "pin" and line.pin_refused:
        reason = ("the SIM refused the configured PIN; it is not sent again (wrong PINs "
                  "lock the SIM behind its PUK): set the right PIN")
        code = "sim_pin_refused"
    log.warning("%s: %s", line.name, reason)
    line.set_status(state=state, sim=sim, reason=reason, reason_code=code, registration=None,
                    operator=None)
    return False


async def _enter_pin(line: GsmLine) -> str:
    try:
        await line.engine().command(f'AT+CPIN="{line.sim_pin}"', timeout=MEDIUM)
    except CmeError as e:
        line.pin_refused = True
        log.error("%s: SIM PIN refused (%s)", line.name, e)
        return "puk" if e.code == 12 else "pin"
    log.info("%s: SIM PIN accepted", line.name)
    deadline = asyncio.get_running_loop().time() + SIM_READY_WAIT
    while True:
        sim = await query_sim(line)
        if sim != "pin" or asyncio.get_running_loop().time() > deadline:
            return sim
        await line.pause(0.5)


async def _settings(line: GsmLine) -> None:
    engine = line.engine()
    line.info["imsi"] = await _text(line, "AT+CIMI")
    await engine.command("AT+CREG=2")
    await engine.command("AT+CLIP=1")
    await engine.command("AT+CMGF=1")
    for command in _OPTIONAL:
        try:
            await engine.command(command)
        except CommandFailed as e:
            log.warning("%s: %s", line.name, e)
    await _voice(line)


async def _voice(line: GsmLine) -> None:
    """Check (and if needed enable) voice: `^CVOICE: 0,8000,16,20` means PCM voice on."""
    engine = line.engine()
    for attempt in range(2):
        try:
            reply = await engine.command("AT^CVOICE?")
            if reply.value("^CVOICE:") is not None:
                line.info["voice"] = reply.value("^CVOICE:")
                return
        except CommandFailed:
            pass
        if attempt == 0:
            try:
                await engine.command("AT^CVOICE=0")
            except CommandFailed:
                break
    line.info["voice"] = None
    log.warning("%s: voice is disabled in the modem's firmware: calls will have no audio",
                line.name)


async def poll_network(line: GsmLine) -> None:
    """The periodic ping: signal and registration (and the operator once registered)."""
    engine = line.engine()
    changes: dict = {}
    reply = await engine.command("AT+CSQ")
    if (value := reply.value("+CSQ:")) is not None:
        changes["csq"] = _or_none(parse_csq, value, line, "+CSQ")
    reply = await engine.command("AT+CREG?")
    if (value := reply.value("+CREG:")) is not None:
        changes["registration"] = _or_none(lambda v: parse_creg(v, query=True), value, line,
                                           "+CREG")
    if changes.get("registration") in REGISTERED and line.status.operator is None:
        try:
            reply = await engine.command("AT+COPS?", timeout=MEDIUM)
            changes["operator"] = parse_cops(reply.value("+COPS:") or "")
        except CommandFailed as e:
            log.info("%s: %s", line.name, e)
    elif "registration" in changes and changes["registration"] not in REGISTERED:
        changes["operator"] = None
    line.set_status(**changes)


def _or_none(parse, value: str, line: GsmLine, what: str):
    try:
        return parse(value)
    except (ValueError, IndexError) as e:
        log.warning("%s: unreadable %s %r: %s", line.name, what, value, e)
        return None


class StatusUrcs:
    """Follows the unsolicited reports that change a line's status."""

    def __init__(self, line: GsmLine):
        self.line = line

    def handle(self, urc: Urc) -> bool:
        """Act on `urc`; False if it is not about SIM, network or signal."""
        handler = {
            "+CREG": self._creg, "^RSSI": self._rssi, "+CSQ": self._rssi,
            "^SIMST": self._simst, "+CPIN": self._cpin, "^SRVST": self._srvst,
            "RDY": self._restarted, "POWERED DOWN": self._restarted,
        }.get(urc.name)
        if handler is None:
            return False
        handler(urc)
        return True

    def _creg(self, urc: Urc) -> None:
        stat = _or_none(lambda v: parse_creg(v, query=False), urc.value, self.line, "+CREG")
        if stat is not None:
            changes = {"registration": stat}
            if stat not in REGISTERED:
                changes["operator"] = None
            self.line.set_status(**changes)
            self.line.wake()

    def _rssi(self, urc: Urc) -> None:
        csq = _or_none(parse_csq, urc.value, self.line, urc.name)
        if csq is not None:
            self.line.set_status(csq=csq)

    def _simst(self, urc: Urc) -> None:
        code = urc.value.split(",")[0].strip()
        if is_digits(code):
            self._sim(_SIMST_STATES.get(int(code), "error"))

    def _cpin(self, urc: Urc) -> None:
        self._sim(parse_cpin(urc.value))

    def _sim(self, sim: str) -> None:
        status = self.line.status
        if status.state in ("starting", "out_of_service") or sim == status.sim:
            return
        if sim == "ready":
            self.line.wake()  # the supervisor unlocks and re-initialises
            return
        state, reason, code = _SIM_STATES[sim]
        log.warning("%s: %s", self.line.name, reason)
        self.line.set_status(state=state, sim=sim, reason=reason, reason_code=code,
                             registration=None,
                             operator=None)

    def _srvst(self, urc: Urc) -> None:
        self.line.wake()  # service changed: ask for the registration now

    def _restarted(self, urc: Urc) -> None:
        if self.line.status.state != "starting":
            self.line.lose(f"modem restarted ({urc.line})")
