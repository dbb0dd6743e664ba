"""Faults a test can inject into an emulated modem (POST /modems/{id}/fault).

unplug / replug   the USB device vanishes (ptys closed: host reads EIO; the
                  RUNDIR/modems/<imei>/ directory goes) and comes back on new ptys
reset             like AT+CFUN=1,1: gone for `down_s` (default config.reset_down_s),
                  then back with power-up defaults and boot URCs
hang / unhang     the firmware stops answering: no echo, no replies, no URCs
garbage           `bytes` random bytes (default 32) on the AT port, then CRLF
urc_in_reply      the next reply of two or more lines gets a URC between lines
sim_removed / sim_inserted
cme_busy          the next `count` command lines (default 3; a bare AT is
                  exempt) fail with +CME ERROR `code` (14 SIM busy, or 515)
sms_error         the next `count` SMS sends fail with +CMS ERROR `code` (500)
"""

from __future__ import annotations

import os
from typing import Any

from hil_tests.pstn.atparse import CmeError, Reply

KINDS = ("unplug", "replug", "reset", "hang", "unhang", "garbage", "urc_in_reply",
         "sim_removed", "sim_inserted", "cme_busy", "sms_error")


class FaultState:
    """Armed one-shot faults of one modem."""

    def __init__(self) -> None:
        self.cme_busy_left = 0
        self.cme_code = 14
        self.urc_in_reply: str | None = None
        self.sms_errors: list[int] = []
        self.reset_timer: Any = None

    def power_up(self) -> None:
        self.cme_busy_left = 0
        self.urc_in_reply = None

    def busy_reply(self, modem: Any, line: str) -> Reply | None:
        """The reply while cme_busy is armed, else None."""
        if self.cme_busy_left <= 0 or line.strip().upper() == "AT":
            return None
        self.cme_busy_left -= 1
        return Reply(final=CmeError(self.cme_code).final_for(modem.settings.cmee))

    def take_urc_in_reply(self, nlines: int) -> str | None:
        if self.urc_in_reply is None or nlines < 2:
            return None
        urc, self.urc_in_reply = self.urc_in_reply, None
        return urc

    def take_sms_error(self) -> int | None:
        return self.sms_errors.pop(0) if self.sms_errors else None

    def status(self) -> dict:
        return {"cme_busy_left": self.cme_busy_left, "urc_in_reply": self.urc_in_reply,
                "sms_errors": list(self.sms_errors),
                "resetting": self.reset_timer is not None}


def _int(body: dict, key: str, default: int, lo: int, hi: int) -> int:
    value = body.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
        raise ValueError(f"{key}: must be an integer {lo}..{hi}")
    return value


def reset(modem: Any, down_s: float | None = None) -> Any:
    """Power-cycle: unplug now, plug again after down_s. Returns the old session."""
    session = modem.unplug("reset")
    delay = modem.config.reset_down_s if down_s is None else down_s
    modem.faults.reset_timer = modem.net.sched.call_later(delay, _back_from_reset, modem)
    return session


def _back_from_reset(modem: Any) -> None:
    modem.faults.reset_timer = None
    if not modem.plugged:
        modem.plug()


def _cancel_reset(modem: Any) -> bool:
    timer, modem.faults.reset_timer = modem.faults.reset_timer, None
    if timer is not None:
        timer.cancel()
    return timer is not None


def apply(modem: Any, kind: str, body: dict) -> Any:
    """Inject fault `kind` (under the world lock). Returns a session to wait for, or None."""
    if kind not in KINDS:
        raise ValueError(f"kind: must be one of {', '.join(KINDS)}")
    modem.log("fault", fault=kind, **{k: v for k, v in body.items() if k != "kind"})
    if kind == "unplug":
        return None if _cancel_reset(modem) and not modem.plugged else modem.unplug()
    if kind == "replug":
        _cancel_reset(modem)
        modem.plug()
    elif kind == "reset":
        down = body.get("down_s")
        if down is not None and (not isinstance(down, int | float) or not 0 <= down <= 60):
            raise ValueError("down_s: must be a number of seconds 0..60")
        return reset(modem, down)
    elif kind in ("hang", "unhang"):
        modem.hung = kind == "hang"
    else:
        _one_shot(modem, kind, body)
    return None


def _one_shot(modem: Any, kind: str, body: dict) -> None:
    f = modem.faults
    if kind == "garbage":
        n = _int(body, "bytes", 32, 1, 4096)
        if modem.plugged and not modem.hung:
            data = os.urandom(n)
            modem.session.at.write(data + b"\r\n")
            modem.log("at_tx", line=data.hex(), garbage=True, urc=True)
    elif kind == "urc_in_reply":
        urc = body.get("urc", f"^RSSI:{modem.csq}")
        if not isinstance(urc, str) or not urc or "\r" in urc or "\n" in urc:
            raise ValueError("urc: must be one line of text")
        f.urc_in_reply = urc
    elif kind in ("sim_removed", "sim_inserted"):
        old = modem.sim.state()
        modem.sim.present = kind == "sim_inserted"
        if modem.sim.present:
            modem.sim.power_up()
        modem.sim_changed(old)
    elif kind == "cme_busy":
        f.cme_busy_left = _int(body, "count", 3, 1, 1000)
        f.cme_code = _int(body, "code", 14, 1, 999)
    elif kind == "sms_error":
        f.sms_errors += [_int(body, "code", 500, 1, 999)] * _int(body, "count", 1, 1, 100)
