"""Huawei E1550 SMS commands (27.005), text mode and PDU mode.

Text mode: `AT+CMGF=1`, `AT+CMGS="<number>"` -> `> ` prompt, text, Ctrl-Z ->
`+CMGS: <mr>` `OK` (ESC aborts). With `AT+CSCS="UCS2"` the number and the text
are UCS2 hex. PDU mode: `AT+CMGS=<tpdu length>` then the hex SMS-SUBMIT.
Incoming messages are stored on the SIM ("SM", indexes from 0) and announced
with `+CMTI: "SM",<index>` (the default `AT+CNMI` is 2,1,0,0,0), read with
`AT+CMGR`, listed with `AT+CMGL`, deleted with `AT+CMGD`.
"""

from __future__ import annotations

import time
from typing import Any

from hil_tests.pstn import sms
from hil_tests.pstn.atparse import AtCommand, CmsError, Reply, bad_param
from hil_tests.pstn.huawei import at

MEMORIES = ("SM", "ME", "MT")
TEXT_STATUS = {"REC UNREAD": 0, "REC READ": 1, "STO UNSENT": 2, "STO SENT": 3, "ALL": 4}


@at("+CMGF", test="+CMGF: (0,1)", ops="=?,?,=")
def _cmgf(m: Any, cmd: AtCommand, r: Reply) -> None:
    if cmd.op == "?":
        r.lines.append(f"+CMGF: {m.settings.cmgf}")
    else:
        m.settings.cmgf = cmd.int_arg(0, None, 0, 1)


@at("+CSCA", needs="sms", ops="=?,?,=")
def _csca(m: Any, cmd: AtCommand, r: Reply) -> None:
    cscs = m.settings.cscs
    if cmd.op == "?":
        if not m.smsc:
            raise CmsError(330)
        kind = 145 if m.smsc.startswith("+") else 129
        r.lines.append(f'+CSCA: "{sms.to_charset(m.smsc, cscs)}",{kind}')
        return
    try:
        number = sms.from_charset(cmd.str_arg(0), cscs, "number")
    except ValueError:
        raise bad_param() from None
    if number and not number.lstrip("+").isdigit():
        raise bad_param()
    m.smsc = number


@at("+CSMP", ops="=?,?,=")
def _csmp(m: Any, cmd: AtCommand, r: Reply) -> None:
    if cmd.op == "?":
        r.lines.append("+CSMP: " + ",".join(str(v) for v in m.settings.csmp))
    else:
        m.settings.csmp = [cmd.int_arg(i, m.settings.csmp[i], 0, 255) for i in range(4)]


@at("+CNMI", test="+CNMI: (0-2),(0-3),(0,2),(0-2),(0,1)", ops="=?,?,=")
def _cnmi(m: Any, cmd: AtCommand, r: Reply) -> None:
    if cmd.op == "?":
        r.lines.append("+CNMI: " + ",".join(str(v) for v in m.settings.cnmi))
        return
    limits = (2, 3, 3, 2, 1)
    m.settings.cnmi = [cmd.int_arg(i, 0, 0, hi) for i, hi in enumerate(limits)]


@at("+CPMS", needs="sms", test='+CPMS: ("SM","ME"),("SM","ME"),("SM","ME")', ops="=?,?,=")
def _cpms(m: Any, cmd: AtCommand, r: Reply) -> None:
    used, total = len(m.inbox), 30
    if cmd.op == "?":
        r.lines.append("+CPMS: " + ",".join(f'"{mem}",{used},{total}' for mem in m.settings.cpms))
        return
    mems = [cmd.str_arg(i, m.settings.cpms[i]).upper() for i in range(3)]
    if any(mem not in MEMORIES for mem in mems):
        raise CmsError(302)
    m.settings.cpms = mems
    r.lines.append("+CPMS: " + ",".join([f"{used},{total}"] * 3))


# --- sending ---------------------------------------------------------------------


@at("+CMGS", needs="sms", ops="=?,=")
def _cmgs(m: Any, cmd: AtCommand, r: Reply) -> None:
    if not m.registered():
        raise CmsError(331)
    if not m.smsc:
        raise CmsError(330)
    if m.settings.cmgf == 1:
        cscs = m.settings.cscs
        try:
            to = sms.from_charset(cmd.str_arg(0), cscs, "number")
        except ValueError:
            raise CmsError(305) from None
        if not to.lstrip("+").isdigit():
            raise CmsError(305)
        r.prompt = lambda raw: _send_text(m, to, raw, cscs)
    else:
        length = cmd.int_arg(0, None, 7, 164)
        r.prompt = lambda raw: _send_pdu(m, raw, length)


def _send_text(m: Any, to: str, raw: bytes, cscs: str) -> Reply:
    text = raw.decode("latin-1")
    if cscs == "UCS2":
        text = text.replace("\r", "").replace("\n", "").strip()
    try:
        text = sms.from_charset(text, cscs).replace("\r", "\n")
        encoding = sms.check_length(text)
    except ValueError as e:
        m.log("sms_refused", to=to, reason=str(e))
        return _error(m, 305)
    return _sent(m, {"to": to, "text": text, "mode": "text", "charset": cscs,
                     "dcs": m.settings.csmp[3], "encoding": encoding})


def _send_pdu(m: Any, raw: bytes, length: int) -> Reply:
    hexpdu = "".join(raw.decode("latin-1").split())
    try:
        submit = sms.decode_submit(hexpdu, length)
    except ValueError as e:
        m.log("sms_refused", pdu=hexpdu, reason=str(e))
        return _error(m, 304)
    return _sent(m, {"to": submit.to, "text": submit.text, "mode": "pdu", "dcs": submit.dcs,
                     "pdu": hexpdu, "part": submit.part, "tp_mr": submit.mr})


def _error(m: Any, code: int) -> Reply:
    return Reply(final=CmsError(code).final_for(m.settings.cmee))


def _sent(m: Any, record: dict) -> Reply:
    code = m.faults.take_sms_error()
    if code is not None:
        m.log("sms_refused", to=record["to"], reason=f"injected +CMS ERROR {code}")
        return Reply(final=CmsError(code).final_for(m.settings.cmee), delay=m.config.sms_delay_s)
    mr = m.next_mr()
    record.update(mr=mr, t=time.monotonic())
    m.sent.append(record)
    m.log("sms_sent", **record)
    return Reply(lines=[f"+CMGS: {mr}"], delay=m.config.sms_delay_s)


# --- the inbox ---------------------------------------------------------------------


def _stored(m: Any, cmd: AtCommand) -> dict:
    index = cmd.int_arg(0, None, 0, 255)
    if index not in m.inbox:
        raise CmsError(321)
    return m.inbox[index]


def _text_header(m: Any, msg: dict) -> str:
    oa = sms.to_charset(msg["from"], m.settings.cscs)
    return f'"{msg["status"]}","{oa}",,"{sms.scts_text(msg["t"])}"'


def _pdu(m: Any, msg: dict) -> tuple[str, int]:
    return sms.encode_deliver(msg["from"], msg["text"], m.smsc or "+8613800100500", msg["t"])


def _show(m: Any, msg: dict, prefix: str, r: Reply) -> None:
    if m.settings.cmgf == 1:
        r.lines += [f"{prefix}{_text_header(m, msg)}", sms.to_charset(msg["text"], m.settings.cscs)]
    else:
        pdu, length = _pdu(m, msg)
        r.lines += [f"{prefix}{TEXT_STATUS[msg['status']]},,{length}", pdu]
    msg["status"] = "REC READ"


@at("+CMGR", needs="sms", ops="=?,=")
def _cmgr(m: Any, cmd: AtCommand, r: Reply) -> None:
    _show(m, _stored(m, cmd), "+CMGR: ", r)


@at("+CMGL", needs="sms", ops="=?,=,")
def _cmgl(m: Any, cmd: AtCommand, r: Reply) -> None:
    want = cmd.args()[0] if cmd.text else ("REC UNREAD" if m.settings.cmgf else 0)
    if m.settings.cmgf == 1:
        if not isinstance(want, str) or want.upper() not in TEXT_STATUS:
            raise CmsError(305 if m.settings.cmgf else 304)
        want = TEXT_STATUS[want.upper()]
    elif not isinstance(want, int) or want > 4:
        raise CmsError(304)
    for index in sorted(m.inbox):
        msg = m.inbox[index]
        if want == 4 or TEXT_STATUS[msg["status"]] == want:
            _show(m, msg, f"+CMGL: {index},", r)


@at("+CMGD", needs="sms", test="+CMGD: (0-29),(0-4)", ops="=?,=")
def _cmgd(m: Any, cmd: AtCommand, r: Reply) -> None:
    index, flag = cmd.int_arg(0, None, 0, 255), cmd.int_arg(1, 0, 0, 4)
    if flag == 0:
        _stored(m, cmd)
        del m.inbox[index]
        return
    keep = {1: ("REC UNREAD", "STO UNSENT"), 2: ("REC UNREAD", "STO UNSENT"),
            3: ("REC UNREAD",), 4: ()}[flag]
    for i in [i for i, msg in m.inbox.items() if msg["status"] not in keep]:
        del m.inbox[i]


def cmt_urc(m: Any, sender: str, text: str) -> str:
    """A message shown directly (AT+CNMI=2,2): header line and body in one URC."""
    msg = {"from": sender, "text": text, "t": time.time(), "status": "REC UNREAD"}
    if m.settings.cmgf == 1:
        oa = sms.to_charset(sender, m.settings.cscs)
        body = sms.to_charset(text, m.settings.cscs)
        return f'+CMT: "{oa}",,"{sms.scts_text(msg["t"])}"\r\n{body}'
    pdu, length = _pdu(m, msg)
    return f"+CMT: ,{length}\r\n{pdu}"
