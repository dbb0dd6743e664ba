"""The AT command line: how a modem splits, parses and answers it.

A host line (`\\r`-terminated, `AT` prefix in any case) may chain several
commands: basic ones back to back (`ATE0Q0`) and extended ones separated by `;`
(`AT+CMEE=1;+CREG=2`); `D` takes the rest of the line. Each command runs in
turn; the first error ends the line with that error. Handlers raise the
exceptions below and `final_for()` renders them by the `+CMEE` mode, the way
a real modem does (`ERROR` / `+CME ERROR: 11` / `+CME ERROR: SIM PIN required`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

MAX_LINE = 560

CME_TEXT = {
    3: "operation not allowed", 4: "operation not supported",
    10: "SIM not inserted", 11: "SIM PIN required", 12: "SIM PUK required",
    13: "SIM failure", 14: "SIM busy", 15: "SIM wrong", 16: "incorrect password",
    20: "memory full", 21: "invalid index", 22: "not found",
    30: "no network service", 31: "network timeout",
    32: "network not allowed - emergency calls only",
    50: "Incorrect parameters", 100: "unknown",
    515: "Please wait, init or command processing in progress.",
}
CMS_TEXT = {
    300: "ME failure", 302: "operation not allowed", 303: "operation not supported",
    304: "invalid PDU mode parameter", 305: "invalid text mode parameter",
    310: "SIM not inserted", 311: "SIM PIN required", 316: "SIM PUK required",
    321: "invalid memory index", 322: "memory full", 330: "SMSC address unknown",
    331: "no network service", 332: "network timeout", 500: "unknown error",
}


class AtError(Exception):
    """A command failed; `final_for(cmee)` is the result code the modem sends."""

    def final_for(self, cmee: int) -> str:
        return "ERROR"


class PlainError(AtError):
    """Plain `ERROR` whatever +CMEE says (syntax errors, unknown commands)."""


class NotSupported(AtError):
    """Huawei's answer to a vendor command it lacks."""

    def final_for(self, cmee: int) -> str:
        return "COMMAND NOT SUPPORT"


class FinalResult(AtError):
    """A non-error final result ending the line, e.g. `NO CARRIER`."""

    def __init__(self, text: str):
        super().__init__(text)
        self.text = text

    def final_for(self, cmee: int) -> str:
        return self.text


class CmeError(AtError):
    """A 27.007 mobile equipment error."""

    def __init__(self, code: int):
        super().__init__(f"+CME ERROR: {code}")
        self.code = code

    def final_for(self, cmee: int) -> str:
        if cmee == 1:
            return f"+CME ERROR: {self.code}"
        if cmee == 2:
            return f"+CME ERROR: {CME_TEXT.get(self.code, 'unknown')}"
        return "ERROR"


class CmsError(AtError):
    """A 27.005 SMS error: numeric in +CMEE modes 0 and 1, text in mode 2."""

    def __init__(self, code: int):
        super().__init__(f"+CMS ERROR: {code}")
        self.code = code

    def final_for(self, cmee: int) -> str:
        if cmee == 2:
            return f"+CMS ERROR: {CMS_TEXT.get(self.code, 'unknown error')}"
        return f"+CMS ERROR: {self.code}"


def bad_param() -> CmeError:
    return CmeError(50)


@dataclass
class Reply:
    """What a command line produces: information lines, then one final result.

    `prompt` set means the modem answers `> ` and waits for SMS text; it is
    called with the text once Ctrl-Z arrives and returns the real reply.
    `delay` adds to the per-command latency (e.g. a network round trip).
    """

    lines: list[str] = field(default_factory=list)
    final: str = "OK"
    prompt: Callable[[bytes], Reply] | None = None
    delay: float = 0.0


@dataclass
class AtCommand:
    """One command of a line. name is upper case (`E`, `D`, `+CMEE`, `^DTMF`, `S0`),
    op is "" (action), "?" (read), "=?" (test) or "=" (set)."""

    name: str
    op: str = ""
    text: str = ""

    def args(self) -> list[str | int | None]:
        """Comma-separated arguments: quoted -> str, digits -> int, empty -> None."""
        return [_arg(a) for a in split_args(self.text)] if self.text != "" else []

    def int_arg(self, i: int, default: int | None = None, lo: int = 0, hi: int = 1 << 30) -> int:
        """Argument `i` as an int within [lo, hi]; a missing one is `default` (or an error)."""
        args = self.args()
        value = args[i] if i < len(args) else None
        if value is None:
            if default is None:
                raise bad_param()
            return default
        if not isinstance(value, int) or not lo <= value <= hi:
            raise bad_param()
        return value

    def str_arg(self, i: int, default: str | None = None) -> str:
        """Argument `i` as text (quoted or bare); a missing one is `default` (or an error)."""
        args = self.args()
        value = args[i] if i < len(args) else None
        if value is None:
            if default is None:
                raise bad_param()
            return default
        return str(value)


def split_args(text: str) -> list[str]:
    """Split on commas outside double quotes; keep the quotes."""
    parts, cur, quoted = [], [], False
    for ch in text:
        if ch == '"':
            quoted = not quoted
        if ch == "," and not quoted:
            parts.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
    if quoted:
        raise PlainError("unterminated quote")
    parts.append("".join(cur))
    return parts


def _arg(raw: str) -> str | int | None:
    raw = raw.strip()
    if raw == "":
        return None
    if len(raw) >= 2 and raw[0] == raw[-1] == '"':
        return raw[1:-1]
    if raw.isdigit():
        return int(raw)
    return raw


def normalise(line: str) -> str:
    """Drop spaces outside quotes and upper-case everything outside quotes."""
    out, quoted = [], False
    for ch in line:
        if ch == '"':
            quoted = not quoted
            out.append(ch)
        elif quoted:
            out.append(ch)
        elif ch not in " \t":
            out.append(ch.upper())
    return "".join(out)


_EXT_NAME = re.compile(r"[+^%$][A-Z0-9_]+")
_SREG = re.compile(r"S(\d+)(=\d*|\?)?")
_BASIC = re.compile(r"(&?[A-Z])(\d*)")


def parse_line(line: str) -> list[AtCommand]:
    """The commands of one host line (without the terminating CR). Raises PlainError."""
    if len(line) > MAX_LINE:
        raise PlainError("line too long")
    text = normalise(line)
    if not text.startswith("AT"):
        raise PlainError("no AT prefix")
    rest, commands = text[2:], []
    while rest:
        cmd, rest = _parse_one(rest)
        commands.append(cmd)
        if rest.startswith(";"):
            rest = rest[1:]
    return commands


def _parse_one(rest: str) -> tuple[AtCommand, str]:
    if rest[0] == "D":
        return AtCommand("D", "", rest[1:]), ""
    m = _EXT_NAME.match(rest)
    if m:
        return _parse_extended(m.group(0), rest[m.end():])
    m = _SREG.match(rest)
    if m:
        op = m.group(2) or "?"
        cmd = AtCommand("S" + m.group(1), "?" if op == "?" else "=", op[1:] if op != "?" else "")
        return cmd, rest[m.end():]
    m = _BASIC.match(rest)
    if m:
        return AtCommand(m.group(1), "", m.group(2)), rest[m.end():]
    raise PlainError(f"cannot parse {rest!r}")


def _parse_extended(name: str, rest: str) -> tuple[AtCommand, str]:
    if rest.startswith("=?"):
        return AtCommand(name, "=?"), rest[2:]
    if rest.startswith("?"):
        return AtCommand(name, "?"), rest[1:]
    if not rest.startswith("="):
        return AtCommand(name, ""), rest
    body, quoted, i = rest[1:], False, 0
    while i < len(body):
        if body[i] == '"':
            quoted = not quoted
        elif body[i] == ";" and not quoted:
            break
        i += 1
    return AtCommand(name, "=", body[:i]), body[i:]


def frame(line: str) -> bytes:
    """A modem line as it goes on the wire (V1 framing)."""
    return b"\r\n" + line.encode("latin-1", "replace") + b"\r\n"
