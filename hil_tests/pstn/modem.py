"""An emulated USB GSM modem (profile huawei_e1550) as the network and the box see it.

State that survives a power cycle lives here (IMEI, SIM card, SMS storage,
network-side call forwarding); `Settings` holds what `ATZ` or a reset puts
back to power-up defaults (echo on, CMEE 0, ...). The AT dialect itself is in
huawei.py, the pty threads in modem_io.py, faults in modem_faults.py.

Wiring: the modem registers with the `Network` (routing, calls); its methods
run under the network's world lock. Output to the host goes through `urc()`
(unsolicited lines, held back while a command is being answered or an SMS is
being typed, so they never split a reply line) and `write_reply()`.
"""

from __future__ import annotations

import os
import shutil
import time
import traceback
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

from hil_tests.pstn import huawei, huawei_calls, huawei_sms, sms  # noqa: F401 (registers commands)
from hil_tests.pstn.atparse import Reply, frame
from hil_tests.pstn.calls import CLI_VALIDITY, Call
from hil_tests.pstn.modem_faults import FaultState
from hil_tests.pstn.modem_io import ModemSession
from hil_tests.pstn.network import Conflict, Network

PROFILE = "huawei_e1550"
SMS_CAPACITY = 30
FORWARD_REASONS = {0: "unconditional", 1: "busy", 2: "no_reply", 3: "not_reachable"}
LAC, CELL = "2F1A", "0C3B"


@dataclass
class Settings:
    """What ATZ and a power cycle restore."""

    echo: bool = True
    cmee: int = 0
    creg: int = 0
    cgreg: int = 0
    clip: int = 0
    clir: int = 0
    crc: int = 0
    cmgf: int = 0
    cscs: str = "IRA"
    cnmi: list = field(default_factory=lambda: [2, 1, 0, 0, 0])
    csmp: list = field(default_factory=lambda: [17, 167, 0, 0])
    cpms: list = field(default_factory=lambda: ["SM", "SM", "SM"])
    curc: int = 1
    cops_format: int = 0
    clvl: int = 4
    cmut: int = 0
    ccwa: int = 0
    u2diag: int = 0
    cvhu: int = 0
    sregs: dict = field(default_factory=lambda: {0: 0, 3: 13, 4: 10, 5: 8, 7: 50})


@dataclass
class ModemConfig:
    """Timings (seconds) and hang-up quirks; POST /modems/{id}/config or /config
    changes them. `chup`: AT+CHUP works (false: it answers ERROR, as on some modems);
    `cvhu`: the +CVHU a power-up or ATZ sets (1: ATH answers OK and leaves a voice
    call up, the default of some modems; 0 or 2: ATH hangs up)."""

    latency_s: float = 0.02
    ring_period_s: float = 5.0
    reset_down_s: float = 1.5
    register_s: float = 0.3
    boot_urc_s: float = 0.2
    ss_delay_s: float = 0.3
    sms_delay_s: float = 0.3
    chup: bool = True
    cvhu: int = 0

    def update(self, body: dict) -> None:
        checked = {f.name: _config_value(f.name, f.type, body[f.name])
                   for f in fields(self) if f.name in body}
        for name, value in checked.items():
            setattr(self, name, value)


def _config_value(name: str, kind: str, value: Any) -> Any:
    if kind == "bool":
        if not isinstance(value, bool):
            raise ValueError(f"{name}: must be true or false")
        return value
    if kind == "int":
        if isinstance(value, bool) or value not in (0, 1, 2):
            raise ValueError(f"{name}: must be 0, 1 or 2")
        return int(value)
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise ValueError(f"{name}: must be a number >= 0")
    return float(value)


@dataclass
class SimCard:
    """The SIM: present or not, its PIN lock and the tries left."""

    present: bool = True
    pin: str = "1234"
    puk: str = "12345678"
    pin_enabled: bool = False
    unlocked: bool = True
    pin_left: int = 3
    puk_left: int = 10

    def state(self) -> str:
        if not self.present:
            return "absent"
        if self.puk_left <= 0:
            return "blocked"
        if self.pin_left <= 0:
            return "puk"
        if self.pin_enabled and not self.unlocked:
            return "pin"
        return "ready"

    def power_up(self) -> None:
        self.unlocked = not self.pin_enabled


class Modem:
    """One emulated modem: a SIM in the network, two ptys for the box."""

    def __init__(self, net: Network, imei: str, number: str, imsi: str, rundir: Path,
                 config: ModemConfig | None = None):
        self.net, self.imei, self.number, self.imsi = net, imei, number, imsi
        self.profile = PROFILE
        self.dir = Path(rundir) / "modems" / imei
        self.config = config or ModemConfig()
        self.settings = Settings()
        self.sim = SimCard()
        self.smsc = "+8613800100500"
        self.network_stat, self.csq, self.cfun = 1, 20, 1
        self.plugged = self.hung = False
        self.session: ModemSession | None = None
        self.faults = FaultState()
        self.forwarding: dict[int, dict] = {r: {"active": False, "number": None, "type": 145,
                                                "time": 20} for r in FORWARD_REASONS}
        self.inbox: dict[int, dict] = {}
        self.sent: list[dict] = []
        self.last_pump_stats: dict = {}
        self._mr = 0
        self._deferred: list[str] = []
        self._prompt: Any = None
        self._holding = False
        self._last_stat = 0
        self._registered_at = 0.0
        self._boot_pending = False
        self._boot_due = 0.0
        net.modems.append(self)

    def defaults(self) -> Settings:
        """The settings a power-up or ATZ restores (+CVHU as configured)."""
        return Settings(cvhu=self.config.cvhu)

    def log(self, kind: str, **fields: Any) -> None:
        self.net.log.add(kind, modem=self.imei, **fields)

    # --- plug, unplug ----------------------------------------------------------

    def plug(self) -> None:
        """Power up with new ptys: defaults restored, boot URCs once the host listens."""
        if self.plugged:
            raise Conflict(f"modem {self.imei} is already plugged in")
        self.settings, self.cfun, self.hung, self._prompt = self.defaults(), 1, False, None
        self.sim.power_up()
        self.faults.power_up()
        self.session = ModemSession(self)
        self.session.start()
        self._publish_links()
        self.plugged, self._last_stat = True, 0
        self._boot_pending, self._boot_due = True, time.monotonic() + self.config.boot_urc_s
        self.log("modem_plug", plugged=True, at=self.session.at.path,
                 audio=self.session.audio.path)
        self.start_registration()

    def unplug(self, reason: str = "unplug") -> ModemSession:
        """The USB device vanishes: ptys close (host reads EIO), directory removed, calls end."""
        if not self.plugged:
            raise Conflict(f"modem {self.imei} is already unplugged")
        session = self.session
        self.plugged, self.session = False, None
        session.stop()
        self.last_pump_stats = dict(session.pump.stats)
        shutil.rmtree(self.dir, ignore_errors=True)
        self._deferred.clear()
        self._holding = False
        self.log("modem_plug", plugged=False, reason=reason)
        self.check_registration()
        self.net.modem_lost(self)
        return session

    def _publish_links(self) -> None:
        tmp = self.dir.with_name(f".{self.imei}.tmp")
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        os.symlink(self.session.at.path, tmp / "at")
        os.symlink(self.session.audio.path, tmp / "audio")
        (tmp / "profile").write_text(self.profile + "\n")
        shutil.rmtree(self.dir, ignore_errors=True)
        os.replace(tmp, self.dir)

    def host_opened(self, session: ModemSession) -> None:
        """The host opened the AT port (reader thread): boot URCs are due."""
        with self.net.lock:
            if self.session is session and self._boot_pending:
                delay = max(0.05, self._boot_due - time.monotonic())
                self.net.sched.call_later(delay, self._boot_urcs, session)

    def _boot_urcs(self, session: ModemSession) -> None:
        if self.session is not session or not self._boot_pending:
            return
        self._boot_pending = False
        if not self.settings.curc:
            return
        sim = self.sim.state()
        self.urc(f"^SIMST:{255 if sim == 'absent' else 1}")
        self.urc(f"^SRVST:{2 if self.registered() else 0}")
        if self.registered():
            self.urc("^MODE:5,4")
        self.urc(f"^RSSI:{self.csq}")

    # --- output to the host ----------------------------------------------------------

    def urc(self, line: str) -> None:
        """An unsolicited line; held back while a reply or an SMS prompt is in progress."""
        if not self.plugged or self.hung:
            return
        if self._holding:
            self._deferred.append(line)
            return
        self._send([(line, True)])

    def _send(self, lines: list[tuple[str, bool]], tail: bytes = b"") -> None:
        ok = self.session.at.write(b"".join(frame(text) for text, _ in lines) + tail)
        for text, is_urc in lines:
            self.net.log.add("at_tx", modem=self.imei, line=text, urc=is_urc, dropped=not ok)
        if tail:
            self.net.log.add("at_tx", modem=self.imei, line=tail.decode().strip("\r\n"),
                             urc=False, dropped=not ok)

    def write_reply(self, reply: Reply) -> None:
        lines = [(text, False) for text in reply.lines]
        if reply.prompt is None:
            lines.append((reply.final, False))
        inject = self.faults.take_urc_in_reply(len(lines))
        if inject is not None:
            lines.insert(1, (inject, True))
        self._send(lines, b"\r\n> " if reply.prompt is not None else b"")

    def log_rx(self, line: str, **extra: Any) -> None:
        self.log("at_rx", line=line, **extra)

    def run_line(self, session: ModemSession, line: str) -> bool:
        """Execute one host line and answer it (reader thread). True: SMS prompt open."""
        with self.net.lock:
            if self.session is not session or self.hung:
                return False
            self._holding = True
            reply = self.faults.busy_reply(self, line) or self._guarded(huawei.run_line, self, line)
        if reply.delay:
            time.sleep(reply.delay)
        with self.net.lock:
            if self.session is not session or self.hung:
                return False
            self.write_reply(reply)
            if reply.prompt is not None:
                self._prompt = reply.prompt
                return True
            self._release()
            return False

    def finish_prompt(self, session: ModemSession, text: bytes | None) -> None:
        """Ctrl-Z (text) or ESC (None) ended the SMS prompt."""
        with self.net.lock:
            if self.session is not session or self.hung:
                return
            self.log_rx(text.decode("latin-1") if text is not None else "<ESC>", prompt=True)
            reply = self._guarded(self._prompt, text) if text is not None else Reply()
            self._prompt = None
            self.write_reply(reply)
            self._release()

    def _guarded(self, fn: Any, *args: Any) -> Reply:
        """Run a handler; an emulator bug answers ERROR and is logged, never kills the port."""
        try:
            return fn(*args)
        except Exception as e:
            self.log("error", where="at command", error=repr(e), trace=traceback.format_exc())
            return Reply(final="ERROR")

    def _release(self) -> None:
        self._holding = False
        held, self._deferred = self._deferred, []
        if held and self.plugged and not self.hung:
            self._send([(line, True) for line in held])

    # --- registration and signal -------------------------------------------------

    def reg_stat(self) -> int:
        if not self.plugged or self.cfun != 1 or self.sim.state() != "ready":
            return 0
        if time.monotonic() < self._registered_at:
            return 2
        return self.network_stat

    def registered(self) -> bool:
        return self.reg_stat() in (1, 5)

    def reachable(self) -> bool:
        return self.plugged and self.registered()

    def start_registration(self) -> None:
        """Search for the network for register_s (stat 2), then register."""
        self._registered_at = time.monotonic() + self.config.register_s
        self.check_registration()
        self.net.sched.call_later(self.config.register_s + 0.001, self.check_registration)

    def creg_line(self, stat: int, n: int, prefix: str = "+CREG") -> str:
        loc = f',"{LAC}","{CELL}"' if n == 2 and stat in (1, 5) else ""
        return f"{prefix}: {stat}{loc}"

    def check_registration(self) -> None:
        """Report a registration change (+CREG/^SRVST URCs); calls drop when it is lost."""
        stat = self.reg_stat()
        old, self._last_stat = self._last_stat, stat
        if stat == old:
            return
        self.log("registration", stat=stat)
        if self.settings.creg:
            self.urc(self.creg_line(stat, self.settings.creg))
        if self.settings.cgreg:
            self.urc(self.creg_line(stat, self.settings.cgreg, "+CGREG"))
        if (stat in (1, 5)) != (old in (1, 5)):
            if self.settings.curc:
                self.urc(f"^SRVST:{2 if stat in (1, 5) else 0}")
            if old in (1, 5):
                self.net.modem_lost(self)

    def set_network_stat(self, stat: int) -> None:
        if not isinstance(stat, int) or isinstance(stat, bool) or not 0 <= stat <= 5:
            raise ValueError("stat: must be 0..5 (27.007 +CREG stat)")
        self.network_stat = stat
        self.check_registration()

    def set_csq(self, csq: int) -> None:
        if not isinstance(csq, int) or isinstance(csq, bool) or not (0 <= csq <= 31 or csq == 99):
            raise ValueError("csq: must be 0..31 or 99 (unknown)")
        if csq != self.csq:
            self.csq = csq
            self.log("signal", csq=csq)
            if self.settings.curc:
                self.urc(f"^RSSI:{csq}")

    # --- SIM ----------------------------------------------------------------------

    def set_sim(self, state: str, pin: str | None = None) -> None:
        """POST /modems/{id}/sim: put the SIM in state ready/pin/puk/absent."""
        if pin is not None:
            if not isinstance(pin, str) or not pin.isdigit() or not 4 <= len(pin) <= 8:
                raise ValueError("pin: must be 4..8 digits")
            self.sim.pin = pin
        if state not in ("ready", "pin", "puk", "absent"):
            raise ValueError("state: must be ready, pin, puk or absent")
        old = self.sim.state()
        sim = self.sim
        sim.present = state != "absent"
        if state in ("ready", "pin", "puk"):
            sim.pin_enabled, sim.unlocked = state != "ready", state == "ready"
            sim.pin_left, sim.puk_left = (0 if state == "puk" else 3), 10
        self.sim_changed(old)

    def sim_changed(self, old: str) -> None:
        new = self.sim.state()
        if new == old:
            return
        self.log("sim", state=new)
        if self.settings.curc and "absent" in (old, new):
            self.urc(f"^SIMST:{255 if new == 'absent' else 1}")
        if new == "ready":
            self.start_registration()
        else:
            self.check_registration()

    # --- calls (called by the network and by handlers) -----------------------------

    def free_idx(self) -> int:
        used = {c.idx for c in self.net.live_calls(self)}
        return next(i for i in range(1, 8) if i not in used)

    def calls(self) -> list[Call]:
        return sorted(self.net.live_calls(self), key=lambda c: c.idx)

    def incoming(self, call: Call) -> None:
        self._ring(call)

    def _ring(self, call: Call) -> None:
        if call.state != "ringing" or call.modem is not self:
            return
        self.log("ring", call=call.id)
        self.urc("+CRING: VOICE" if self.settings.crc else "RING")
        if self.settings.clip:
            validity = CLI_VALIDITY[call.cli]
            num, kind = ("", 128) if validity else (call.frm, 145 if call.frm[:1] == "+" else 129)
            if call.clip_text is not None and not validity:
                num = call.clip_text  # what a rogue network or a broken trunk might send
            self.urc(f'+CLIP: "{num}",{kind},,,,{validity}')
        self.net.after(call, self.config.ring_period_s, self._ring, call)

    def call_state(self, call: Call) -> None:
        if call.state == "dialing":
            self.urc(f"^ORIG:{call.idx},0")
        elif call.state == "alerting" and call.direction == "from_box":
            self.urc(f"^CONF:{call.idx}")
        elif call.state == "active":
            self.urc(f"^CONN:{call.idx},0")

    def call_gone(self, call: Call, cause: int) -> None:
        self.urc(f"^CEND:{call.idx},{call.duration()},29,{cause}")

    def far_dtmf(self, call: Call, digit: str) -> None:
        self.urc(f"^DDTMF: {digit}")

    def audio_call(self, session: ModemSession) -> Call | None:
        """The call whose audio runs on the audio port now (audio thread)."""
        with self.net.lock:
            if self.session is not session or not self.plugged:
                return None
            return next((c for c in self.calls() if c.state == "active" and c.audio_enabled),
                        None)

    def audio_event(self, call: Call, what: str) -> None:
        self.net.log.add("audio", modem=self.imei, call=call.id, what=what)

    # --- SMS ------------------------------------------------------------------------

    def next_mr(self) -> int:
        self._mr = (self._mr + 1) % 256
        return self._mr

    def deliver_sms(self, sender: str, text: str) -> int | None:
        """An SMS arrives from the network: stored (+CMTI) or shown directly (+CMT)."""
        sms.check_length(text)
        if not self.reachable():
            raise Conflict(f"modem {self.imei} is not registered; the SMS cannot be delivered")
        mode, mt = self.settings.cnmi[0], self.settings.cnmi[1]
        if mode and mt in (2, 3):
            self.log("sms_delivered", index=None, **{"from": sender}, text=text)
            self.urc(huawei_sms.cmt_urc(self, sender, text))
            return None
        index = next((i for i in range(SMS_CAPACITY) if i not in self.inbox), None)
        if index is None:
            self.urc("^SMMEMFULL: \"SM\"")
            raise Conflict(f"modem {self.imei}: SIM message storage is full")
        self.inbox[index] = {"index": index, "from": sender, "text": text,
                             "t": time.time(), "status": "REC UNREAD"}
        self.log("sms_delivered", index=index, **{"from": sender}, text=text)
        if mode and mt == 1:
            self.urc(f'+CMTI: "{self.settings.cpms[2]}",{index}')
        return index

    # --- forwarding (network side: survives resets) -------------------------------

    def forward_target(self, reachable: bool, busy: bool) -> tuple[str, str] | None:
        f = self.forwarding
        if f[0]["active"]:
            return "unconditional", f[0]["number"]
        if not reachable and f[3]["active"]:
            return "not_reachable", f[3]["number"]
        if reachable and busy and f[1]["active"]:
            return "busy", f[1]["number"]
        return None

    def forward_no_reply(self) -> tuple[str, float] | None:
        f = self.forwarding[2]
        return (f["number"], float(f["time"])) if f["active"] else None

    # --- status ---------------------------------------------------------------------

    def status(self) -> dict:
        s = self.session
        return {
            "id": self.imei, "imei": self.imei, "number": self.number, "imsi": self.imsi,
            "profile": self.profile, "at": str(self.dir / "at"), "audio": str(self.dir / "audio"),
            "at_pty": s.at.path if s else None, "audio_pty": s.audio.path if s else None,
            "at_open": bool(s and s.at.host_open), "audio_open": bool(s and s.audio.host_open),
            "plugged": self.plugged, "hung": self.hung, "sim": self.sim.state(),
            "pin_left": self.sim.pin_left, "registration": self.reg_stat(),
            "network_stat": self.network_stat, "csq": self.csq, "cfun": self.cfun,
            "forwarding": {name: dict(self.forwarding[r]) for r, name in FORWARD_REASONS.items()},
            "calls": [c.to_dict() for c in self.calls()],
            "settings": asdict(self.settings), "config": asdict(self.config),
            "audio_stats": dict(s.pump.stats) if s else dict(self.last_pump_stats),
            "faults": self.faults.status(),
        }
