"""Huawei E1550 call commands: dial, answer, hang up, list, DTMF, audio, forwarding.

Transcript the box sees (HARDWARE.md 2.3): `ATD13800138000;` -> `OK`,
`^ORIG:1,0`, `^CONF:1` (alerting), `^CONN:1,0` (answered) ... `^CEND:1,5,29,16`.
Incoming: `RING` / `+CLIP: ...` every ring period, `ATA` -> `OK` + `^CONN:1,0`.
`AT^DDSETEX=2` switches the call's PCM onto the audio port. The `^CEND`
end_status is always 29 (the real values are unverified); the last field is
the Q.850 cause the call ended with.
"""

from __future__ import annotations

from typing import Any

from hil_tests.pstn.atparse import AtCommand, CmeError, FinalResult, PlainError, Reply, bad_param
from hil_tests.pstn.calls import CLI_VALIDITY
from hil_tests.pstn.huawei import at, check_sim

CLCC_STAT = {"active": 0, "dialing": 2, "alerting": 3, "ringing": 4}
DTMF_AT = set("0123456789*#ABCD")
FORWARD_GROUPS = {4: (0, 1, 2, 3), 5: (1, 2, 3)}


@at("A", ops="")
def _answer(m: Any, cmd: AtCommand, r: Reply) -> None:
    ringing = [c for c in m.calls() if c.state == "ringing"]
    if not ringing:
        raise FinalResult("NO CARRIER")
    m.net.answer(ringing[0])


@at("D", ops="")
def _dial(m: Any, cmd: AtCommand, r: Reply) -> None:
    text = cmd.text
    voice = text.endswith(";")
    number = "".join(ch for ch in text.rstrip(";") if ch not in "IiGg")
    if not number or any(ch not in "0123456789*#+" for ch in number) or "+" in number[1:]:
        raise PlainError("bad dial string")
    check_sim(m, "sim")
    if not voice or not m.registered():
        raise FinalResult("NO CARRIER")
    if m.calls():
        raise CmeError(3)
    m.net.dial(m, number)


def _hangup_all(m: Any) -> None:
    for call in m.calls():
        m.net.box_hangup(call)


@at("H", ops="")
def _ath(m: Any, cmd: AtCommand, r: Reply) -> None:
    """V.250 hang-up; for voice calls only as +CVHU allows (1: OK, the call stays up)."""
    if cmd.text not in ("", "0"):
        raise PlainError("ATH takes 0 only")
    if m.settings.cvhu == 1:
        m.log("hangup_ignored", command="ATH", cvhu=1)
        return
    _hangup_all(m)


@at("+CVHU", test="+CVHU: (0-2)", ops="=?,?,=")
def _cvhu(m: Any, cmd: AtCommand, r: Reply) -> None:
    if cmd.op == "?":
        r.lines.append(f"+CVHU: {m.settings.cvhu}")
    else:
        m.settings.cvhu = cmd.int_arg(0, None, 0, 2)


@at("+CHUP", ops="=?,")
def _chup(m: Any, cmd: AtCommand, r: Reply) -> None:
    if not m.config.chup:
        raise PlainError("AT+CHUP not supported by this modem")
    _hangup_all(m)


@at("+CHLD", test="+CHLD: (0,1,1x,2,2x,3,4)", ops="=?,=")
def _chld(m: Any, cmd: AtCommand, r: Reply) -> None:
    """22.030: 0 refuses the incoming/waiting call (user busy), 1 releases the active
    calls, 1x the call x that is not ringing in (active, dialled or alerting)."""
    arg = cmd.text.strip('"')
    calls = m.calls()
    if arg == "0":
        for call in [c for c in calls if c.state == "ringing"]:
            m.net.box_hangup(call, cause=17)
        return
    if arg == "1":
        targets = [c for c in calls if c.state != "ringing"]
    elif len(arg) == 2 and arg[0] == "1" and arg[1] in "1234567":
        targets = [c for c in calls if c.idx == int(arg[1]) and c.state != "ringing"]
        if not targets:
            raise CmeError(3)
    else:
        raise CmeError(3)
    for call in targets:
        m.net.box_hangup(call)


@at("+CLCC", ops="=?,")
def _clcc(m: Any, cmd: AtCommand, r: Reply) -> None:
    for c in m.calls():
        if c.state not in CLCC_STAT:
            continue
        if c.direction == "from_box":
            num, direction = c.to, 0
        else:
            num, direction = ("", 1) if CLI_VALIDITY[c.cli] else (c.frm, 1)
        kind = 145 if num.startswith("+") else 129 if num else 128
        r.lines.append(f'+CLCC: {c.idx},{direction},{CLCC_STAT[c.state]},0,0,"{num}",{kind}')


@at("^DDSETEX", test="^DDSETEX: (2)", ops="=?,=")
def _ddsetex(m: Any, cmd: AtCommand, r: Reply) -> None:
    if cmd.int_arg(0, None, 2, 2) != 2:
        raise bad_param()
    for call in m.calls():
        call.audio_enabled = True
    m.log("audio_enabled", calls=[c.id for c in m.calls()])


def _active_call(m: Any, idx: int | None = None) -> Any:
    for call in m.calls():
        if call.state == "active" and idx in (None, call.idx):
            return call
    raise CmeError(3)


@at("+VTS", test="+VTS: (0-9,#,*,A-D),(1-255)", ops="=?,=")
def _vts(m: Any, cmd: AtCommand, r: Reply) -> None:
    digits = str(cmd.str_arg(0)).upper()
    cmd.int_arg(1, 1, 1, 255)
    if not digits or any(d not in DTMF_AT for d in digits):
        raise bad_param()
    call = _active_call(m)
    for digit in digits:
        m.net.box_dtmf(call, digit, "+VTS")


@at("^DTMF", test="^DTMF: (1-7),(0-9,#,*)", ops="=?,=")
def _hw_dtmf(m: Any, cmd: AtCommand, r: Reply) -> None:
    idx = cmd.int_arg(0, None, 1, 7)
    digit = str(cmd.str_arg(1))
    if len(digit) != 1 or digit not in "0123456789*#":
        raise bad_param()
    m.net.box_dtmf(_active_call(m, idx), digit, "^DTMF")


# --- call forwarding (network supplementary service) ---------------------------


@at("+CCFC", needs="sim", test="+CCFC: (0-5)", ops="=?,=")
def _ccfc(m: Any, cmd: AtCommand, r: Reply) -> None:
    reason, mode = cmd.int_arg(0, None, 0, 5), cmd.int_arg(1, None, 0, 4)
    if not m.registered():
        raise CmeError(30)
    r.delay = m.config.ss_delay_s
    if mode == 2:
        if reason in FORWARD_GROUPS:
            raise bad_param()
        r.lines.append(_ccfc_line(m.forwarding[reason], reason))
        return
    number = cmd.str_arg(2, "")
    kind = cmd.int_arg(3, 145 if number.startswith("+") else 129, 0, 255)
    seconds = cmd.int_arg(7, 20, 5, 30)
    if number and not number.lstrip("+").isdigit():
        raise bad_param()
    for rsn in FORWARD_GROUPS.get(reason, (reason,)):
        _ccfc_set(m, rsn, mode, number, kind, seconds)


def _ccfc_line(f: dict, reason: int) -> str:
    if not f["active"]:
        return "+CCFC: 0,1"
    tail = f",,,{f['time']}" if reason == 2 else ""
    return f'+CCFC: 1,1,"{f["number"]}",{f["type"]}{tail}'


def _ccfc_set(m: Any, reason: int, mode: int, number: str, kind: int, seconds: int) -> None:
    f = m.forwarding[reason]
    if mode == 3:
        if not number:
            raise bad_param()
        f.update(active=True, number=number, type=kind, time=seconds)
    elif mode == 1:
        if number:
            f.update(number=number, type=kind, time=seconds)
        if not f["number"]:
            raise CmeError(3)
        f["active"] = True
    elif mode == 0:
        f["active"] = False
    else:
        f.update(active=False, number=None)
    m.log("forwarding", reason=reason, active=f["active"], number=f["number"])
