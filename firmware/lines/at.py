"""The AT engine: one command in flight, replies split from unsolicited codes.

Drives a GSM modem's AT port (Huawei dialect first, 3GPP 27.007/27.005 for the
rest). It does no I/O itself: the driver hands it a `write(bytes)` function and
feeds it every byte the port's reader thread received (`feed`, on the event
loop). `command()` queues one command, writes it whole with `\\r`, and returns
the reply lines when the final result code arrives, or raises the exception
the final code maps to. Lines that are not part of the pending reply (RING,
+CLIP, ^CEND, +CREG in its unsolicited form, ...) go to the URC handler even
when they arrive in the middle of a reply.

Attribution rules, in order, for one received line:
  1. a final result code of the pending command ends it;
  2. a line with the pending command's reply prefix (`+CSQ:` for `AT+CSQ`)
     belongs to it (`+CREG:`/`+CGREG:`/`+CEREG:` only in their query form);
  3. a known URC, or any other `+XXX:`/`^XXX:` line, goes to the URC handler;
  4. the echo of a command we sent is dropped;
  5. any other text belongs to a command that takes free-form lines (CGMI,
     CGSN, CMGR's body) and is dropped (logged) otherwise.
Bytes outside printable ASCII are junk and skipped: modem text is ASCII and
UCS2 text travels hex-encoded.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from firmware.config.schema_base import is_digits
from firmware.errors import SwitchboardError

log = logging.getLogger(__name__)

SHORT = 2.0  # plain settings and queries
MEDIUM = 10.0  # SIM and call control
LONG = 60.0  # network round trips: SMS, call forwarding, operator selection

BUSY_RETRY_CODES = (14, 515)  # SIM busy, init/processing in progress
BUSY_RETRIES = 5
BUSY_BACKOFF = 0.2  # seconds, doubled per retry

CTRL_Z = b"\x1a"
_MAX_PARTIAL = 4096

CME_MEANINGS = {
    0: "phone failure", 1: "no connection to phone", 3: "operation not allowed",
    4: "operation not supported", 5: "PH-SIM PIN required", 10: "SIM not inserted",
    11: "SIM PIN required", 12: "SIM PUK required", 13: "SIM failure", 14: "SIM busy",
    15: "SIM wrong", 16: "incorrect password", 17: "SIM PIN2 required",
    18: "SIM PUK2 required", 20: "memory full", 21: "invalid index", 22: "not found",
    23: "memory failure", 30: "no network service", 31: "network timeout",
    32: "network not allowed, emergency calls only", 100: "unknown error",
    515: "initialisation or processing in progress",
}
CMS_MEANINGS = {
    300: "ME failure", 301: "SMS service reserved", 302: "operation not allowed",
    303: "operation not supported", 304: "invalid PDU mode parameter",
    305: "invalid text mode parameter", 310: "SIM not inserted", 311: "SIM PIN required",
    313: "SIM failure", 314: "SIM busy", 315: "SIM wrong", 316: "SIM PUK required",
    320: "memory failure", 321: "invalid memory index", 322: "memory full",
    330: "SMSC address unknown", 331: "no network service", 332: "network timeout",
    500: "unknown error",
}

# Result codes that end a call command (ATD, ATA); outside one they are URCs.
CALL_RESULTS = ("NO CARRIER", "BUSY", "NO ANSWER", "NO DIALTONE")

# Unsolicited codes (HARDWARE.md 2.6). Matched as the line's head up to ':'
# or as the whole line.
URC_NAMES = frozenset({
    "RING", "+CRING", "+CLIP", "+CLCC", "+CCWA", "+CSSI", "+CSSU", "^ORIG", "^CONF",
    "^CONN", "^CEND", "^DDTMF", "^BOOT", "^RSSI", "^MODE", "^SRVST", "^SIMST",
    "^SMMEMFULL", "^CVOICE", "+QIND", "^DSCI", "VOICE CALL", "MISSED_CALL",
    "+QTONEDET", "+RXDTMF", "+DTMF", "+CREG", "+CGREG", "+CEREG", "+CSQ", "+CSQN",
    "+CPIN", "+CMTI", "+CMT", "+CDSI", "+CDS", "+CBM", "+CUSD", "+CIEV", "*PSUTTZ",
    "NO CARRIER", "BUSY", "NO ANSWER", "NO DIALTONE", "RDY", "POWERED DOWN", "+CFUN",
    "+QUSIM", "^STIN", "^NWTIME", "^HCSQ", "^DSFLOWRPT", "^EARST", "^ACTIVEBAND",
})
# URCs whose text continues on the next line.
TWO_LINE_URCS = frozenset({"+CMT", "+CDS", "+CBM"})
# Registration codes: the query reply is `+CREG: <n>,<stat>...` (second field a
# plain number), the URC is `+CREG: <stat>[,"<lac>","<ci>"...]`.
_REG_NAMES = frozenset({"+CREG", "+CGREG", "+CEREG"})
_INFO_LINE = re.compile(r"^[+^*][A-Z0-9_]+:")
_JUNK = bytes(range(0x20)) + bytes(range(0x7F, 0x100))
_SECRET = re.compile(r'^(AT\+(?:CPIN|CLCK|CPWD)=)(.*)$', re.IGNORECASE)


# --- errors ----------------------------------------------------------------


class ModemError(SwitchboardError, RuntimeError):
    """Root of everything a modem (or its port) did wrong."""


class CommandFailed(ModemError):
    """The modem answered a command with an error result code."""

    def __init__(self, message: str, command: str = "", result: str = ""):
        super().__init__(message)
        self.command, self.result = command, result


class CommandNotSupported(CommandFailed):
    """Huawei's `COMMAND NOT SUPPORT`: the same as ERROR, said differently."""


class CmeError(CommandFailed):
    """`+CME ERROR: n` (27.007 mobile equipment error); `code` is n or None."""

    def __init__(self, message: str, command: str, result: str, code: int | None):
        super().__init__(message, command, result)
        self.code = code
        self.meaning = CME_MEANINGS.get(code, "") if code is not None else ""


class CmsError(CommandFailed):
    """`+CMS ERROR: n` (27.005 message service error); `code` is n or None."""

    def __init__(self, message: str, command: str, result: str, code: int | None):
        super().__init__(message, command, result)
        self.code = code
        self.meaning = CMS_MEANINGS.get(code, "") if code is not None else ""


class CallNotConnected(CommandFailed):
    """ATD/ATA ended with NO CARRIER, BUSY, NO ANSWER or NO DIALTONE (`result`)."""


class ModemTimeout(ModemError, TimeoutError):
    """The modem did not finish a command within its deadline."""


class ModemGone(ModemError, ConnectionError):
    """The port closed (unplugged, reset, read error) with commands outstanding."""


# --- lines and replies ---------------------------------------------------


@dataclass(frozen=True)
class Urc:
    """One unsolicited result code: `line` as received, `body` its second line."""

    line: str
    body: str | None = None

    @property
    def name(self) -> str:
        """`+CLIP`, `^CEND`, `RING`, `NO CARRIER`: what kind of URC this is."""
        return urc_name(self.line)

    @property
    def value(self) -> str:
        """The text after the colon, stripped ('' for bare codes like RING)."""
        _, sep, rest = self.line.partition(":")
        return rest.strip() if sep else ""


@dataclass(frozen=True)
class AtReply:
    """What a command returned: its information lines and the final code."""

    command: str
    lines: tuple[str, ...]
    final: str = "OK"

    def value(self, prefix: str) -> str | None:
        """The text after `prefix` (e.g. '+CSQ:') on the first line that has it."""
        for line in self.lines:
            if line.upper().startswith(prefix.upper()):
                return line[len(prefix):].strip()
        return None

    def values(self, prefix: str) -> list[str]:
        """The text after `prefix` on every line that has it."""
        n = len(prefix)
        return [ln[n:].strip() for ln in self.lines if ln.upper().startswith(prefix.upper())]


def urc_name(line: str) -> str:
    """The name a line would have as a URC: the head up to ':' or the whole line."""
    head, sep, _ = line.partition(":")
    return head.strip().upper() if sep else line.strip().upper()


def split_fields(value: str) -> list[str]:
    """Split `1,"a,b",3` into ['1', 'a,b', '3']: commas outside quotes, quotes removed."""
    fields, cur, quoted = [], [], False
    for ch in value:
        if ch == '"':
            quoted = not quoted
        elif ch == "," and not quoted:
            fields.append("".join(cur).strip())
            cur = []
        else:
            cur.append(ch)
    fields.append("".join(cur).strip())
    return fields


def shown(command: str) -> str:
    """The command as logs and errors may show it: PINs and passwords masked."""
    return _SECRET.sub(lambda m: m.group(1) + "****", command)


_DTMF_REPORTS = ("^DDTMF", "+RXDTMF", "+DTMF", "+QTONEDET")


def heard(line: str) -> str:
    """A line from the modem as the log may show it: a far party's DTMF report masked
    (the digit may be part of a PIN)."""
    if line.upper().startswith(_DTMF_REPORTS):
        return line.split(":", 1)[0] + ": *"
    return line


def reply_prefix(command: str) -> str | None:
    """`+CSQ:` for `AT+CSQ`, `^CVOICE:` for `AT^CVOICE?`; None for ATD, ATA, ATZ.

    A set command named like a URC (`AT+CLIP=1`, `AT+CREG=2`) answers with no
    such line, so a `+CLIP:` arriving meanwhile is the URC, not its reply.
    """
    m = re.match(r"^AT([+^][A-Z0-9]+)(=?\??)", command.strip(), re.IGNORECASE)
    if not m:
        return None
    name = m.group(1).upper()
    if m.group(2) == "=" and name in URC_NAMES:
        return None
    return name + ":"


def _is_reg_query_reply(line: str) -> bool:
    fields = line.partition(":")[2].split(",")
    return len(fields) >= 2 and is_digits(fields[1].strip())


def _final_error(line: str, command: str) -> Exception | None:
    """The exception a final error code maps to; None if `line` is not one."""
    cmd = shown(command)
    for prefix, cls, meanings in (("+CME ERROR:", CmeError, CME_MEANINGS),
                                  ("+CMS ERROR:", CmsError, CMS_MEANINGS)):
        if line.upper().startswith(prefix):
            text = line[len(prefix):].strip()
            code = int(text) if is_digits(text) else None
            meaning = meanings.get(code, "") if code is not None else text
            detail = f"{line} ({meaning})" if meaning and code is not None else line
            return cls(f"{cmd} failed: {detail}", command, line, code)
    if line.upper().startswith("COMMAND NOT SUPPORT"):
        return CommandNotSupported(f"{cmd} is not supported by this modem", command, line)
    if line.upper().startswith("ERROR"):
        return CommandFailed(f"{cmd} failed: ERROR", command, line)
    return None


# --- the engine ----------------------------------------------------------


class _Pending:
    """The command in flight: what it may receive and where its reply goes."""

    def __init__(self, command: str, prefix: str | None, freeform: bool,
                 body: bytes | None, call: bool, future: asyncio.Future):
        self.command, self.prefix, self.freeform = command, prefix, freeform
        self.body, self.call, self.future = body, call, future
        self.lines: list[str] = []


class AtEngine:
    """One modem's AT conversation; lives on the event loop, one per open port.

    `write` sends bytes to the port (must not block); `on_urc` receives every
    unsolicited code as a `Urc`. `name` prefixes log lines and error messages.
    """

    def __init__(self, name: str, write: Callable[[bytes], None],
                 on_urc: Callable[[Urc], None], *, busy_backoff: float = BUSY_BACKOFF):
        self.name = name
        self._write = write
        self._on_urc = on_urc
        self._busy_backoff = busy_backoff
        self._lock = asyncio.Lock()
        self._pending: _Pending | None = None
        self._buffer = b""
        self._recent: deque[str] = deque(maxlen=8)
        self._urc_waiting_body: str | None = None
        self._needs_resync = False
        self._closed: Exception | None = None
        self.timeouts_in_row = 0
        self.junk_bytes = 0

    # --- commands --------------------------------------------------------

    async def command(self, command: str, *, timeout: float = SHORT,
                      expect: str | None = None, freeform: bool = False,
                      body: str | bytes | None = None, call: bool = False,
                      retry_busy: bool = True) -> AtReply:
        """Send `command` and return its reply, or raise what its final code means.

        `expect` is the reply prefix (default derived: `+CSQ:` for AT+CSQ);
        `freeform` lets plain text lines belong to the reply (CGMI, CMGR);
        `body` is written after the `> ` prompt and ended with Ctrl-Z (SMS);
        `call` makes NO CARRIER/BUSY/NO ANSWER/NO DIALTONE final (ATD, ATA).
        +CME 14 and 515 are retried with a doubling back-off when `retry_busy`.
        """
        if isinstance(body, str):
            body = body.encode("ascii")
        prefix = expect if expect is not None else reply_prefix(command)
        delay, retries = self._busy_backoff, 0
        while True:
            try:
                async with self._lock:
                    return await self._run(command, prefix, freeform, body, call, timeout)
            except CmeError as e:
                retries += 1
                if not retry_busy or e.code not in BUSY_RETRY_CODES or retries > BUSY_RETRIES:
                    raise
                log.info("%s: %s, retrying in %.1f s", self.name, e, delay)
            await asyncio.sleep(delay)
            delay *= 2

    async def _run(self, command: str, prefix: str | None, freeform: bool,
                   body: bytes | None, call: bool, timeout: float) -> AtReply:
        if self._closed is not None:
            raise ModemGone(f"{self.name}: port closed ({self._closed})")
        if self._needs_resync:
            await self._resync()
        future = asyncio.get_running_loop().create_future()
        self._pending = _Pending(command, prefix, freeform, body, call, future)
        self._send(command)
        try:
            async with asyncio.timeout(timeout):  # wait_for can swallow a cancel (3.11)
                reply = await future
        except TimeoutError:
            self.timeouts_in_row += 1
            self._needs_resync = True
            raise ModemTimeout(f"{self.name}: no answer to {shown(command)} "
                               f"within {timeout:g} s") from None
        except asyncio.CancelledError:
            self._needs_resync = True
            raise
        finally:
            self._pending = None
        self.timeouts_in_row = 0
        return reply

    async def _resync(self) -> None:
        """After a timeout or a cancel: let a late reply land on a plain `AT`.

        The late final code answers the `AT`; the `AT`'s own answer arrives
        while nothing is pending and is dropped. Then the next command is safe.
        """
        future = asyncio.get_running_loop().create_future()
        self._pending = _Pending("AT", None, False, None, False, future)
        self._send("AT")
        try:
            async with asyncio.timeout(SHORT):
                await future
        except TimeoutError:
            self.timeouts_in_row += 1
            raise ModemTimeout(f"{self.name}: modem does not answer AT") from None
        except CommandFailed:
            pass
        finally:
            self._pending = None
        await asyncio.sleep(0.2)
        self._needs_resync = False

    def _send(self, command: str) -> None:
        self._recent.append(command.strip().upper())
        log.debug("%s: -> %s", self.name, shown(command))
        self._write(command.encode("ascii") + b"\r")

    def close(self, reason: Exception | str) -> None:
        """The port is gone: fail the pending command and every later one."""
        self._closed = reason if isinstance(reason, Exception) else ModemGone(reason)
        pending = self._pending
        if pending is not None and not pending.future.done():
            pending.future.set_exception(
                ModemGone(f"{self.name}: port closed during {shown(pending.command)}"))

    @property
    def busy(self) -> bool:
        """A command is in flight."""
        return self._pending is not None

    # --- received bytes --------------------------------------------------

    def feed(self, data: bytes) -> None:
        """Take bytes read from the port; call on the event loop."""
        if self._closed is not None:
            return
        self._buffer += data
        *complete, self._buffer = re.split(rb"\r\n|\r|\n", self._buffer)
        for raw in complete:
            line = self._clean(raw)
            if line:
                self._line(line)
        self._check_prompt()
        if len(self._buffer) > _MAX_PARTIAL:
            log.warning("%s: dropped %d bytes without a line end", self.name, len(self._buffer))
            self._buffer = b""

    def _clean(self, raw: bytes) -> str:
        kept = raw.translate(None, _JUNK)
        if len(kept) != len(raw):
            self.junk_bytes += len(raw) - len(kept)
            log.debug("%s: skipped %d junk bytes in %r", self.name, len(raw) - len(kept), raw)
        return kept.decode("ascii").strip()

    def _active(self) -> _Pending | None:
        pending = self._pending
        return pending if pending is not None and not pending.future.done() else None

    def _check_prompt(self) -> None:
        """The `> ` prompt comes without a line end: look at the partial line."""
        if self._buffer and self._prompt(self._buffer.translate(None, _JUNK).strip()):
            self._buffer = b""

    def _prompt(self, text: bytes | str) -> bool:
        pending = self._active()
        if pending is None or pending.body is None or not text.startswith(
                b">" if isinstance(text, bytes) else ">"):
            return False
        log.debug("%s: prompt, sending %d bytes of text", self.name, len(pending.body))
        body, pending.body = pending.body, None
        self._recent.append(body.decode("ascii", "replace").strip().upper())
        self._write(body + CTRL_Z)
        return True

    def _line(self, line: str) -> None:
        log.debug("%s: <- %s", self.name, heard(line))
        if self._urc_waiting_body is not None:
            head, self._urc_waiting_body = self._urc_waiting_body, None
            self._deliver(Urc(head, line))
            return
        pending = self._active()
        if pending is not None and (self._ends(pending, line) or self._prompt(line)):
            return
        if pending is not None and self._belongs(pending, line):
            pending.lines.append(line)
        elif self._is_urc(line):
            if urc_name(line) in TWO_LINE_URCS:
                self._urc_waiting_body = line
            else:
                self._deliver(Urc(line))
        elif line.upper() in self._recent:
            pass  # echo of something we sent
        elif pending is not None and pending.freeform:
            pending.lines.append(line)
        else:
            log.info("%s: ignored unexpected line %r", self.name, line)

    def _ends(self, pending: _Pending, line: str) -> bool:
        upper = line.upper()
        if upper == "OK" or upper.startswith("CONNECT"):
            pending.future.set_result(AtReply(pending.command, tuple(pending.lines), upper))
            return True
        if pending.call and upper in CALL_RESULTS:
            pending.future.set_exception(CallNotConnected(
                f"{shown(pending.command)}: {upper}", pending.command, upper))
            return True
        error = _final_error(line, pending.command)
        if error is not None:
            pending.future.set_exception(error)
            return True
        return False

    def _belongs(self, pending: _Pending, line: str) -> bool:
        if pending.prefix is None or not line.upper().startswith(pending.prefix):
            return False
        if urc_name(line) in _REG_NAMES:
            return _is_reg_query_reply(line)
        return True

    def _is_urc(self, line: str) -> bool:
        return urc_name(line) in URC_NAMES or bool(_INFO_LINE.match(line.upper()))

    def _deliver(self, urc: Urc) -> None:
        try:
            self._on_urc(urc)
        except Exception:
            log.exception("%s: URC handler failed on %r", self.name, urc.line)
