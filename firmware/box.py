"""The box assembled: board, config, lines, LEDs and the control socket.

Built by the daemon; everything here runs on the one asyncio event loop. Board
threads reach the loop only through `loop.call_soon_threadsafe`. The LEDs and
the status summary listen on the event bus; the drivers do not know them.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import board as boards
from board.base import LineEvent, LineStatus
from firmware import paths
from firmware.clock import SystemClock
from firmware.config.store import ConfigStore
from firmware.events import EventBus
from firmware.lines.gsm import GsmLine, GsmStatus, GsmStatusChanged

log = logging.getLogger("switchboard.box")


@dataclass(frozen=True)
class PortStateChanged:
    """An analog port changed state: idle, ringing, in_use or fault."""

    port: str
    state: str


@dataclass
class Box:
    board: Any
    store: ConfigStore
    data_dir: Path
    bus: EventBus = field(default_factory=EventBus)
    clock: SystemClock = field(default_factory=SystemClock)
    gsm: dict[str, GsmLine] = field(default_factory=dict)
    gsm_status: dict[str, GsmStatus] = field(default_factory=dict)
    port_state: dict[str, str] = field(default_factory=dict)
    system: str = "booting"
    stopping: bool = False
    web: str = ""

    @classmethod
    def create(cls, board_name: str, data_dir: Path, board_options: dict, web: str = "") -> Box:
        store = ConfigStore(data_dir)
        config = store.load()  # refuses a corrupt or invalid file before any hardware moves
        board = boards.load_board(board_name, **board_options)
        box = cls(board=board, store=store, data_dir=data_dir, web=web,
                  clock=SystemClock(config.settings.timezone))
        return box

    # --- lifecycle ---------------------------------------------------------

    async def start(self) -> None:
        from firmware.boxleds import LedController
        from firmware.control import ControlServer

        self._loop = asyncio.get_running_loop()
        await asyncio.to_thread(self.board.open)
        self.leds = LedController(self.board.leds, lambda: self.system,
                                  lambda: dict(self.port_state))
        self.bus.subscribe(self._on_gsm_status, GsmStatusChanged)
        self.bus.subscribe(self.leds.on_event)
        self.bus.subscribe(lambda _event: self.leds.refresh(), PortStateChanged)
        self.leds.refresh()
        for port in self.board.ports():
            self.port_state[port.name] = "idle" if port.status().ok else "fault"
            port.on_event(self._port_callback(port.name))
            port.on_status(self._status_callback(port.name))
        self._unsubscribe_config = self.store.on_change(self._config_changed)
        for name, ports_fn in self._modem_slots().items():
            line = GsmLine(name, ports_fn, self.bus, sim_pin=self._sim_pin(name), clock=self.clock)
            self.gsm[name] = line
            await line.start()
        self.control = ControlServer(paths.control_socket(self.data_dir), self._handlers())
        await self.control.start()
        self.system = "ready"
        self.leds.refresh()
        log.info("box ready on board %s: %s", self.board.info.name, self.summary())

    async def stop(self) -> None:
        self.stopping = True
        if getattr(self, "control", None):
            await self.control.stop()
        if getattr(self, "_unsubscribe_config", None):
            self._unsubscribe_config()
        for line in self.gsm.values():
            await line.stop()
        await asyncio.to_thread(self.board.close)

    def _config_changed(self, config) -> None:
        """Store callback (any thread): the new config applies from the next call."""
        self._loop.call_soon_threadsafe(log.info, "configuration changed; it applies "
                                        "to the next call")

    # --- modems ------------------------------------------------------------

    def _modem_slots(self) -> dict[str, Any]:
        """gsm0, gsm1, ... bound to the board's modems: by configured modem id, else in order."""
        config = self.store.load()
        wanted = {line.name: line.modem for line in config.lines.gsm}
        present = self.board.modems()
        slots: dict[str, Any] = {}
        for i, modem in enumerate(present):
            name = next((n for n, m in wanted.items() if m == modem.id), None) or f"gsm{i}"
            slots[name] = self._ports_fn(modem.id, i)
        return slots

    def _ports_fn(self, modem_id: str, index: int):
        def current():
            for modem in self.board.modems():
                if modem.id == modem_id:
                    return modem
            return None

        return current

    def _sim_pin(self, name: str) -> str | None:
        for line in self.store.load().lines.gsm:
            if line.name == name:
                return line.sim_pin
        return None

    def _on_gsm_status(self, event: GsmStatusChanged) -> None:
        self.gsm_status[event.line] = event.status

    # --- analog ports ------------------------------------------------------

    def _port_callback(self, name: str):
        def on_event(event: LineEvent) -> None:
            self._loop.call_soon_threadsafe(self._on_port_event, name, event)

        return on_event

    def _status_callback(self, name: str):
        def on_status(status: LineStatus) -> None:
            self._loop.call_soon_threadsafe(self._on_port_status, name, status)

        return on_status

    def _on_port_event(self, name: str, event: LineEvent) -> None:
        words = {"offhook": "off hook", "onhook": "on hook", "flash": "hook flash"}
        log.info("%s: %s", name, words.get(event.kind, event.kind.replace("_", " ")))
        state = {"offhook": "in_use", "onhook": "idle"}.get(event.kind)
        if state and self.port_state.get(name) not in (state, "fault"):
            self._set_port(name, state)

    def _on_port_status(self, name: str, status: LineStatus) -> None:
        if self.stopping:
            return
        if not status.ok:
            log.warning("%s: out of service (%s)", name, status.reason or "link down")
            self._set_port(name, "fault")
        elif self.port_state.get(name) == "fault":
            log.info("%s: back in service", name)
            port = next(p for p in self.board.ports() if p.name == name)
            self._set_port(name, "in_use" if port.hook_state() == "off" else "idle")

    def _set_port(self, name: str, state: str) -> None:
        if self.port_state.get(name) != state:
            self.port_state[name] = state
            self.bus.publish(PortStateChanged(name, state))

    # --- control socket ----------------------------------------------------

    def _handlers(self) -> dict:
        from firmware.config.cli import control_handlers

        return {"status": lambda args: self.status(), **control_handlers(self.store)}

    def status(self) -> dict:
        return {
            "board": self.board.info.name,
            "system": self.system,
            "gsm": {name: _status_dict(s) for name, s in self.gsm_status.items()},
            "ports": dict(self.port_state),
            "leds": {name: _pattern_words(p) for name, p in self.leds.patterns().items()},
        }

    def summary(self) -> str:
        parts = [f"{name} {line.status.state.replace('_', ' ')}"
                 for name, line in sorted(self.gsm.items())]
        return ", ".join(parts) or "no GSM line"


def _status_dict(status: GsmStatus) -> dict:
    from dataclasses import asdict

    return asdict(status)


def _pattern_words(pattern) -> str:
    """Blink(on_ms=200, off_ms=200) -> "blink 200/200 ms"; for status output."""
    kind = type(pattern).__name__.lower()
    if kind == "blink":
        return f"blink {pattern.on_ms}/{pattern.off_ms} ms"
    if kind == "count":
        return f"{pattern.n} flashes every {pattern.period_ms} ms"
    return kind
