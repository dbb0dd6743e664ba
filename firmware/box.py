"""The box assembled: board, config, lines, media, calls, records, LEDs, control socket.

Built by the daemon; everything here runs on the one asyncio event loop. Board
threads reach the loop only through `loop.call_soon_threadsafe` (the line
drivers do that). The LEDs, the status summary and the call core listen on the
event bus; the drivers do not know them.

Lines: every line is registered in `self.lines` (firmware/lines/model.py) by name,
as an outside line or a desk phone, by the driver its kind has (`_PORT_DRIVERS`
for the board's analog ports, GsmLine for each modem). Nothing below the
registration knows a kind.

Start order: config (a bad file stops the start before hardware moves), board,
media engine, call records, the board's ports (desk phones, analog lines), GSM
lines, call core, network forwarding, control socket. Stop is the reverse.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import board as boards
from firmware import gcwatch, paths
from firmware.calls.callbacks import FILE as CALLBACKS_FILE
from firmware.calls.callbacks import CallbackList, callback_list, done_op
from firmware.calls.hold_queue import queue_status, seed_from_records
from firmware.clock import SetClock, SystemClock, parse_clock
from firmware.config.hardware import Hardware
from firmware.config.schema import summary, to_dict
from firmware.config.store import ConfigStore
from firmware.events import EventBus
from firmware.lines.fxs import FxsLine
from firmware.lines.gsm import GsmLine
from firmware.lines.model import DeskStateChanged, Lines, LineStateChanged

log = logging.getLogger("switchboard.box")

RECORDS_FILE = "records.sqlite3"
_PORT_WORDS = {"idle": "idle", "ringing": "ringing", "offhook": "in_use", "fault": "fault"}


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
    clock: Any = field(default_factory=SystemClock)  # SystemClock, or SetClock (--clock)
    lines: Lines = field(default_factory=Lines)
    port_state: dict[str, str] = field(default_factory=dict)
    system: str = "booting"
    stopping: bool = False
    web: str = ""

    @classmethod
    def create(cls, board_name: str, data_dir: Path, board_options: dict, web: str = "",
               clock_at: str | None = None) -> Box:
        """`clock_at`: a simulated board's wall clock starts at this time (`--clock`)."""
        board = boards.load_board(board_name, **board_options)  # reads its file; opens nothing
        hardware = Hardware.of_board(board.info)  # the lines a config may use: the board's
        store = ConfigStore(data_dir, hardware=hardware)
        config = store.load()  # refuses a corrupt or invalid file before any hardware moves
        if not store.path.exists():  # a fresh box: its defaults with the board's lines, on
            config = store.replace(to_dict(config))  # disk for every reader (route explain)
            log.info("no config yet: the defaults with the board's lines (%s)",
                     summary(config))
        for field_name, why in hardware.problems(config):
            log.warning("config %s: %s; that line is not used", field_name, why)
        zone = config.settings.timezone
        clock: Any = SystemClock(zone)
        if clock_at is not None:
            clock = SetClock(parse_clock(clock_at, zone), zone)
            log.info("the box's clock starts at %s (--clock)", clock.now().isoformat())
        return cls(board=board, store=store, data_dir=data_dir, web=web, clock=clock)

    # --- lifecycle ---------------------------------------------------------

    async def start(self) -> None:
        from firmware.boxleds import LedController
        from firmware.control import ControlServer
        from firmware.media import MediaEngine

        self._loop = asyncio.get_running_loop()
        config = self.store.load()
        await asyncio.to_thread(self.board.open)
        self.leds = LedController(self.board.leds, lambda: self.system,
                                  lambda: dict(self.port_state))
        self.bus.subscribe(self.leds.on_event)
        self.bus.subscribe(lambda _event: self.leds.refresh(), PortStateChanged)
        self.bus.subscribe(self._on_desk_state, DeskStateChanged)
        self.bus.subscribe(self._on_line_state, LineStateChanged)
        self.leds.refresh()
        self.media = MediaEngine()
        await self.media.start()
        self.cdr = await self._open_records(config)
        await self._start_ports(config)
        self._unsubscribe_config = self.store.on_change(self._config_changed)
        for name, ports_fn in self._modem_slots().items():
            line = GsmLine(name, ports_fn, self.bus, sim_pin=self._sim_pin(name), clock=self.clock)
            self.lines.add_outside(line)
            await line.start()
        self._start_calls()
        seed_from_records(self.calls)  # the queues' expected wait as before a restart
        from firmware.prompts.library import prompt_library  # the owner's over the defaults
        self.calls.audio.prompts = prompt_library(self.data_dir)
        from firmware.voicemail import VoicemailStore

        self.calls.voicemail_store = VoicemailStore.in_data_dir(self.data_dir)
        from firmware.recordings.keeper import RecordingKeeper  # call recording (T6)

        self.calls.recordings = RecordingKeeper(self.data_dir, self.store.load)
        await self.calls.recordings.start()
        self.calls.callbacks = CallbackList(self.data_dir / CALLBACKS_FILE)
        self.control = ControlServer(paths.control_socket(self.data_dir), self._handlers())
        await self.control.start()
        from firmware.notify.wiring import start_notifier  # missed calls, voicemail, SMS

        await start_notifier(self)
        self.system = "ready"
        self.leds.refresh()
        log.info("box ready on board %s: %s", self.board.info.name, self.summary())

    async def _open_records(self, config) -> Any:
        """The call records, or None (calls still work; ERR shows the storage fault)."""
        from firmware.cdr import region
        from firmware.cdr.store import CdrStore
        from firmware.leds import FAULT_STORAGE

        country, tz = config.settings.country, config.settings.timezone
        await asyncio.to_thread(region.preload, country)  # seconds on a Pi: off the loop
        try:
            return CdrStore(self.data_dir / RECORDS_FILE, country=country, timezone=tz)
        except Exception as exc:
            log.error("call records unavailable, calls will not be recorded: %s", exc)
            self.leds.fault = FAULT_STORAGE
            return None

    async def _start_ports(self, config) -> None:
        """Each analog port of the board as the line its kind makes: a desk phone (FXS)
        or an outside line (FXO)."""
        for port in self.board.ports():
            if port.kind == "fxs":
                phone = FxsLine(port, self.bus, self.clock)
                self.lines.add_desk(phone)
                self.port_state[port.name] = _PORT_WORDS.get(phone.state, "idle")
                phone.start()
            elif port.kind == "fxo":
                line = self._fxo_line(port, config)
                self.lines.add_outside(line)
                self.port_state[port.name] = "idle" if port.status().ok else "fault"
                await line.start()

    def _fxo_line(self, port, config):
        from firmware.config.schema import FxoLineConfig
        from firmware.lines.fxo import FxoLine

        settings = next((f for f in config.lines.fxo if f.name == port.name),
                        FxoLineConfig(port.name))
        return FxoLine(port, self.bus, self.clock, settings=settings)

    def _start_calls(self) -> None:
        from firmware.calls.agents import STATE_FILE, AgentBook
        from firmware.calls.controller import CallController
        from firmware.calls.forwarding import ForwardingKeeper

        self.calls = CallController(self.bus, self.media, self.lines, self.store.load,
                                    self.cdr, self.clock,
                                    agents=AgentBook(self.data_dir / STATE_FILE))
        self.calls.start()
        single = len(self.lines.outside) == 1
        self.forwarding = [ForwardingKeeper(line, self.bus, self.store.load, self.clock, single,
                                            cdr=self.cdr)
                           for line in self.lines.with_feature("forwarding")]
        for keeper in self.forwarding:
            keeper.start()

    async def stop(self) -> None:
        self.stopping = True
        if getattr(self, "control", None):
            await self.control.stop()
        if getattr(self, "_unsubscribe_config", None):
            self._unsubscribe_config()
        for keeper in getattr(self, "forwarding", []):
            await keeper.stop()
        if getattr(self, "calls", None):
            await self.calls.stop()
            if getattr(self.calls, "recordings", None):  # the files of calls just ended
                await self.calls.recordings.stop()
        for line in self.lines.outside.values():
            await line.stop()
        for phone in self.lines.desks.values():
            phone.close()
        if getattr(self, "media", None):
            await self.media.stop()
        from firmware.notify.wiring import stop_notifier  # after the calls: their ends told

        await stop_notifier(self)
        if getattr(self, "cdr", None):
            self.cdr.close()
        await asyncio.to_thread(self.board.close)

    def _config_changed(self, config) -> None:
        """Store callback (any thread): the new config applies from the next call."""
        self._loop.call_soon_threadsafe(self._apply_config, config)

    def _apply_config(self, config) -> None:
        log.info("configuration changed; it applies to the next call")
        self.clock = self.clock.in_zone(config.settings.timezone)
        self.calls.clock = self.clock
        if self.cdr is not None:
            self.cdr.set_timezone(config.settings.timezone)
        for keeper in self.forwarding:
            keeper.clock = self.clock
            keeper.config_changed()
        self._apply_sim_pins(config)
        self._apply_analog_settings(config)

    def _apply_sim_pins(self, config) -> None:
        """A SIM PIN set while the box runs is used at once (a line waiting for it)."""
        for gsm in config.lines.gsm:
            line = self.lines.of_kind("gsm").get(gsm.name)
            if line is not None and line.sim_pin != gsm.sim_pin:
                log.info("%s: new SIM PIN from the configuration", gsm.name)
                line.set_sim_pin(gsm.sim_pin)

    def _apply_analog_settings(self, config) -> None:
        """An analog line's profile and disconnect method apply from its next call."""
        for settings in config.lines.fxo:
            line = self.lines.of_kind("fxo").get(settings.name)
            if line is not None:
                line.configure(settings)

    # --- modems ------------------------------------------------------------

    def _modem_slots(self) -> dict[str, Any]:
        """gsm0, gsm1, ... bound to the board's modems: by configured modem id, else in order."""
        config = self.store.load()
        wanted = {line.name: line.modem for line in config.lines.gsm}
        present = self.board.modems()
        slots: dict[str, Any] = {}
        for i, modem in enumerate(present):
            name = next((n for n, m in wanted.items() if m == modem.id), None) or f"gsm{i}"
            slots[name] = self._ports_fn(modem.id)
        return slots

    def _ports_fn(self, modem_id: str):
        def current():
            return next((m for m in self.board.modems() if m.id == modem_id), None)

        return current

    def _sim_pin(self, name: str) -> str | None:
        return next((g.sim_pin for g in self.store.load().lines.gsm if g.name == name), None)

    # --- analog ports ------------------------------------------------------

    def _on_desk_state(self, event: DeskStateChanged) -> None:
        if self.stopping:
            return
        words = {"idle": "on hook", "ringing": "ringing", "offhook": "off hook",
                 "fault": "out of service"}
        log.info("%s: %s", event.port, words.get(event.state, event.state))
        self._set_port(event.port, _PORT_WORDS.get(event.state, "idle"))

    def _on_line_state(self, event: LineStateChanged) -> None:
        """An outside line on one of the board's ports (FXO) shows on its port's LED."""
        if self.stopping or event.line not in self.port_state:
            return
        if event.state == "fault":
            log.warning("%s: out of service (%s)", event.line, event.reason or "line down")
        self._set_port(event.line, event.state)

    def _set_port(self, name: str, state: str) -> None:
        if self.port_state.get(name) != state:
            self.port_state[name] = state
            self.bus.publish(PortStateChanged(name, state))

    # --- control socket ----------------------------------------------------

    def _handlers(self) -> dict:
        from firmware.config.cli import control_handlers
        from firmware.notify.wiring import control_ops as notify_ops
        from firmware.reset import reset_running_box

        return {"status": lambda args: self.status(),
                "box.factory_reset": lambda args: reset_running_box(self),
                "agents.state": lambda args: self.calls.state_op(args),
                "agents.set_available": lambda args: self.calls.availability_op(args),
                "media": lambda args: {**self.media.audio_health(stalls=True),
                                       "gc": gcwatch.summary()},
                "clock": lambda args: {"now": self.clock.now().isoformat(),
                                       "set": isinstance(self.clock, SetClock)},
                "callbacks.list": lambda args: {"callbacks": callback_list(self.calls).listing()},
                "callbacks.done": lambda args: done_op(self.calls, args),
                **control_handlers(self.store), **notify_ops(self)}

    def status(self) -> dict:
        return {
            "board": self.board.info.name,
            "hardware": self.store.hardware.as_dict() if self.store.hardware else None,
            "system": self.system,
            "gsm": {name: self._line_status(name, line)
                    for name, line in self.lines.of_kind("gsm").items()},
            "lines": {name: self._outside_status(line)
                      for name, line in sorted(self.lines.outside.items())},
            "ports": dict(self.port_state),
            "calls": _calls_status(self.calls),
            "queues": queue_status(self.calls),
            "agents": self.calls.availability(),
            "unavailable_since": self.calls.unavailable_since(),
            "forwarding": {k.line.name: k.state() for k in self.forwarding},
            "clock": self.clock.now().isoformat(),  # the box's wall time (--clock on sim)
            "leds": {name: _pattern_words(p) for name, p in self.leds.patterns().items()},
            "audio": self.media.audio_health(),
            "notifications": getattr(getattr(self, "notifier", None), "counts", None),
            "recording": _recording_status(self.calls),
        }

    def _line_status(self, name: str, line: GsmLine) -> dict:
        """A GSM line in status, with `forwarding`: {"to", "since", "reason"} while the
        network forwards its calls, else None."""
        return {**asdict(line.status), "forwarding": self._forwarding_of(line)}

    def _outside_status(self, line) -> dict:
        """Any outside line in status ("lines"): its driver's status_dict and forwarding."""
        return {**line.status_dict(), "forwarding": self._forwarding_of(line)}

    def _forwarding_of(self, line) -> dict | None:
        keeper = next((k for k in getattr(self, "forwarding", []) if k.line is line), None)
        return keeper.forwarding() if keeper else None

    def summary(self) -> str:
        parts = [f"{name} {_state_words(line.status_dict())}"
                 for name, line in sorted(self.lines.outside.items())]
        return ", ".join(parts) or "no outside line"


def _calls_status(calls) -> list[dict]:
    """The calls in progress, each with `recording`: true while it is recorded."""
    from firmware.calls.recording import recorded_legs

    recorded = recorded_legs(calls)
    return [{**call, "recording": bool(recorded & set(call.get("legs") or []))}
            for call in calls.status()]


def _recording_status(calls) -> dict | None:
    """Call recording in status: recording now, storage used, the owner's warning."""
    keeper = getattr(calls, "recordings", None)
    return keeper.status() if keeper is not None else None


def _state_words(status: dict) -> str:
    """A line's state for the log: the device's own word where it has one (a modem's
    "not registered"), else the line model's ("idle", "fault")."""
    return str(status.get("modem_state") or status.get("state", "?")).replace("_", " ")


def _pattern_words(pattern) -> str:
    """Blink(on_ms=200, off_ms=200) -> "blink 200/200 ms"; for status output."""
    kind = type(pattern).__name__.lower()
    if kind == "blink":
        return f"blink {pattern.on_ms}/{pattern.off_ms} ms"
    if kind == "count":
        return f"{pattern.n} flashes every {pattern.period_ms} ms"
    return kind
