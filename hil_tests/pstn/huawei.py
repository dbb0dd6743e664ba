"""The AT dialect of a Huawei E1550 (3G USB stick): general, SIM and network commands.

`run_line(modem, line)` parses a host line (atparse.py) and runs each command
through `TABLE`; call commands are in huawei_calls.py and SMS commands in
huawei_sms.py (importing them registers them). A handler gets the modem, the
parsed command and the Reply being built; it appends information lines or
raises an AtError. Commands the table lacks answer `ERROR`, or
`COMMAND NOT SUPPORT` for `^` vendor commands, like the real stick.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from hil_tests.pstn.atparse import (
    AtCommand,
    AtError,
    CmeError,
    CmsError,
    NotSupported,
    PlainError,
    Reply,
    bad_param,
    parse_line,
)

MANUFACTURER, MODEL, REVISION = "huawei", "E1550", "11.608.12.02.143"
OPERATOR = ("CHINA MOBILE", "CMCC", "46000")
Handler = Callable[[Any, AtCommand, Reply], None]
SIM_CME = {"absent": 10, "pin": 11, "puk": 12, "blocked": 13}
SIM_CMS = {"absent": 310, "pin": 311, "puk": 316, "blocked": 313}


class Entry:
    def __init__(self, fn: Handler, needs: str | None, test: str | None, ops: str):
        self.fn, self.needs, self.test, self.ops = fn, needs, test, ops


TABLE: dict[str, Entry] = {}


def at(*names: str, needs: str | None = None, test: str | None = "", ops: str = "=?,?,=,"):
    """Register a handler. needs: "sim" (+CME 10/11/12) or "sms" (+CMS 310/311/316) when
    the SIM is not ready; test: the `=?` answer line ("" = just OK, None = ERROR);
    ops: the allowed forms, comma-separated ("" = action, "?", "=", "=?")."""

    def register(fn: Handler) -> Handler:
        for name in names:
            TABLE[name] = Entry(fn, needs, test, ops)
        return fn

    return register


def run_line(modem: Any, line: str) -> Reply:
    """Run every command of `line`; the first error ends it with that error."""
    reply = Reply()
    try:
        for cmd in parse_line(line):
            _run(modem, cmd, reply)
            if reply.prompt is not None:
                break
    except AtError as e:
        reply.final, reply.prompt = e.final_for(modem.settings.cmee), None
    return reply


def _run(modem: Any, cmd: AtCommand, reply: Reply) -> None:
    entry = TABLE.get(cmd.name)
    if entry is None:
        raise NotSupported() if cmd.name.startswith("^") else PlainError(cmd.name)
    if cmd.op not in entry.ops.split(","):
        raise PlainError(f"{cmd.name}{cmd.op} not allowed")
    if cmd.op == "=?":
        if entry.test is None:
            raise PlainError("no test form")
        if entry.test:
            reply.lines.append(entry.test)
        return
    if entry.needs:
        check_sim(modem, entry.needs)
    entry.fn(modem, cmd, reply)


def check_sim(modem: Any, needs: str) -> None:
    state = modem.sim.state()
    if state != "ready":
        raise CmsError(SIM_CMS[state]) if needs == "sms" else CmeError(SIM_CME[state])


def flag(cmd: AtCommand, hi: int = 1) -> int:
    """The single numeric argument of a set command (`ATE1`, `AT+CLIP=1`)."""
    return cmd.int_arg(0, None, 0, hi) if cmd.name[0] in "+^" else _basic_int(cmd, hi)


def _basic_int(cmd: AtCommand, hi: int) -> int:
    value = int(cmd.text or 0)
    if value > hi:
        raise PlainError("value out of range")
    return value


# --- basic commands -----------------------------------------------------------


@at("E", ops="")
def _echo(m: Any, cmd: AtCommand, r: Reply) -> None:
    m.settings.echo = bool(flag(cmd))


@at("Z", "&F", ops="")
def _defaults(m: Any, cmd: AtCommand, r: Reply) -> None:
    if cmd.text not in ("", "0"):
        raise PlainError("ATZ takes no profile but 0")
    m.settings = m.defaults()


@at("Q", "V", ops="")
def _quiet_verbose(m: Any, cmd: AtCommand, r: Reply) -> None:
    if (cmd.name, cmd.text or "0") not in (("Q", "0"), ("V", "1")):
        raise PlainError("only Q0 and V1 (verbose results) are emulated")


@at("X", "L", "M", "&C", "&D", "&K", "&S", "&W", "&V", ops="")
def _accepted(m: Any, cmd: AtCommand, r: Reply) -> None:
    pass


@at("I", ops="")
def _identify(m: Any, cmd: AtCommand, r: Reply) -> None:
    r.lines += [f"Manufacturer: {MANUFACTURER}", f"Model: {MODEL}", f"Revision: {REVISION}",
                f"IMEI: {m.imei}", "+GCAP: +CGSM,+DS,+ES"]


def s_register(m: Any, cmd: AtCommand, r: Reply) -> None:
    reg = int(cmd.name[1:])
    if reg > 255:
        raise PlainError("no such S register")
    if cmd.op == "?":
        r.lines.append(f"{m.settings.sregs.get(reg, 0):03d}")
    elif not cmd.text.isdigit() or int(cmd.text) > 255:
        raise PlainError("S register value 0..255")
    else:
        m.settings.sregs[reg] = int(cmd.text)


for _n in range(256):
    TABLE[f"S{_n}"] = Entry(s_register, None, None, "?,=")


# --- identity -------------------------------------------------------------------


@at("+CMEE", test="+CMEE: (0-2)", ops="=?,?,=")
def _cmee(m: Any, cmd: AtCommand, r: Reply) -> None:
    if cmd.op == "?":
        r.lines.append(f"+CMEE: {m.settings.cmee}")
    else:
        m.settings.cmee = flag(cmd, 2)


def _constant(text: Callable[[Any], str]) -> Handler:
    def handler(m: Any, cmd: AtCommand, r: Reply) -> None:
        r.lines.append(text(m))
    return handler


for _names, _text in ((("+CGMI", "+GMI"), lambda m: MANUFACTURER),
                      (("+CGMM", "+GMM"), lambda m: MODEL),
                      (("+CGMR", "+GMR"), lambda m: REVISION),
                      (("+CGSN", "+GSN"), lambda m: m.imei),
                      (("+GCAP",), lambda m: "+GCAP: +CGSM,+DS,+ES")):
    at(*_names, ops="=?,")(_constant(_text))
at("+CIMI", needs="sim", ops="=?,")(_constant(lambda m: m.imsi))
at("+CNUM", needs="sim", ops="=?,")(_constant(lambda m: f'+CNUM: "","{m.number}",145'))


@at("+CLAC", ops="")
def _clac(m: Any, cmd: AtCommand, r: Reply) -> None:
    r.lines += sorted(n for n in TABLE if n[0] in "+^")


# --- SIM ------------------------------------------------------------------------------


@at("+CPIN", ops="=?,?,=")
def _cpin(m: Any, cmd: AtCommand, r: Reply) -> None:
    state = m.sim.state()
    if state in ("absent", "blocked"):
        raise CmeError(SIM_CME[state])
    if cmd.op == "?":
        r.lines.append("+CPIN: " + {"ready": "READY", "pin": "SIM PIN", "puk": "SIM PUK"}[state])
    elif state == "ready":
        raise CmeError(3)
    elif state == "pin":
        _enter_pin(m, cmd.str_arg(0))
    else:
        _enter_puk(m, cmd.str_arg(0), cmd.str_arg(1))


def _enter_pin(m: Any, code: str) -> None:
    sim = m.sim
    if code == sim.pin:
        sim.unlocked, sim.pin_left = True, 3
        m.sim_changed("pin")
        return
    sim.pin_left -= 1
    m.log("sim_pin", ok=False, left=sim.pin_left)
    m.sim_changed("pin")
    raise CmeError(16)


def _enter_puk(m: Any, puk: str, new_pin: str) -> None:
    sim = m.sim
    if not new_pin.isdigit() or not 4 <= len(new_pin) <= 8:
        raise bad_param()
    if puk == sim.puk:
        sim.pin, sim.pin_left, sim.puk_left, sim.unlocked = new_pin, 3, 10, True
        m.sim_changed("puk")
        return
    sim.puk_left -= 1
    m.sim_changed("puk")
    raise CmeError(16)


@at("^CPIN", ops="?")
def _hw_cpin(m: Any, cmd: AtCommand, r: Reply) -> None:
    state = m.sim.state()
    if state == "absent":
        raise CmeError(10)
    code = {"ready": "READY", "pin": "SIM PIN", "puk": "SIM PUK", "blocked": "SIM PUK"}[state]
    times = {"pin": m.sim.pin_left, "puk": m.sim.puk_left}.get(state, "")
    r.lines.append(f"^CPIN: {code},{times},{m.sim.puk_left},{m.sim.pin_left},10,3")


@at("+CLCK", needs="sim", test='+CLCK: ("SC")', ops="=?,=")
def _clck(m: Any, cmd: AtCommand, r: Reply) -> None:
    if cmd.str_arg(0).upper() != "SC":
        raise CmeError(4)
    mode = cmd.int_arg(1, None, 0, 2)
    if mode == 2:
        r.lines.append(f"+CLCK: {int(m.sim.pin_enabled)}")
        return
    if cmd.str_arg(2, "") != m.sim.pin:
        m.sim.pin_left -= 1
        m.sim_changed("ready")
        raise CmeError(16)
    m.sim.pin_enabled = bool(mode)


# --- power, registration, signal -------------------------------------------------


@at("+CFUN", test="+CFUN: (0,1,4),(0,1)", ops="=?,?,=")
def _cfun(m: Any, cmd: AtCommand, r: Reply) -> None:
    if cmd.op == "?":
        r.lines.append(f"+CFUN: {m.cfun}")
        return
    fun, rst = cmd.int_arg(0, None, 0, 4), cmd.int_arg(1, 0, 0, 1)
    if fun not in (0, 1, 4) or (rst and fun != 1):
        raise bad_param()
    if rst:
        from hil_tests.pstn import modem_faults

        m.log("reset_requested", by="AT+CFUN=1,1")
        m.net.sched.call_later(0.05, modem_faults.reset, m)
        return
    old, m.cfun = m.cfun, fun
    if fun == 1 and old != 1:
        m.start_registration()
    else:
        m.check_registration()


def _creg_handler(prefix: str, attr: str) -> Handler:
    def handler(m: Any, cmd: AtCommand, r: Reply) -> None:
        if cmd.op == "?":
            n = getattr(m.settings, attr)
            r.lines.append(m.creg_line(m.reg_stat(), n, prefix).replace(": ", f": {n},", 1))
        else:
            setattr(m.settings, attr, flag(cmd, 2))
    return handler


at("+CREG", test="+CREG: (0-2)", ops="=?,?,=")(_creg_handler("+CREG", "creg"))
at("+CGREG", test="+CGREG: (0-2)", ops="=?,?,=")(_creg_handler("+CGREG", "cgreg"))


@at("+CSQ", test="+CSQ: (0-31,99),(0-7,99)", ops="=?,")
def _csq(m: Any, cmd: AtCommand, r: Reply) -> None:
    r.lines.append(f"+CSQ: {m.csq},99")


@at("+COPS", ops="=?,?,=")
def _cops(m: Any, cmd: AtCommand, r: Reply) -> None:
    if cmd.op == "=":
        mode, fmt = cmd.int_arg(0, 0, 0, 4), cmd.int_arg(1, 0, 0, 2)
        m.settings.cops_format = fmt if mode in (0, 3) else 0
        return
    if not m.registered():
        r.lines.append("+COPS: 0")
        return
    fmt = getattr(m.settings, "cops_format", 0)
    r.lines.append(f'+COPS: 0,{fmt},"{OPERATOR[fmt]}",2')


TABLE["+COPS"].test = f'+COPS: (2,"{OPERATOR[0]}","{OPERATOR[1]}","{OPERATOR[2]}",2),,(0-4),(0-2)'


@at("^SYSINFO", ops="")
def _sysinfo(m: Any, cmd: AtCommand, r: Reply) -> None:
    sim = {"ready": 1, "absent": 255}.get(m.sim.state(), 0)
    if m.registered():
        r.lines.append(f"^SYSINFO: 2,3,{int(m.reg_stat() == 5)},5,{sim}")
    else:
        r.lines.append(f"^SYSINFO: 0,0,0,0,{sim}")


@at("+CPAS", test="+CPAS: (0-5)", ops="=?,")
def _cpas(m: Any, cmd: AtCommand, r: Reply) -> None:
    states = {c.state for c in m.calls()}
    r.lines.append("+CPAS: " + ("3" if states == {"ringing"} else "4" if states else "0"))


@at("+CGATT", test="+CGATT: (0,1)", ops="=?,?,=")
def _cgatt(m: Any, cmd: AtCommand, r: Reply) -> None:
    if cmd.op == "?":
        r.lines.append(f"+CGATT: {int(m.registered())}")


# --- settings that only store a value -------------------------------------------


def _setting(name: str, attr: str, hi: int, read: str) -> None:
    def handler(m: Any, cmd: AtCommand, r: Reply) -> None:
        if cmd.op == "?":
            r.lines.append(read.format(getattr(m.settings, attr, 0)))
        else:
            setattr(m.settings, attr, flag(cmd, hi))
    at(name, test=f"{name}: (0-{hi})", ops="=?,?,=")(handler)


_setting("+CLIP", "clip", 1, "+CLIP: {},1")
_setting("+CLIR", "clir", 2, "+CLIR: {},2")
_setting("+CRC", "crc", 1, "+CRC: {}")
_setting("^CURC", "curc", 1, "^CURC: {}")
_setting("+CLVL", "clvl", 5, "+CLVL: {}")
_setting("+CMUT", "cmut", 1, "+CMUT: {}")
_setting("+CCWA", "ccwa", 1, "+CCWA: {}")
_setting("^U2DIAG", "u2diag", 376, "^U2DIAG: {}")


@at("+CSSN", test="+CSSN: (0,1),(0,1)", ops="=?,?,=")
def _cssn(m: Any, cmd: AtCommand, r: Reply) -> None:
    if cmd.op == "?":
        r.lines.append("+CSSN: 0,0")
    else:
        cmd.int_arg(0, None, 0, 1)
        cmd.int_arg(1, 0, 0, 1)


@at("+CSCS", test='+CSCS: ("IRA","GSM","UCS2")', ops="=?,?,=")
def _cscs(m: Any, cmd: AtCommand, r: Reply) -> None:
    if cmd.op == "?":
        r.lines.append(f'+CSCS: "{m.settings.cscs}"')
        return
    charset = cmd.str_arg(0).upper()
    if charset not in ("IRA", "GSM", "UCS2"):
        raise bad_param()
    m.settings.cscs = charset


@at("^CVOICE", test="^CVOICE: (0)", ops="=?,?,=")
def _cvoice(m: Any, cmd: AtCommand, r: Reply) -> None:
    if cmd.op == "?":
        r.lines.append("^CVOICE: 0,8000,16,20")
    elif cmd.int_arg(0, None, 0, 0) != 0:
        raise bad_param()


@at("^SYSCFG", ops="=?,?,=")
def _syscfg(m: Any, cmd: AtCommand, r: Reply) -> None:
    if cmd.op == "?":
        r.lines.append("^SYSCFG: 2,0,3FFFFFFF,1,2")
