"""The GSM line driver: one USB GSM modem (Huawei E1550 dialect) as a box line.

Wiring: the board says where the modem's ports are (`ModemPorts`, or a function
that re-reads the board's device list and returns the current ones). The line
opens the AT port with pyserial (`SerialLink`: reader/writer threads, bytes
moved onto the event loop), talks to it through an `AtEngine`, follows calls
with `CallControl` and publishes what happens on the `EventBus`: status
changes, incoming calls, answers, hang-ups, DTMF digits, received SMS.

A supervisor task owns the modem: open, initialise (HARDWARE.md 2.2), unlock
the SIM, then poll signal and registration every `poll_interval` seconds.
A read error, a closed port, a "POWERED DOWN"/"RDY" or `hung_after` commands
in a row without an answer mean the modem is lost: the line reports
out_of_service, closes, re-reads the ports and reopens with a backoff that
doubles up to 5 s. A SIM PIN the SIM refused is never sent again (PUK lock).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from dataclasses import asdict, replace

import serial

from board.base import ModemPorts
from firmware.clock import Clock, SystemClock
from firmware.config.reasons import reason
from firmware.config.schema_base import is_digits
from firmware.errors import ConfigError, LineOutOfService
from firmware.events import EventBus
from firmware.lines.at import (
    LONG,
    AtEngine,
    ModemError,
    ModemGone,
    ModemTimeout,
    Urc,
    split_fields,
)
from firmware.lines.gsm_calls import RING_GAP, CallControl, CallStateError, GsmCall
from firmware.lines.gsm_clear import StrayCallLeft, clear_stray_calls
from firmware.lines.gsm_events import (
    REGISTERED,
    REGISTRATION_WORDS,
    GsmCallAnswered,
    GsmCallEnded,
    GsmDtmf,
    GsmIncomingCall,
    GsmSmsReceived,
    GsmStatus,
    GsmStatusChanged,
    parse_ccfc,
)
from firmware.lines.gsm_init import (
    StatusUrcs,
    initialise,
    poll_network,
    query_sim,
    unlock_sim,
)
from firmware.lines.gsm_link import SerialLink
from firmware.lines.gsm_sms import check_number, from_ucs2_hex, read_sms, send_sms
from firmware.lines.model import LineStateChanged

__all__ = [
    "CallStateError", "GsmCall", "GsmCallAnswered", "GsmCallEnded", "GsmDtmf",
    "GsmIncomingCall", "GsmLine", "GsmSmsReceived", "GsmStatus", "GsmStatusChanged",
]

log = logging.getLogger(__name__)

BACKOFF_START = 0.5
BACKOFF_CAP = 5.0
PortsSource = ModemPorts | Callable[[], ModemPorts | None]


class ModemLost(ModemGone):
    """The supervisor decided the modem is gone or hung; it will reopen it."""


class GsmLine:
    """One GSM line, an outside line of the line model (firmware/lines/model.py).
    `ports` is the modem's ModemPorts or a function returning the current ones
    (None when the modem is not plugged in)."""

    kind = "gsm"
    features = frozenset({"forwarding", "sms"})
    LOST = ("modem_lost", "modem lost")  # a call's record when the modem is lost under it

    def __init__(self, name: str, ports: PortsSource, bus: EventBus, *,
                 sim_pin: str | None = None, clock: Clock | None = None,
                 poll_interval: float = 10.0, hung_after: int = 2,
                 ring_gap: float = RING_GAP):
        self.name, self._ports, self._bus = name, ports, bus
        self.clock = clock or SystemClock()
        self.poll_interval, self.hung_after = poll_interval, hung_after
        self.status = GsmStatus()
        self.line_state = "fault"  # the line model's state (LINE_STATES), from the status
        self.info: dict[str, str | None] = {}
        self.sim_pin: str | None = None
        self.pin_refused = False
        self.calls = CallControl(name, bus, self.clock, self._on_call_change, ring_gap=ring_gap)
        self._urcs = StatusUrcs(self)
        self._engine: AtEngine | None = None
        self._link: SerialLink | None = None
        self._lost = asyncio.Event()
        self._wake = asyncio.Event()
        self._lost_reason = ""
        self._task: asyncio.Task | None = None
        self._stopping = False
        self._charset = asyncio.Lock()
        self._sms_tasks: set[asyncio.Task] = set()
        self.set_sim_pin(sim_pin)

    # --- lifecycle ---------------------------------------------------------

    async def start(self) -> None:
        """Start supervising the modem; returns at once (init runs as a task)."""
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(self._run(), name=self.name)

    async def stop(self) -> None:
        """Hang up any call, close the ports and stop supervising."""
        if self.calls.call is not None and self._engine is not None:
            with contextlib.suppress(ModemError, LineOutOfService, TimeoutError):
                async with asyncio.timeout(3.0):
                    await self.calls.hangup()
        await self._stop_supervisor()
        for task in list(self._sms_tasks):
            task.cancel()
        await self.calls.close()
        self._out_of_service("stopped")

    async def _stop_supervisor(self) -> None:
        self._stopping = True
        self._wake.set()
        task, self._task = self._task, None
        while task is not None and not task.done():
            task.cancel()  # again if a library swallowed the first cancel
            await asyncio.wait({task}, timeout=1.0)
        if task is not None and not task.cancelled() and task.exception() is not None:
            log.error("%s: supervisor ended with %r", self.name, task.exception())
        self._stopping = False

    def set_sim_pin(self, pin: str | None) -> None:
        """A new SIM PIN from the owner: tried once, at once if the SIM waits for it.
        The same PIN again changes nothing: a PIN the SIM refused is never resent (three
        wrong PINs lock the SIM behind its PUK)."""
        if pin is not None and not is_digits(pin, 4, 8):
            raise ConfigError([(f"{self.name}.sim_pin", reason("sim_pin_digits"))])
        if pin == self.sim_pin:
            return
        self.sim_pin, self.pin_refused = pin, False
        self.wake()

    @property
    def call(self) -> GsmCall | None:
        """The call on this line, if any."""
        return self.calls.call

    def available(self) -> bool:
        """Registered with no call: a call may be placed on it now."""
        return self.call is None and self.status.state == "ready"

    def status_dict(self) -> dict:
        """The line in `status` ("lines"): the line model's state and the modem's status."""
        return {"kind": self.kind, **asdict(self.status), "state": self.line_state,
                "modem_state": self.status.state}

    # --- what the call core asks -----------------------------------------

    async def answer(self) -> GsmCall:
        """Answer the ringing call; returns once connected with audio."""
        return await self.calls.answer()

    async def dial(self, number: str) -> GsmCall:
        """Call `number`; `await call.wait_answer()` gives "answered" or the cause."""
        self._require_service()
        return await self.calls.dial(number)

    async def hangup(self) -> None:
        """Hang up (or refuse) the current call."""
        await self.calls.hangup()

    async def send_dtmf(self, digits: str) -> None:
        """Play DTMF digits to the far party (AT^DTMF)."""
        await self.calls.send_dtmf(digits)

    async def send_sms(self, number: str, text: str) -> list[int]:
        """Send an SMS (split into parts if long); returns the message references."""
        engine = self._require_service()
        async with self._charset:
            return await send_sms(engine, number, text)

    async def set_forwarding(self, number: str | None) -> None:
        """Forward every call to `number` in the network (AT+CCFC reason 0); None stops it."""
        engine = self._require_service()
        if number is None:
            command = "AT+CCFC=0,4"
        else:
            number = check_number(number)
            command = f'AT+CCFC=0,3,"{number}",{145 if number.startswith("+") else 129}'
        async with self._charset:
            await engine.command(command, timeout=LONG)
        log.info("%s: call forwarding %s", self.name, f"to {number}" if number else "off")

    async def forwarding(self) -> str | None:
        """The number the network forwards every call to, or None."""
        engine = self._require_service()
        async with self._charset:
            reply = await engine.command("AT+CCFC=0,2", timeout=LONG)
        return parse_ccfc(reply.values("+CCFC:"))

    def _require_service(self) -> AtEngine:
        if self._engine is None or self.status.state != "ready":
            why = self.status.reason or self.status.state
            raise LineOutOfService(f"{self.name} is not in service: {why}")
        return self._engine

    # --- supervision -------------------------------------------------------

    async def _run(self) -> None:
        backoff = BACKOFF_START
        while not self._stopping:
            ports = await self._current_ports()
            if ports is None:
                reason = "modem not present"
            else:
                reason, was_up = await self._session(ports)
                if was_up:
                    backoff = BACKOFF_START
            log.warning("%s: modem lost (%s), reopening in %g s", self.name, reason, backoff)
            same = self.status.reason == reason  # keep the code the session gave it
            self._out_of_service(reason, self.status.reason_code if same else "")
            await asyncio.sleep(backoff)
            backoff = min(backoff * 2, BACKOFF_CAP)

    async def _current_ports(self) -> ModemPorts | None:
        if not callable(self._ports):
            return self._ports
        try:
            return await asyncio.to_thread(self._ports)
        except Exception as e:
            log.error("%s: cannot list the board's modems: %s", self.name, e)
            return None

    async def _session(self, ports: ModemPorts) -> tuple[str, bool]:
        """Open, initialise and supervise the modem until it is lost: (why, was it up)."""
        self._up, code = False, ""
        try:
            try:
                await self._open(ports)
                await initialise(self)
                self._up = True
                await self._supervise()
                reason = "session ended"
            except StrayCallLeft as e:
                reason, code = str(e), "stray_call_stuck"
            except (ModemError, OSError, serial.SerialException) as e:
                reason = self._lost_reason or str(e)
            except Exception as e:  # a bug must not kill the line: log it and reopen
                log.exception("%s: driver error", self.name)
                reason = f"driver error: {e}"
            self._out_of_service(reason, code)  # before the call ends: listeners see why
        finally:
            await self._close()
        return reason, self._up

    def _out_of_service(self, reason: str, code: str = "") -> None:
        self._set(state="out_of_service", reason=reason, reason_code=code, registration=None,
                  csq=None, operator=None)

    async def _open(self, ports: ModemPorts) -> None:
        self._lost.clear()
        self._lost_reason = ""
        loop = asyncio.get_running_loop()
        engine = AtEngine(self.name, lambda data: link.write(data), self._on_urc)
        link = SerialLink(self.name, ports.at_url, ports.baudrate, loop,
                          engine.feed, self._on_link_lost)
        self._engine, self._link = engine, link
        self.calls.engine, self.calls.ports = engine, ports
        await asyncio.to_thread(link.open)
        log.info("%s: opened %s", self.name, ports.at_url)

    async def _close(self) -> None:
        engine, link = self._engine, self._link
        self._engine = self._link = None
        self.calls.engine = None
        self.calls.drop("modem lost")
        if engine is not None:
            engine.close("line closing")
        if link is not None:
            await asyncio.to_thread(link.close)

    def _on_link_lost(self, exc: Exception) -> None:
        self._lost_reason = f"port error: {exc}"
        if self._engine is not None:
            self._engine.close(exc)
        self._lost.set()

    async def pause(self, seconds: float) -> None:
        """Wait `seconds` or until woken; raise ModemLost if the port dies meanwhile."""
        waits = [asyncio.ensure_future(self._lost.wait()), asyncio.ensure_future(self._wake.wait())]
        try:
            await asyncio.wait(waits, timeout=seconds, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for w in waits:
                w.cancel()
        self._wake.clear()
        if self._stopping:
            raise asyncio.CancelledError
        if self._lost.is_set():
            raise ModemLost(self._lost_reason or "port closed")

    def wake(self) -> None:
        """Make the supervisor look at the modem now (a URC changed something)."""
        self._wake.set()

    def lose(self, reason: str) -> None:
        """Declare the modem lost (restarted, powered down): reopen it."""
        self._lost_reason = reason
        if self._engine is not None:
            self._engine.close(reason)
        self._lost.set()

    async def _supervise(self) -> None:
        while True:
            await self.pause(self.poll_interval)
            try:
                await self._check()
            except ModemTimeout as e:
                if self._engine is None or self._engine.timeouts_in_row >= self.hung_after:
                    raise ModemLost(f"modem stopped answering: {e}") from e
                log.info("%s: %s; asking again", self.name, e)

    async def _check(self) -> None:
        """One supervision round: SIM first if it was not usable, then the network."""
        if self.status.state in ("no_sim", "sim_error", "pin_required"):
            sim = await query_sim(self)
            new_pin = sim == "pin" and self.sim_pin and not self.pin_refused
            if sim == self.status.sim and sim != "ready" and not new_pin:
                return
            if await unlock_sim(self):
                await initialise(self, after_sim=True)
            return
        await poll_network(self)
        if self._engine is not None and self._engine.timeouts_in_row >= self.hung_after:
            raise ModemLost("modem stopped answering")
        if self.calls.call is None:  # idle: the modem must be too (a hang-up it ignored)
            await clear_stray_calls(self, at_init=False)

    def engine(self) -> AtEngine:
        """The AT engine of the open modem (LineOutOfService when none is)."""
        if self._engine is None:
            raise LineOutOfService(f"{self.name}: modem not connected")
        return self._engine

    # --- status ------------------------------------------------------------

    def set_status(self, **changes) -> None:
        """Change fields of the status; publish GsmStatusChanged if it changed."""
        self._set(**changes)

    def _set(self, **changes) -> None:
        status = replace(self.status, **changes, in_call=self.calls.call is not None)
        if status.state in ("ready", "not_registered") and "state" not in changes:
            status = replace(status, **_network_state(status))
        if status == self.status:
            return
        old, self.status = self.status, status
        _log_change(self.name, old, status)
        self._bus.publish(GsmStatusChanged(self.name, status))
        self._publish_line_state()

    def _publish_line_state(self) -> None:
        call = self.calls.call
        if self.status.state != "ready" and call is None:
            state, reason = "fault", self.status.reason or self.status.state.replace("_", " ")
        elif call is not None and call.direction == "in" and not call.answered:
            state, reason = "ringing", ""
        else:
            state, reason = ("in_use" if call is not None else "idle"), ""
        if state != self.line_state:
            self.line_state = state
            self._bus.publish(LineStateChanged(self.name, state, reason))

    def network_state(self) -> None:
        """Set ready / not_registered from the SIM and registration now known."""
        self._set(**_network_state(self.status))

    def _on_call_change(self) -> None:
        self._set()

    # --- URCs --------------------------------------------------------------

    def _on_urc(self, urc: Urc) -> None:
        if self.calls.on_urc(urc):
            return
        if urc.name == "+CMTI":
            self._spawn_sms(self._fetch_sms(urc.value))
        elif urc.name == "+CMT":
            self._bus.publish(GsmSmsReceived(self.name, _cmt_sender(urc.value),
                                             from_ucs2_hex(urc.body or "")))
        elif not self._urcs.handle(urc):
            log.debug("%s: unsolicited %s", self.name, urc.line)

    def _spawn_sms(self, coro) -> None:
        task = asyncio.get_running_loop().create_task(coro)
        self._sms_tasks.add(task)
        task.add_done_callback(self._sms_tasks.discard)

    async def _fetch_sms(self, value: str) -> None:
        index = value.rpartition(",")[2].strip()
        if not is_digits(index):
            log.warning("%s: unreadable +CMTI %r", self.name, value)
            return
        try:
            async with self._charset:
                sender, text = await read_sms(self.engine(), int(index))
        except (ModemError, LineOutOfService, ValueError) as e:
            log.error("%s: could not read SMS %s: %s", self.name, index, e)
            return
        log.info("%s: SMS from %s (%d characters)", self.name, sender, len(text))
        self._bus.publish(GsmSmsReceived(self.name, sender, text))


def _network_state(status: GsmStatus) -> dict:
    if status.sim != "ready":
        return {}
    if status.registration in REGISTERED:
        return {"state": "ready", "reason": "", "reason_code": ""}
    word = REGISTRATION_WORDS.get(status.registration, "registration unknown")
    return {"state": "not_registered", "reason": word, "reason_code": ""}


def _log_change(name: str, old: GsmStatus, new: GsmStatus) -> None:
    if new.state == "ready" and (old.state != "ready" or old.registration != new.registration):
        log.info("%s: %s, signal %s/31%s", name, REGISTRATION_WORDS[new.registration],
                 new.csq if new.csq is not None else "?",
                 f", {new.operator}" if new.operator else "")
    elif new.state != old.state or new.reason != old.reason:
        log.info("%s: %s%s", name, new.state.replace("_", " "),
                 f" ({new.reason})" if new.reason else "")
    elif new.csq != old.csq:
        log.debug("%s: signal %s/31", name, new.csq)


def _cmt_sender(value: str) -> str:
    return from_ucs2_hex(split_fields(value)[0])

