"""Caller ID on an analog line, as the box's FXO port receives it: FSK or DTMF.

Pure code (no I/O). The FXO driver feeds the line's audio while it is on hook:
- between the first and the second ring, to `FskCallerIdReceiver` (Bell 202
  or V.23 FSK at 1200 bit/s, SDMF or MDMF; YD/T 1277.1, Telcordia GR-30,
  ETSI EN 300 659), and
- before the first ring, to `DtmfCallerIdReceiver` (DTMF CLIP: `A` or `D`,
  the digits, `C`; some Chinese exchanges and ETSI countries), calling its
  `finish(t)` when the first ring begins.
Both return `CallerId` values; a damaged message (bad checksum, framing
error, lost carrier, nonsense fields) comes back with `error` set and no
number, so the driver presents the call as "number unavailable" and logs why.

The message layout is the one firmware/lines/callerid.py sends to the desk
phones (its constants are reused): MDMF 0x80 with parameters (type, length,
value), or SDMF 0x04 with the date "MMDDHHMM" and the number (or 'P'/'O'
for a withheld/unavailable number) as plain text; then the checksum, which
makes all bytes sum to 0 modulo 256.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from firmware.lines.callerid import (
    MDMF,
    NUMBER_MAX,
    P_DATETIME,
    P_NAME,
    P_NAME_ABSENT,
    P_NUMBER,
    P_NUMBER_ABSENT,
    UNAVAILABLE,
    WITHHELD,
)
from firmware.lines.dsp import DtmfDetector
from firmware.lines.fsk import FskDemodulator, FskMessage

SDMF = 0x04
ABSENCE = {WITHHELD: "withheld", UNAVAILABLE: "unavailable"}
_NUMBER = re.compile(rf"^[0-9*#+]{{1,{NUMBER_MAX}}}$")
_DATE = re.compile(r"^(0[1-9]|1[0-2])(0[1-9]|[12][0-9]|3[01])([01][0-9]|2[0-3])[0-5][0-9]$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class CallerIdFormatError(ValueError):
    """A caller ID message that cannot be read; the text says which field is wrong."""


@dataclass(frozen=True)
class CallerId:
    """Who is calling, as the line said it.

    `number` is None when the caller's number is absent: `absent` says why
    ("withheld", "unavailable"), or `error` why the message could not be read.
    `when` is the exchange's "MMDDHHMM" (local time, no year), if sent.
    `method` "fsk" or "dtmf"; `format` "SDMF", "MDMF" or "DTMF"; `modem` the
    FSK receiver's ("bell202", "v23", "bell202/v23").
    """

    number: str | None
    name: str | None = None
    absent: str | None = None
    name_absent: str | None = None
    when: str | None = None
    method: str = "fsk"
    format: str = "MDMF"
    modem: str | None = None
    t_start: float = 0.0
    t_end: float = 0.0
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def parse_message(message: bytes) -> dict:
    """An SDMF or MDMF message's fields: number, name, absent, name_absent, when, format.

    Raises CallerIdFormatError naming what is wrong (length, checksum, type,
    a parameter running past the end, a number with letters, a bad date).
    """
    if len(message) < 3 or message[1] != len(message) - 3:
        raise CallerIdFormatError(f"length byte says {message[1] if len(message) > 1 else '?'}"
                                  f" but the message has {max(len(message) - 3, 0)} bytes")
    if sum(message) % 256:
        raise CallerIdFormatError("checksum does not match")
    body = message[2:-1]
    if message[0] == SDMF:
        return _sdmf(body)
    if message[0] == MDMF:
        return _mdmf(body)
    raise CallerIdFormatError(f"message type 0x{message[0]:02x} is not SDMF (0x04) "
                              "or MDMF (0x80)")


def _sdmf(body: bytes) -> dict:
    if len(body) < 9:
        raise CallerIdFormatError(f"SDMF needs a date and a number, got {len(body)} bytes")
    fields = {"format": "SDMF", "when": _date(body[:8])}
    rest = body[8:].decode("ascii", "replace")
    if rest in ABSENCE:
        fields["absent"] = ABSENCE[rest]
    else:
        fields["number"] = _number(body[8:])
    return fields


def _mdmf(body: bytes) -> dict:
    fields: dict = {"format": "MDMF"}
    i = 0
    while i < len(body):
        if i + 2 > len(body) or i + 2 + body[i + 1] > len(body):
            raise CallerIdFormatError(f"parameter 0x{body[i]:02x} runs past the message")
        kind, value = body[i], body[i + 2:i + 2 + body[i + 1]]
        i += 2 + len(value)
        if kind == P_DATETIME:
            fields["when"] = _date(value)
        elif kind == P_NUMBER:
            fields["number"] = _number(value)
        elif kind == P_NUMBER_ABSENT:
            fields["absent"] = _absence(value, "number")
        elif kind == P_NAME:
            fields["name"] = _name(value)
        elif kind == P_NAME_ABSENT:
            fields["name_absent"] = _absence(value, "name")
        # other parameters (redirection, call type, ...) are skipped
    if "number" in fields and "absent" in fields:
        raise CallerIdFormatError("both a number and a reason for its absence")
    return fields


def _date(value: bytes) -> str:
    text = value.decode("ascii", "replace")
    if not _DATE.match(text):
        raise CallerIdFormatError(f"date/time {text!r} is not MMDDHHMM")
    return text


def _number(value: bytes) -> str:
    text = value.decode("ascii", "replace")
    if not _NUMBER.match(text):
        raise CallerIdFormatError(f"number {text!r} is not 1..{NUMBER_MAX} digits")
    return text


def _absence(value: bytes, what: str) -> str:
    code = value.decode("ascii", "replace")
    if code not in ABSENCE:
        raise CallerIdFormatError(f"reason for the absent {what} {code!r} is not 'P' or 'O'")
    return ABSENCE[code]


def _name(value: bytes) -> str | None:
    """UTF-8 (what the box's own desk phone caller ID sends), else GBK, else Latin-1."""
    for codec in ("utf-8", "gbk", "latin-1"):
        try:
            text = value.decode(codec)
            break
        except UnicodeDecodeError:
            continue
    text = _CONTROL.sub("", text).strip()
    return text or None


def caller_id_of(message: FskMessage) -> CallerId:
    """The CallerId an FSK message carries (with `error` if it is damaged)."""
    common = {"method": "fsk", "modem": message.modem, "t_start": message.t_start,
              "t_end": message.t_end}
    if message.error is not None:
        return CallerId(None, format="?", error=message.error, **common)
    try:
        fields = parse_message(message.data)
    except CallerIdFormatError as exc:
        return CallerId(None, format="?", error=str(exc), **common)
    fields.setdefault("number", None)
    return CallerId(**fields, **common)


class FskCallerIdReceiver:
    """FSK caller ID between the rings of one analog line.

    `feed(frame, t)` returns the caller IDs completed in the frame (usually
    one per call, between ring 1 and ring 2). Only messages whose first byte
    is SDMF or MDMF are read: anything else (speech or noise that armed the
    receiver, a message-waiting message) is dropped without a word. `modems`: the profile's
    (`AnalogProfile.fsk_modems`). `reset()` before the next call.
    """

    def __init__(self, modems: tuple[str, ...] = ("bell202",)):
        self._demod = FskDemodulator(modems, types=frozenset((SDMF, MDMF)))

    def feed(self, frame: bytes, t: float) -> list[CallerId]:
        return [caller_id_of(m) for m in self._demod.feed(frame, t)]

    @property
    def receiving(self) -> bool:
        """A message has begun and is not complete yet."""
        return self._demod.busy

    def reset(self) -> None:
        self._demod.reset()


# DTMF CLIP (ETSI EN 300 659-1 annex, HARDWARE.md 1.5): a start key, the
# digits, an end key. A: the caller's number follows; D: the number, or (one
# digit) a reason it is absent: 1 private, 2 or 3 unavailable (Denmark);
# B: a two-digit reason: 00 unavailable, 10 private. C or # ends it.
DTMF_STARTS = "ABD"
DTMF_ENDS = "C#"
DTMF_D_CODES = {"1": "withheld", "2": "unavailable", "3": "unavailable"}
DTMF_B_CODES = {"00": "unavailable", "10": "withheld"}
DTMF_GAP_S = 1.0  # digits further apart than this are not one caller ID


class DtmfCallerIdReceiver:
    """DTMF caller ID before the first ring of one analog line.

    `feed(frame, t)` returns a CallerId when the end key arrives; `finish(t)`
    (the first ring began) returns what was collected without one, or None.
    Digits without a start key are taken as a number too (some exchanges
    send none); stray keys before a start key are dropped.
    """

    def __init__(self) -> None:
        self._dtmf = DtmfDetector()
        self._keys = ""
        self._t_start = 0.0
        self._t_last = 0.0

    def feed(self, frame: bytes, t: float) -> list[CallerId]:
        found = []
        for key, kt in self._dtmf.feed(frame, t):
            result = self._key(key, kt)
            if result is not None:
                found.append(result)
        return found

    def finish(self, t: float) -> CallerId | None:
        """The ring began: the caller ID collected so far, if there is one."""
        keys = self._keys
        self._keys = ""
        if not keys.strip(DTMF_STARTS):
            return None
        return self._result(keys, t)

    def reset(self) -> None:
        self.__init__()

    def _key(self, key: str, t: float) -> CallerId | None:
        if self._keys and t - self._t_last > DTMF_GAP_S:
            self._keys = ""
        self._t_last = t
        if key in DTMF_STARTS and not self._keys:
            self._keys, self._t_start = key, t
            return None
        if key in DTMF_ENDS and self._keys:
            keys, self._keys = self._keys, ""
            return self._result(keys, t)
        if key.isdigit():
            if not self._keys:
                self._t_start = t
            self._keys += key
        return None

    def _result(self, keys: str, t: float) -> CallerId:
        common = {"method": "dtmf", "format": "DTMF", "t_start": self._t_start, "t_end": t}
        start, digits = (keys[0], keys[1:]) if keys[0] in DTMF_STARTS else ("A", keys)
        if start == "B" and digits in DTMF_B_CODES:
            return CallerId(None, absent=DTMF_B_CODES[digits], **common)
        if start == "D" and digits in DTMF_D_CODES:
            return CallerId(None, absent=DTMF_D_CODES[digits], **common)
        if start == "B" or not _NUMBER.match(digits):
            return CallerId(None, error=f"DTMF caller ID {keys!r} is not a number", **common)
        return CallerId(digits, **common)
