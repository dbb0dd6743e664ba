"""The PSTN emulator as one object: the world outside the box, wired together.

`Emulator(rundir, shape)` builds the event log, the network with one or two
GSM modems (profile huawei_e1550, fixed IMEIs and SIM numbers per shape), the
desk phones on the FXS ports (phones.py), the LED sink (leds.py) and the HTTP
control API, then publishes RUNDIR/emulator.json (docs/sim-link.md) once
everything in RUNDIR exists. A part that fails to start (phones, LEDs) is
recorded and its routes answer 503; the modems and the network always run.
"""

from __future__ import annotations

import contextlib
import importlib
import json
import os
import shutil
import threading
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

from hil_tests.pstn.eventlog import EventLog
from hil_tests.pstn.httpapi import Api, ControlServer, Unavailable
from hil_tests.pstn.modem import Modem, ModemConfig
from hil_tests.pstn.network import NetConfig, Network

SHAPES = {"sim": 1, "sim-2gsm": 2, "sim-analog": 0, "sim-mixed": 1,  # shape: GSM modems
          "sim-v253": 0, "sim-3gsm": 3}
LINES = {"sim-analog": {"fxo0": "+861062345678"},  # shape: analog lines and their numbers
         "sim-mixed": {"fxo0": "+861062345678"},
         "sim-v253": {"fxo0": "+861062345678"}}
VOICE_MODEMS = {"sim-v253": ("fxo0",)}  # lines whose CPE is a V.253 voice modem (a pty)
FXS_PORTS = ["fxs0", "fxs1", "fxs2", "fxs3"]


def luhn_digit(body: str) -> str:
    """The check digit that makes `body` + digit pass the Luhn test (IMEIs)."""
    total = 0
    for i, ch in enumerate(reversed(body)):
        d = int(ch) * (2 if i % 2 == 0 else 1)
        total += d - 9 if d > 9 else d
    return str(-total % 10)


def modem_identity(n: int) -> dict:
    """Fixed identity of the shape's n-th modem (n from 1)."""
    body = f"8613800000000{n}"
    return {"imei": body + luhn_digit(body), "number": f"+861390000000{n}",
            "imsi": f"46000123456780{n}"}


class Emulator:
    """Everything the emulator process runs; `start()`, then `stop()`."""

    def __init__(self, rundir: str | Path, shape: str = "sim", port: int = 0,
                 net_config: dict | None = None, modem_config: dict | None = None,
                 events_file: bool = True):
        if shape not in SHAPES:
            raise ValueError(f"shape: must be one of {', '.join(SHAPES)}")
        self.rundir = Path(rundir).resolve()
        self.shape, self.port = shape, port
        self._net_config, self._modem_config = net_config or {}, modem_config or {}
        self._events_path = self.rundir / "events.jsonl" if events_file else None
        self._events_fh: Any = None
        self.components: dict[str, Any] = {}
        self.errors: dict[str, str] = {}
        self.log: EventLog
        self.net: Network
        self.server: ControlServer | None = None
        self.t_start = time.monotonic()

    @property
    def url(self) -> str:
        return self.server.url

    # --- lifecycle --------------------------------------------------------------

    def start(self) -> None:
        self._claim_rundir()
        if self._events_path is not None:
            self._events_fh = open(self._events_path, "w", encoding="utf-8")  # noqa: SIM115
        self.log = EventLog(sink=self._write_event if self._events_fh else None)
        config = NetConfig()
        config.update(self._net_config)
        self.net = Network(self.log, config)
        self.net.sched.start()
        with self.net.lock:
            for n in range(1, SHAPES[self.shape] + 1):
                mc = ModemConfig()
                mc.update(self._modem_config)
                Modem(self.net, rundir=self.rundir, config=mc, **modem_identity(n)).plug()
        self._start_lines()
        self._start_component("phones", "hil_tests.pstn.phones", "PhoneBank",
                              self.rundir, FXS_PORTS, self.log)
        self._start_component("leds", "hil_tests.pstn.leds", "LedSink", self.rundir, self.log)
        self.server = ControlServer(Api(self), self.port)
        self.server.start()
        self._publish()
        self.log.add("emulator_started", url=self.url, shape=self.shape, pid=os.getpid())

    def _start_lines(self) -> None:
        from hil_tests.pstn.exchange import AnalogLine

        for line_id, number in LINES.get(self.shape, {}).items():
            line = AnalogLine(self.net, line_id, number, self.rundir)
            if line_id in VOICE_MODEMS.get(self.shape, ()):
                from hil_tests.pstn.v253modem import V253Modem

                line.wire = V253Modem(line, self.rundir)  # the line ends in the modem's DAA
            line.start()
            self.net.lines.append(line)

    def _claim_rundir(self) -> None:
        self.rundir.mkdir(parents=True, exist_ok=True)
        info = self.rundir / "emulator.json"
        with contextlib.suppress(OSError, ValueError):
            pid = int(json.loads(info.read_text())["pid"])
            if pid != os.getpid() and _alive(pid):
                raise RuntimeError(f"RUNDIR {self.rundir} is in use by emulator pid {pid}")
        info.unlink(missing_ok=True)
        shutil.rmtree(self.rundir / "modems", ignore_errors=True)

    def _start_component(self, name: str, module: str, cls: str, *args: Any) -> None:
        try:
            component = getattr(importlib.import_module(module), cls)(*args)
            component.start()
            self.components[name] = component
        except Exception as e:
            self.errors[name] = f"{module}.{cls} did not start: {e!r}"
            self.log.add("error", where=name, error=self.errors[name])

    def component(self, name: str) -> Any:
        """A started part (phones, leds), or Unavailable (HTTP 503) saying why not."""
        if name not in self.components:
            raise Unavailable(self.errors.get(name, f"{name} not started"))
        return self.components[name]

    def _publish(self) -> None:
        info = {"control_url": self.url, "pid": os.getpid(), "shape": self.shape,
                "fxs": list(FXS_PORTS) if "phones" in self.components else [],
                "modems": [m.imei for m in self.net.modems],
                "numbers": {m.imei: m.number for m in self.net.modems}}
        if self.net.lines:
            info["fxo"] = [line.id for line in self.net.lines]
            info["lines"] = {line.id: line.number for line in self.net.lines}
            modems = {line.id: str(line.wire.link) for line in self.net.lines
                      if hasattr(line.wire, "plug")}
            if modems:
                info["voice_modems"] = modems
        tmp = self.rundir / ".emulator.json.tmp"
        with open(tmp, "w", encoding="utf-8") as fh:
            json.dump(info, fh, indent=1)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, self.rundir / "emulator.json")
        dirfd = os.open(self.rundir, os.O_RDONLY)
        try:
            os.fsync(dirfd)
        finally:
            os.close(dirfd)

    def stop(self) -> None:
        """Stop everything and remove what the emulator put in RUNDIR (also after a
        start that failed half way)."""
        if not hasattr(self, "net"):
            return
        if self.server is not None and (self.rundir / "emulator.json").exists():
            (self.rundir / "emulator.json").unlink(missing_ok=True)
        if self.server is not None:
            self.server.stop()
        self._stop_components()
        for line in self.net.lines:
            _quiet_stop(line)
        sessions = []
        with self.net.lock:
            for modem in self.net.modems:
                if modem.plugged:
                    sessions.append(modem.unplug("emulator stopped"))
        for session in sessions:
            session.wait_closed(2.0)
        self.net.sched.stop()
        shutil.rmtree(self.rundir / "modems", ignore_errors=True)
        if self._events_fh is not None:
            self._events_fh.close()

    def _stop_components(self) -> None:
        """Stop phones and LEDs in parallel (each socket server takes up to ~0.2 s)."""
        parts = [c for name, c in self.components.items() if name != "phones"]
        bank = self.components.get("phones")
        if bank is not None:
            parts += [bank.get(name) for name in bank.names]
        threads = [threading.Thread(target=_quiet_stop, args=(p,)) for p in parts]
        for t in threads:
            t.start()
        for t in threads:
            t.join(5.0)

    def _write_event(self, event: dict) -> None:
        with contextlib.suppress(OSError, ValueError):
            self._events_fh.write(json.dumps(event, ensure_ascii=False, default=str) + "\n")
            self._events_fh.flush()

    # --- status and settings ------------------------------------------------------

    def health(self) -> dict:
        phones = self.components.get("phones")
        health = {"ok": True, "modems": len(self.net.modems),
                  "phones": len(phones.names) if phones is not None else 0,
                  "shape": self.shape, "pid": os.getpid(),
                  "uptime_s": time.monotonic() - self.t_start, "errors": dict(self.errors)}
        if self.net.lines:
            health["lines"] = len(self.net.lines)
        return health

    def config_status(self) -> dict:
        return {"network": asdict(self.net.config),
                "modems": {m.imei: asdict(m.config) for m in self.net.modems}}

    def set_config(self, body: dict) -> None:
        """POST /config: network timings and, for every modem, modem timings."""
        modem_keys = set(asdict(ModemConfig()))
        net_keys = set(asdict(self.net.config))
        unknown = set(body) - modem_keys - net_keys
        if unknown:
            raise ValueError(f"{', '.join(sorted(unknown))}: unknown setting "
                             f"(known: {', '.join(sorted(modem_keys | net_keys))})")
        self.net.config.update({k: v for k, v in body.items() if k in net_keys})
        for modem in self.net.modems:
            modem.config.update({k: v for k, v in body.items() if k in modem_keys})


def _quiet_stop(part: Any) -> None:
    with contextlib.suppress(Exception):
        part.stop()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
