"""Voice calls on a Huawei-style GSM modem: ring, answer, dial, hang up, DTMF, audio.

`CallControl` follows the modem's call URCs (RING/+CLIP, ^ORIG, ^CONF, ^CONN,
^CEND, NO CARRIER, ^DDTMF) and sends the call commands (ATA, ATD, AT+CHUP,
AT^DTMF, AT^DDSETEX=2) through the line's current AT engine. One call at a time.
Once a call is connected it opens the modem's PCM port as a `SerialAudio` and
closes it when the call ends. Everything runs on the event loop; the line
(gsm.py) hands it URCs and swaps the engine when the modem is reopened.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import replace
from typing import Literal

from board.base import ModemPorts
from firmware.clock import Clock
from firmware.errors import LineOutOfService, SwitchboardError
from firmware.events import EventBus
from firmware.lines.at import MEDIUM, AtEngine, CallNotConnected, ModemError, Urc, split_fields
from firmware.lines.gsm_clear import ModemCall, list_calls, release, same_call
from firmware.lines.gsm_events import (
    GsmCallAnswered,
    GsmCallEnded,
    GsmDtmf,
    GsmIncomingCall,
    cause_from_q850,
    cause_from_result,
    dtmf_from_urc,
    parse_cend,
    parse_clip,
    parse_index,
)
from firmware.lines.gsm_link import SerialAudio
from firmware.lines.gsm_sms import check_number

log = logging.getLogger(__name__)

CLIP_WAIT = 0.5  # after RING, how long +CLIP may take before we announce "no number"
RING_GAP = 12.0  # no RING for this long while ringing: the caller gave up
DTMF_DIGITS = "0123456789*#"
_DTMF_URCS = ("^DDTMF", "+RXDTMF", "+DTMF", "+QTONEDET")
_CALL_RESULTS = ("NO CARRIER", "BUSY", "NO ANSWER", "NO DIALTONE")
# Other modems' call reports (HARDWARE.md 2.3): 27.007 +CLCC URCs (SIMCom AT+CLCC=1),
# ^DSCI (Huawei/Quectel), Quectel's +QIND "ccinfo", SIMCom's VOICE CALL and MISSED_CALL.
_STATE_URCS = ("+CLCC", "^DSCI", "+QIND", "VOICE CALL", "MISSED_CALL")


class CallStateError(SwitchboardError, RuntimeError):
    """The request does not fit the call's state (no call ringing, a call already up)."""


class GsmCall:
    """One voice call on a GSM line.

    state: "ringing" (incoming), "dialing"/"alerting" (outgoing), "connecting"
    (answered, audio being set up), "active", "ended". `audio` is the PCM port
    while active. `t_*` are the line clock's monotonic times.
    """

    def __init__(self, line: str, direction: Literal["in", "out"], number: str | None,
                 withheld: bool, t_start: float):
        self.line, self.direction = line, direction
        self.number, self.withheld = number, withheld
        self.state = "ringing" if direction == "in" else "dialing"
        self.idx: int | None = None
        self.t_start, self.t_answer, self.t_end = t_start, None, None
        self.cause: str | None = None
        self.q850: int | None = None
        self.audio: SerialAudio | None = None
        self.announced = False  # GsmIncomingCall published
        self.releasing: tuple[str, int] | None = None  # the box is hanging up: cause, q850
        loop = asyncio.get_running_loop()
        self._outcome: asyncio.Future[str] = loop.create_future()
        self._ended: asyncio.Future[str] = loop.create_future()

    @property
    def answered(self) -> bool:
        return self.t_answer is not None

    async def wait_answer(self, timeout: float | None = None) -> str:
        """"answered" once connected both ways, or the cause the call ended with."""
        async with asyncio.timeout(timeout):
            return await asyncio.shield(self._outcome)

    async def wait_end(self, timeout: float | None = None) -> str:
        """The cause, once the call has ended."""
        async with asyncio.timeout(timeout):
            return await asyncio.shield(self._ended)

    def __repr__(self) -> str:
        return f"<GsmCall {self.line} {self.direction} {self.number or '-'} {self.state}>"


class CallControl:
    """The call state of one line. `on_change()` is called when a call starts or ends."""

    def __init__(self, line: str, bus: EventBus, clock: Clock, on_change: Callable[[], None],
                 *, ring_gap: float = RING_GAP):
        self.line, self._bus, self._clock = line, bus, clock
        self._on_change = on_change
        self._ring_gap = ring_gap
        self.engine: AtEngine | None = None
        self.ports: ModemPorts | None = None
        self.call: GsmCall | None = None
        self._timer: asyncio.TimerHandle | None = None
        self._tasks: set[asyncio.Task] = set()

    # --- requests ----------------------------------------------------------

    async def answer(self) -> GsmCall:
        """Answer the ringing call; returns once it is connected with audio."""
        call = self.call
        if call is None or call.direction != "in" or call.state != "ringing":
            raise CallStateError(f"{self.line}: no incoming call is ringing")
        call.state = "connecting"
        self._cancel_timer()
        try:
            await self._engine().command("ATA", timeout=MEDIUM, call=True)
        except CallNotConnected as e:
            self.end(call, "abandoned", None, f"caller gone before answer ({e.result})")
            raise CallStateError(f"{self.line}: the caller hung up before the answer") from e
        except ModemError:
            self.end(call, "failed", None, "answer failed")
            raise
        await self._connect(call)
        return call

    async def dial(self, number: str) -> GsmCall:
        """Call `number`. The call object says later whether it was answered (wait_answer)."""
        number = check_number(number)
        if self.call is not None:
            raise CallStateError(f"{self.line}: a call is already up ({self.call})")
        call = GsmCall(self.line, "out", number, False, self._clock.monotonic())
        self.call = call
        self._on_change()
        log.info("%s: dialling %s", self.line, number)
        try:
            await self._engine().command(f"ATD{number};", timeout=MEDIUM, call=True)
        except CallNotConnected as e:
            self.end(call, cause_from_result(e.result, False), None, e.result)
        except (ModemError, LineOutOfService) as e:
            self.end(call, "failed", None, str(e))
        return call

    async def hangup(self) -> None:
        """Hang up (or refuse) the current call; nothing to do without one."""
        call = self.call
        if call is None:
            return
        ringing_in = call.direction == "in" and call.state == "ringing"
        call.releasing = ("rejected", 21) if ringing_in else ("normal", 16)
        self._cancel_timer()
        try:
            await self._release(call, ringing_in)
        except ModemError as e:
            log.warning("%s: hang-up failed: %s", self.line, e)
        why = "refused by the box" if ringing_in else "hung up by the box"
        self.end(call, *call.releasing, why)

    async def _release(self, call: GsmCall, ringing_in: bool) -> None:
        """Hang-up commands until the modem no longer lists the call (gsm_clear.py)."""
        engine = self._engine()
        listed = await list_calls(engine)
        wanted = ModemCall(call.idx or 0, call.direction == "in", 4 if ringing_in else 0,
                           call.number or "")
        if listed is not None:
            # a call ringing in now is a new caller unless the box is refusing a ringing one
            mine = [c for c in listed if c.incoming == wanted.incoming
                    and same_call(replace(wanted, idx=c.idx), c)]
            if not mine:
                return  # already gone (the far end was quicker)
            target = next((c for c in mine if c.idx == call.idx), mine[0])
        else:
            target = replace(wanted, idx=call.idx or 1)
        if not await release(engine, target):
            log.error("%s: the modem keeps %s up whatever hang-up command it gets",
                      self.line, target)

    async def send_dtmf(self, digits: str) -> None:
        """Play DTMF `digits` (0-9 * #) to the far party with AT^DTMF."""
        bad = [d for d in digits if d not in DTMF_DIGITS]
        if bad:
            raise ValueError(f"{self.line}: cannot send DTMF {''.join(bad)!r} (only 0-9 * #)")
        call = self.call
        if call is None or call.state != "active":
            raise CallStateError(f"{self.line}: DTMF needs a connected call")
        for digit in digits:
            await self._engine().command(f"AT^DTMF={call.idx or 1},{digit}")

    def drop(self, reason: str) -> None:
        """The modem is gone: end the call (cause failed) without talking to it."""
        if self.call is not None:
            self.end(self.call, "failed", None, reason)

    # --- URCs --------------------------------------------------------------

    def on_urc(self, urc: Urc) -> bool:
        """Follow a call URC; False when `urc` is not about calls."""
        name = urc.name
        handler = {
            "RING": self._ring, "+CRING": self._ring, "+CLIP": self._clip,
            "^ORIG": self._orig, "^CONF": self._conf, "^CONN": self._conn, "^CEND": self._cend,
        }.get(name)
        if handler is not None:
            handler(urc.value)
        elif name in _CALL_RESULTS:
            self._result(name)
        elif name in _DTMF_URCS:
            self._dtmf(name, urc.value)
        elif name in _STATE_URCS:
            self._state_report(name, urc.value)
        elif name == "+CCWA":
            log.info("%s: a second call is waiting (%s); not taken", self.line, urc.value)
        else:
            return False
        return True

    def _ring(self, _value: str) -> None:
        call = self.call
        if call is None:
            call = self._incoming(None, False)
            self._later(CLIP_WAIT, self._announce, call)
        elif call.direction == "in" and call.state == "ringing" and call.announced:
            self._later(self._ring_gap, self._ring_stopped, call)

    def _clip(self, value: str) -> None:
        try:
            number, withheld = parse_clip(value)
        except ValueError as e:
            log.warning("%s: unreadable caller ID %r: %s", self.line, value, e)
            number, withheld = None, False
        call = self.call
        if call is None:
            call = self._incoming(number, withheld)
        elif call.direction != "in" or call.state != "ringing":
            return
        if call.announced:
            self._later(self._ring_gap, self._ring_stopped, call)
        else:
            call.number, call.withheld = number, withheld
            self._announce(call)

    def _incoming(self, number: str | None, withheld: bool) -> GsmCall:
        call = GsmCall(self.line, "in", number, withheld, self._clock.monotonic())
        self.call = call
        self._on_change()
        return call

    def _announce(self, call: GsmCall) -> None:
        if self.call is not call or call.state != "ringing" or call.announced:
            return
        call.announced = True
        who = call.number or ("withheld number" if call.withheld else "unknown number")
        log.info("%s: incoming call from %s", self.line, who)
        self._bus.publish(GsmIncomingCall(self.line, call.number, call.withheld))
        self._later(self._ring_gap, self._ring_stopped, call)

    def _ring_stopped(self, call: GsmCall) -> None:
        if self.call is call and call.state == "ringing":
            self.end(call, "abandoned", None, "ringing stopped")

    def _orig(self, value: str) -> None:
        if self.call is not None and self.call.direction == "out":
            self.call.idx = _index(value)

    def _conf(self, _value: str) -> None:
        call = self.call
        if call is not None and call.direction == "out" and call.state == "dialing":
            call.state = "alerting"
            log.info("%s: %s is ringing", self.line, call.number)

    def _conn(self, value: str) -> None:
        call = self.call
        if call is None:
            return
        call.idx = _index(value) or call.idx
        if call.direction == "out" and call.state in ("dialing", "alerting"):
            call.state = "connecting"
            self._spawn(self._connect(call))

    def _cend(self, value: str) -> None:
        call = self.call
        if call is None:
            return
        try:
            _, q850 = parse_cend(value)
        except ValueError as e:
            log.warning("%s: unreadable ^CEND %r: %s", self.line, value, e)
            q850 = None
        if call.releasing is not None:
            self.end(call, call.releasing[0], q850, "released by the box")
        elif call.direction == "in" and not call.answered:
            self.end(call, "abandoned", q850, "caller hung up")
        else:
            self.end(call, cause_from_q850(q850, call.answered), q850, "network ended the call")

    def _result(self, result: str) -> None:
        call = self.call
        if call is not None and call.releasing is not None:
            self.end(call, *call.releasing, result)
        elif call is not None and call.state != "ringing":
            self.end(call, cause_from_result(result, call.answered), None, result)

    def _state_report(self, name: str, value: str) -> None:
        """A modem that reports call states instead of (or beside) ^ORIG/^CONN/^CEND."""
        report = parse_state_report(name, value)
        call = self.call
        if report is None or call is None:
            return
        idx, stat = report
        if idx is not None and call.idx is not None and idx != call.idx:
            return  # another call (waiting): not ours
        if stat == "released":
            self._cend("")
        elif stat == "alerting":
            self._conf("")
        elif stat == "active" and call.direction == "out":
            self._conn(str(idx) if idx is not None else "")
        elif idx is not None and call.idx is None and stat in ("dialing", "incoming"):
            call.idx = idx

    def _dtmf(self, name: str, value: str) -> None:
        digit = dtmf_from_urc(name, value)
        if digit is None:
            log.warning("%s: unreadable DTMF report %s: %r", self.line, name, value)
        elif self.call is not None:
            log.debug("%s: DTMF received", self.line)  # never the digit: it may be a PIN
            self._bus.publish(GsmDtmf(self.line, digit))

    # --- connection and end ------------------------------------------------

    async def _connect(self, call: GsmCall) -> None:
        """Answered: switch the modem's audio to the PCM port and open it."""
        try:
            await self._engine().command("AT^DDSETEX=2")
        except ModemError as e:
            log.warning("%s: AT^DDSETEX=2 failed: %s", self.line, e)
        if self.call is not call or call.state != "connecting":
            return
        call.audio = await self._open_audio()
        if self.call is not call or call.state != "connecting":
            self._close_audio(call.audio)
            return
        call.state, call.t_answer = "active", self._clock.monotonic()
        log.info("%s: call with %s connected", self.line, call.number or "unknown number")
        self._bus.publish(GsmCallAnswered(self.line))
        _resolve(call._outcome, "answered")

    async def _open_audio(self) -> SerialAudio | None:
        ports = self.ports
        if ports is None or not ports.audio_url:
            log.warning("%s: modem has no audio port; the call has no sound", self.line)
            return None
        audio = SerialAudio(f"{self.line}-audio", ports.audio_url, ports.baudrate)
        try:
            await asyncio.to_thread(audio.open)
        except Exception as e:
            log.error("%s: cannot open audio port %s: %s", self.line, ports.audio_url, e)
            await asyncio.to_thread(audio.close)
            return None
        return audio

    def end(self, call: GsmCall, cause: str, q850: int | None, why: str) -> None:
        """Mark `call` ended with `cause`, close its audio and tell the bus (once)."""
        if call.state == "ended":
            return
        call.state, call.cause, call.q850 = "ended", cause, q850
        call.t_end = self._clock.monotonic()
        if self.call is call:
            self.call = None
            self._cancel_timer()
        self._close_audio(call.audio)
        log.info("%s: call %s ended: %s (%s%s)", self.line, call.number or "-", cause, why,
                 f", cause {q850}" if q850 is not None else "")
        _resolve(call._outcome, cause)
        _resolve(call._ended, cause)
        self._bus.publish(GsmCallEnded(self.line, cause, q850))
        self._on_change()

    def _close_audio(self, audio: SerialAudio | None) -> None:
        if audio is not None:
            self._spawn(asyncio.to_thread(audio.close))

    # --- helpers -----------------------------------------------------------

    def _engine(self) -> AtEngine:
        if self.engine is None:
            raise LineOutOfService(f"{self.line}: modem not connected")
        return self.engine

    def _later(self, delay: float, fn: Callable[[GsmCall], None], call: GsmCall) -> None:
        self._cancel_timer()
        self._timer = asyncio.get_running_loop().call_later(delay, fn, call)

    def _cancel_timer(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _spawn(self, coro) -> None:
        task = asyncio.get_running_loop().create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._task_done)

    def _task_done(self, task: asyncio.Task) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("%s: call task failed: %s", self.line, task.exception())

    async def close(self) -> None:
        """Wait for audio closes and connection tasks to finish (line stopping)."""
        self._cancel_timer()
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)


def parse_state_report(name: str, value: str) -> tuple[int | None, str] | None:
    """(call index, "dialing"|"alerting"|"active"|"incoming"|"released"|...) from a
    +CLCC/^DSCI/+QIND "ccinfo"/VOICE CALL/MISSED_CALL report; None if not a call state."""
    upper = value.strip().upper()
    if name == "VOICE CALL":
        if upper.startswith("END"):
            return None, "released"
        return None
    if name == "MISSED_CALL":
        return None, "released"
    fields = split_fields(value)
    if name == "+QIND":
        if not fields or fields[0].lower() != "ccinfo":
            return None
        fields = fields[1:]
    if len(fields) < 3:
        return None
    try:
        idx, stat = int(fields[0]), int(fields[2])
    except ValueError:
        return None
    return idx, _CALL_STATES.get(stat, "released")


_CALL_STATES = {0: "active", 1: "held", 2: "dialing", 3: "alerting", 4: "incoming",
                5: "waiting", 6: "released", 7: "released"}


def _index(value: str) -> int | None:
    try:
        return parse_index(value)
    except ValueError:
        return None


def _resolve(future: asyncio.Future, value: str) -> None:
    if not future.done():
        future.set_result(value)
