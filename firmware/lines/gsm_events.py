"""What the GSM driver tells the box, and how it reads the modem's reports.

The events are frozen dataclasses published on firmware.events.EventBus (the
LEDs, call records, the dashboard and the call core subscribe); gsm.py
re-exports them. The parsers turn one modem line (`+CLIP: ...`, `^CEND: ...`,
`+CREG: ...`) into plain values and raise ValueError on lines they cannot read.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from firmware.config.schema_base import is_digits
from firmware.lines.at import split_fields
from firmware.lines.model import IncomingCall, LineCallAnswered, LineCallEnded, LineDtmf

State = Literal["starting", "ready", "no_sim", "pin_required", "sim_error",
                "not_registered", "out_of_service"]

REGISTRATION_WORDS = {0: "not registered", 1: "registered (home)", 2: "searching",
                      3: "registration denied", 4: "registration unknown",
                      5: "registered (roaming)"}
REGISTERED = (1, 5)

# Q.850 cause -> the Leg's cause words (DESIGN.md "Lines and audio").
_Q850_CAUSES = {16: "normal", 31: "normal", 17: "busy", 18: "no_answer", 19: "no_answer",
                21: "rejected", 1: "unreachable", 3: "unreachable", 20: "unreachable",
                22: "unreachable", 27: "unreachable", 28: "unreachable"}
_RESULT_CAUSES = {"BUSY": "busy", "NO ANSWER": "no_answer", "NO DIALTONE": "failed",
                  "NO CARRIER": "failed"}


@dataclass(frozen=True)
class GsmStatus:
    """A GSM line's condition. `registration` is the 27.007 stat (0-5), `csq`
    the signal 0-31 (99 unknown), `sim` "ready"|"absent"|"pin"|"puk"|"error".
    `reason` says why in English; `reason_code` names it for the page's languages
    (web_ui/messages_lines.py: `live_reason_<code>`), "" when only the text says it."""

    state: State = "starting"
    sim: str | None = None
    registration: int | None = None
    csq: int | None = None
    operator: str | None = None
    in_call: bool = False
    reason: str = ""
    reason_code: str = ""


@dataclass(frozen=True)
class GsmStatusChanged:
    line: str
    status: GsmStatus


# A GSM line's call events are the line model's (firmware/lines/model.py), like every
# outside line's; these are their names in this driver.
GsmIncomingCall = IncomingCall  # `number` None when withheld or unavailable
GsmCallAnswered = LineCallAnswered  # connected both ways, the audio port open
GsmCallEnded = LineCallEnded  # cause: normal, busy, no_answer, rejected, unreachable, ...


GsmDtmf = LineDtmf  # the modem's ^DDTMF report of a digit the far party keyed


@dataclass(frozen=True)
class GsmSmsReceived:
    line: str
    sender: str
    text: str


# --- parsers -------------------------------------------------------------


def _int(text: str, what: str) -> int:
    try:
        return int(text.strip())
    except ValueError:
        raise ValueError(f"{what}: {text!r} is not a number") from None


def parse_csq(value: str) -> int:
    """`18,99` -> 18 (rssi 0-31, 99 unknown)."""
    rssi = _int(split_fields(value)[0], "+CSQ rssi")
    if not (0 <= rssi <= 31 or rssi == 99):
        raise ValueError(f"+CSQ rssi {rssi} is out of range")
    return rssi


def parse_creg(value: str, query: bool) -> int:
    """The stat of `+CREG: 2,1,"1A2B","0C3D"` (query) or `+CREG: 1,"1A2B",..` (URC)."""
    fields = split_fields(value)
    stat = _int(fields[1] if query else fields[0], "+CREG stat")
    if stat not in REGISTRATION_WORDS:
        raise ValueError(f"+CREG stat {stat} is out of range")
    return stat


def parse_clip(value: str) -> tuple[str | None, bool]:
    """`"+8613800138000",145,,,,0` -> (number, withheld). Validity 1 is withheld,
    2 unavailable; an empty number with no validity field counts as unavailable."""
    fields = split_fields(value)
    number = fields[0] or None
    validity = fields[5] if len(fields) > 5 and fields[5] else "0"
    if validity == "1":
        return None, True
    if validity == "2":
        return None, False
    return number, False


def parse_cend(value: str) -> tuple[int | None, int | None]:
    """`1,23,29,16` -> (call index, Q.850 cc_cause or None when the 4th field is absent)."""
    fields = split_fields(value)
    idx = _int(fields[0], "^CEND index") if fields[0] else None
    cause = _int(fields[3], "^CEND cause") if len(fields) > 3 and fields[3] else None
    return idx, cause


def parse_index(value: str) -> int | None:
    """The call index of `^ORIG:1,0`, `^CONF:1`, `^CONN:1,0`."""
    first = split_fields(value)[0]
    return _int(first, "call index") if first else None


def parse_cpin(value: str) -> str:
    """`READY` -> "ready", `SIM PIN` -> "pin", `SIM PUK` -> "puk", `NOT INSERTED` -> "absent"."""
    text = value.strip().strip('"').upper()
    table = {"READY": "ready", "SIM PIN": "pin", "SIM PUK": "puk",
             "NOT INSERTED": "absent", "NOT READY": "absent"}
    return table.get(text, "error")


def parse_ccfc(lines: list[str]) -> str | None:
    """The voice (class 1) forwarding number in `+CCFC: <status>,<class>[,<number>,<type>]`."""
    for value in lines:
        fields = split_fields(value)
        status = _int(fields[0], "+CCFC status")
        klass = _int(fields[1], "+CCFC class") if len(fields) > 1 and fields[1] else 1
        if status == 1 and klass & 1 and len(fields) > 2 and fields[2]:
            return fields[2]
    return None


def parse_cops(value: str) -> str | None:
    """`0,0,"CHINA MOBILE",7` -> "CHINA MOBILE"; None when not registered (`0`)."""
    fields = split_fields(value)
    return fields[2] if len(fields) > 2 and fields[2] else None


def dtmf_from_urc(name: str, value: str) -> str | None:
    """The digit of `^DDTMF: 5`, `+RXDTMF: 5`, `+DTMF:5` or `+QTONEDET: 49` (ASCII code)."""
    text = value.strip().strip('"')
    if name == "+QTONEDET" and is_digits(text, 1, 3):
        text = chr(int(text))
    text = text.upper()
    return text if len(text) == 1 and text in "0123456789*#ABCD" else None


def cause_from_q850(q850: int | None, answered: bool) -> str:
    """The Leg cause words for a Q.850 cc_cause; unknown codes are "failed"."""
    if q850 is None:
        return "normal" if answered else "failed"
    cause = _Q850_CAUSES.get(q850, "failed")
    if answered and cause != "normal":
        return "normal"  # after answer, any clearing is the call ending
    return cause


def cause_from_result(result: str, answered: bool) -> str:
    """The cause words for a final result (BUSY, NO CARRIER, ...)."""
    if answered:
        return "normal"
    return _RESULT_CAUSES.get(result.upper(), "failed")
