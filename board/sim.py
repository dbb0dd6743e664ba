"""The simulated board: FXS and FXO ports, LEDs and modems wired to the PSTN emulator.

The emulator (hil_tests/pstn) plays the world; this board meets it in the
emulator's run directory RUNDIR (docs/sim-link.md):

- each FXS port `fxsN` is a client of `RUNDIR/fxsN.sock`: `E` frames become
  LineEvents for the port's callback, `A` frames (the handset microphone) wait in
  a bounded queue behind `audio.read_frame()`, `audio.write_frame()` sends the
  earpiece as `A` frames and `set_ringer()` sends the `C` ringer command;
- each FXO port `fxoN` is a client of `RUNDIR/fxoN.sock`, the emulator's
  telephone exchange (board/sim_fxo.py), or, with driver "v253" (board
  `sim-v253`), the V.253 voice modem port (board/v253.py) on the emulator's
  modem pty `RUNDIR/fxoN.tty`;
- the LED pattern engine writes level changes as JSON lines to `RUNDIR/leds.sock`;
- modems are the directories `RUNDIR/modems/<imei>/` (pty symlinks + profile).

If a socket drops, the port reports itself out of service (`on_status`) and
reconnects with backoff; when it is back, the emulator's `S` frame says where the
hook is and a missed hook change is reported as an event.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from pathlib import Path

from board.base import FRAME_BYTES, BoardUnavailable, ModemPorts, WrongPortKind
from board.boardfile import BoardSpec
from board.ledengine import LedEngine
from board.modems import scan_modem_dirs
from board.ports import FrameQueue, PortBase, check_frame
from board.simlink import (
    AUDIO,
    COMMAND,
    EVENT,
    STATUS,
    FrameDecoder,
    FrameError,
    SimLink,
    decode_json,
    encode_frame,
    encode_json,
)

log = logging.getLogger(__name__)

HOOK_EVENTS = ("offhook", "onhook", "flash")


class SimAudio:
    """One FXS port's audio: frames from the emulator queued, frames to it sent."""

    def __init__(self, port: str, link: SimLink, depth: int = 25):
        self._port = port
        self._link = link
        self.inbound = FrameQueue(depth)
        self.sent = 0

    def read_frame(self) -> bytes | None:
        return self.inbound.get()

    def write_frame(self, frame: bytes) -> None:
        check_frame(frame, self._port)
        if self._link.send(encode_frame(AUDIO, frame), droppable=True):
            self.sent += 1


class SimLinkedPort(PortBase):
    """A port whose far end lives in the emulator, over one socket of the sim link
    (docs/sim-link.md): audio frames, events and status frames in, commands out. The
    FXS port (a desk phone) and the FXO port (an exchange line, board/sim_fxo.py)
    differ in the events and status they read."""

    PEER = "the emulator"  # who is at the socket's other end, for log lines

    def __init__(self, name: str, kind: str, socket_path: Path,
                 backoff: tuple[float, float]):
        super().__init__(name, kind)
        self._decoder = FrameDecoder()
        self._ready = threading.Event()
        # it stands for the port's kernel driver (a DAA's): real-time as it
        self.link = SimLink(socket_path, name, self._on_data, self._on_up, self._on_down, backoff,
                            realtime=True)
        self.audio = SimAudio(name, self.link)

    def start(self) -> None:
        self.link.start()

    def stop(self) -> None:
        self.link.stop()
        self._ready.clear()
        self._set_status(False, "closed")

    def wait_ready(self, timeout: float) -> bool:
        """True once connected and told the far end's state (the `S` frame)."""
        return self._ready.wait(max(0.0, timeout))

    # --- link callbacks (reader thread) ------------------------------------

    def _on_up(self) -> None:
        self._decoder = FrameDecoder()

    def _on_down(self, reason: str) -> None:
        self._ready.clear()
        self.audio.inbound.clear()
        self._set_status(False, f"link to the emulator lost: {reason}")

    def _on_data(self, data: bytes) -> None:
        for kind, payload in self._decoder.feed(data):
            try:
                self._on_frame(kind, payload)
            except FrameError as exc:
                log.warning("port %s: bad %r frame from %s ignored: %s",
                            self.name, kind, self.PEER, exc)

    def _on_frame(self, kind: str, payload: bytes) -> None:
        if kind == AUDIO:
            if len(payload) != FRAME_BYTES:
                raise FrameError(f"audio frame of {len(payload)} bytes (expected {FRAME_BYTES})")
            self.audio.inbound.put(payload)
        elif kind == EVENT:
            self._on_event_frame(decode_json(payload))
        elif kind == STATUS:
            self._on_status_frame(decode_json(payload))
        else:
            raise FrameError(f"unexpected frame type {kind!r}")

    def _on_event_frame(self, obj: dict) -> None:
        raise NotImplementedError

    def _on_status_frame(self, obj: dict) -> None:
        raise NotImplementedError


class SimFxsPort(SimLinkedPort):
    """An FXS port whose desk phone lives in the emulator (RUNDIR/<name>.sock)."""

    def __init__(self, name: str, socket_path: Path, backoff: tuple[float, float] = (0.05, 2.0)):
        super().__init__(name, "fxs", socket_path, backoff)
        self._ever_ready = False

    def set_ringer(self, on: bool) -> None:
        """Ring voltage on/off; BoardUnavailable while the emulator link is down."""
        if not self._ready.is_set():
            raise BoardUnavailable(f"port {self.name}: no link to the emulator, cannot ring")
        self.link.send(encode_json(COMMAND, {"cmd": "ringer", "on": bool(on)}))

    def set_hook(self, offhook: bool) -> None:
        raise WrongPortKind(f"port {self.name} is an FXS port: it has no telco line to seize")

    def _on_event_frame(self, obj: dict) -> None:
        kind, t = obj.get("kind"), obj.get("t")
        if kind not in HOOK_EVENTS:
            raise FrameError(f"unknown event kind {kind!r}")
        self._emit(kind, t if isinstance(t, int | float) else None)

    def _on_status_frame(self, obj: dict) -> None:
        hook = obj.get("hook")
        if hook not in ("on", "off"):
            raise FrameError(f"hook must be 'on' or 'off', not {hook!r}")
        if self._ever_ready and hook != self._hook:  # changed while we were away
            self._emit("offhook" if hook == "off" else "onhook")
        self._hook = hook
        self._ever_ready = True
        self._ready.set()
        self._set_status(True)


class SimLeds:
    """The LED engine's writer: level changes as JSON lines to RUNDIR/leds.sock.

    The current level of every LED is sent again after each reconnect, so the
    emulator's view is right even if it restarted.
    """

    def __init__(self, socket_path: Path, backoff: tuple[float, float] = (0.05, 2.0)):
        self._levels: dict[str, tuple[bool, float]] = {}
        self._lock = threading.Lock()
        self.up = threading.Event()
        self.link = SimLink(socket_path, "leds", lambda data: None, self._on_up,
                            lambda reason: self.up.clear(), backoff)

    def write(self, led: str, on: bool, t: float) -> None:
        with self._lock:
            self._levels[led] = (on, t)
        self.link.send(_led_line(led, on, t))

    def _on_up(self) -> None:
        with self._lock:
            levels = dict(self._levels)
        for led, (on, t) in levels.items():
            self.link.send(_led_line(led, on, t))
        self.up.set()


def _led_line(led: str, on: bool, t: float) -> bytes:
    return (json.dumps({"led": led, "on": on, "t": t}) + "\n").encode("utf-8")


class SimBoard:
    """`sim`, `sim-2gsm`, `sim-analog`, `sim-mixed`, `sim-v253`: the Board of docs/sim-link.md.
    Options: rundir, timeout."""

    def __init__(self, spec: BoardSpec, rundir: str | Path, timeout: float = 3.0,
                 backoff: tuple[float, float] = (0.05, 2.0)):
        self.spec = spec
        self.info = spec.info()
        self.rundir = Path(rundir)
        self.timeout = timeout
        from board.sim_fxo import SimFxoPort  # it builds on this module's SimAudio

        kinds = {"fxs": SimFxsPort, "fxo": SimFxoPort}
        self._ports = [self._voice_modem(p.name, backoff) if p.driver == "v253"
                       else kinds[p.kind](p.name, self.rundir / f"{p.name}.sock", backoff)
                       for p in spec.ports]
        self._led_link = SimLeds(self.rundir / "leds.sock", backoff)
        self.leds = LedEngine([led.name for led in spec.leds], self._led_link.write,
                              label=f"{spec.name}-leds")
        self.last_kick: float | None = None
        self._open = False

    def _voice_modem(self, name: str, backoff: tuple[float, float]):  # -> V253Port
        from board.v253 import V253Port

        return V253Port(name, str(self.rundir / f"{name}.tty"),
                        backoff=(max(0.05, backoff[0]), backoff[1]))

    def open(self) -> None:
        """Connect every port and the LEDs; BoardUnavailable if the emulator does not answer."""
        if self._open:
            return
        if not self.rundir.is_dir():
            raise BoardUnavailable(f"board {self.info.name}: the emulator's run directory "
                                   f"{self.rundir} does not exist (is the PSTN emulator running?)")
        for port in self._ports:
            port.start()
        self._led_link.link.start()
        deadline = time.monotonic() + self.timeout
        silent = [getattr(p, "link", p) for p in self._ports
                  if not p.wait_ready(deadline - time.monotonic())]
        if not self._led_link.up.wait(max(0.0, deadline - time.monotonic())):
            silent.append(self._led_link.link)
        if silent:
            self.close()
            detail = "; ".join(f"{link.path.name}: {link.last_error or 'no answer'}"
                               for link in silent)
            raise BoardUnavailable(f"board {self.info.name}: the PSTN emulator in {self.rundir} "
                                   f"did not answer within {self.timeout:g} s ({detail})")
        self.leds.start()
        self._open = True

    def close(self) -> None:
        self.leds.stop()
        for port in self._ports:
            port.stop()
        self._led_link.link.stop()
        self._open = False

    def ports(self) -> list[SimFxsPort]:  # and SimFxoPort (board/sim_fxo.py)
        return list(self._ports)

    def port(self, name: str) -> SimFxsPort:
        for port in self._ports:
            if port.name == name:
                return port
        raise KeyError(f"board {self.info.name} has no port {name!r}")

    def modems(self) -> list[ModemPorts]:
        if self.spec.modems.discovery == "none":
            return []
        return scan_modem_dirs(str(self.rundir / "modems" / "*"), self.spec.modems.profile)

    def watchdog_kick(self) -> None:
        """No hardware watchdog here; the time of the last kick is kept for tests."""
        self.last_kick = time.monotonic()
