"""A USB voice modem (Conexant CX93001 class, ITU-T V.253) on the exchange's analog line.

The box's FXO port on the `sim-v253` board is this modem: one pseudo-terminal
(published as RUNDIR/<line>.tty, what /dev/ttyACM0 is on the Pi) carrying AT
commands and the DLE-shielded voice stream, exactly as the real stick's single
USB-ACM port does. It stands in the line's wire (exchange_io.LineWire): the
exchange's ring voltage, caller ID, tones and far party reach it as they would
reach the stick's DAA, and its hook and voice go back to the exchange.

What the emulated chip does, and no more (commands: v253_at.py):
- on hook: `RING` once per ring burst; with +VCID=1 it demodulates the Bell 202
  FSK after the first ring and prints DATE, TIME, NMBR (P withheld, O
  unavailable) and NAME lines. DTMF caller ID is not decoded (unverified on the
  chip);
- off hook (+VLS=1 or ATH1): the line is seized; +VTR streams voice both ways,
  +VRX from the line only, +VTX to the line only, in the +VSM method (8-bit
  unsigned PCM); DLE is shielded both ways; the host ends +VTR with DLE ^, +VRX
  with DLE !, +VTX with DLE ETX and gets DLE ETX (from a receive stream) and OK;
- event reports while in voice mode and off hook, DLE-shielded: DLE d dial tone
  (a steady tone for 1 s), DLE b busy (two on/off cycles of 0.2-0.65 s, again
  every 4 s), DLE l loop current interruption, DLE L polarity reversal; which of
  them the chip reports is a knob (`reports`);
- bytes the host sends while not streaming are command-line garbage: a line
  without AT is dropped;
- unplug (the pty closes: the host reads EIO) and replug (a new pty behind the
  same link name, the chip reset).
"""

from __future__ import annotations

import contextlib
import math
import os
import select
import threading
import time
import traceback
from collections import deque
from pathlib import Path
from typing import Any

from board.v253_codec import (
    CAN,
    DLE,
    ETX,
    Shielded,
    StreamDecoder,
    s16_to_u8,
    shield,
    u8_to_s16,
)
from hil_tests.pstn.dsp import FRAME_BYTES, FRAME_S, CallerIdReceiver
from hil_tests.pstn.ptys import PtyPort
from hil_tests.pstn.v253_at import CommandSet, Outcome

SAMPLES = FRAME_BYTES // 2
MAX_CATCH_UP_S = 0.2
JITTER = 25 * SAMPLES  # 8-bit samples the modem buffers from the host at most
REPORTS = ("busy", "dial", "loop", "polarity")
DEFAULT_REPORTS = ("busy", "dial", "loop")  # the CX93001 gives no polarity event (unverified)
END_BY_MODE = {"vtr": ord("^"), "vrx": ord("!"), "vtx": ETX}


class ToneCadence:
    """Call-progress tones off hook, as the chip's tone detector hears them: dial tone
    (steady 1 s) and busy (two short on/off cycles) at the line profile's frequencies."""

    def __init__(self, freqs: tuple[float, ...]):
        self._tables = [([math.cos(2 * math.pi * f * i / 8000) for i in range(SAMPLES)],
                         [math.sin(2 * math.pi * f * i / 8000) for i in range(SAMPLES)])
                        for f in freqs]
        self.reset()

    def reset(self) -> None:
        self._on, self._since, self._cycles = False, 0.0, 0
        self._last_on_s: float | None = None
        self._dial_told = False
        self._busy_t: float | None = None

    def feed(self, frame: bytes, t: float) -> str | None:
        """"d", "b" or None for one frame."""
        present = self._present(frame)
        if present != self._on:
            length, self._on, self._since = t - self._since, present, t
            return self._edge(present, length, t)
        if present and not self._dial_told and t - self._since >= 1.0:
            self._dial_told = True
            return "d"
        return None

    def _edge(self, now_on: bool, length: float, t: float) -> str | None:
        short = 0.2 <= length <= 0.65
        if not now_on:
            self._last_on_s = length if short else None
            if not short:
                self._cycles = 0
            return None
        self._dial_told = False
        if short and self._last_on_s is not None:
            self._cycles += 1
        else:
            self._cycles = 0
        if self._cycles >= 2 and (self._busy_t is None or t - self._busy_t >= 4.0):
            self._busy_t = t
            return "b"
        return None

    def _present(self, frame: bytes) -> bool:
        samples = memoryview(frame).cast("h")
        energy = sum(s * s for s in samples)
        if energy < SAMPLES * 100.0 ** 2:
            return False
        power = 0.0
        for cos, sin in self._tables:
            re = sum(s * c for s, c in zip(samples, cos, strict=True))
            im = sum(s * c for s, c in zip(samples, sin, strict=True))
            power += re * re + im * im
        return power >= 0.5 * energy * SAMPLES / 2


class V253Modem:
    """The voice modem on analog line `line` (an exchange.AnalogLine); replaces its wire."""

    def __init__(self, line: Any, rundir: Path, reports: tuple[str, ...] = DEFAULT_REPORTS):
        self.line = line
        self.link = Path(rundir) / f"{line.id}.tty"
        self.reports = set(reports)
        self.commands = CommandSet()
        self.mode = "command"
        self.offhook = False
        self.plugged = False
        self.pty: PtyPort | None = None
        self._stop = threading.Event()
        self._session: threading.Event | None = None
        self._threads: list[threading.Thread] = []
        self._text = bytearray()
        self._host = StreamDecoder()
        self._uplink = bytearray()
        self._cid = CallerIdReceiver()
        self._tones = ToneCadence(_progress_freqs(line))
        self.history: deque[dict] = deque(maxlen=200)
        self.stats = {"tx_frames": 0, "rx_frames": 0, "bad_frames": 0, "resyncs": 0,
                      "errors": 0, "dropped_bytes": 0, "underruns": 0, "overruns": 0}

    # --- the wire's interface (exchange.AnalogLine uses these) -------------------------

    @property
    def connected(self) -> bool:
        return self.pty is not None and self.pty.host_open

    def start(self) -> None:
        self._stop.clear()
        clock = threading.Thread(target=self._clock, daemon=True, name=f"v253-{self.line.id}")
        clock.start()
        self._threads.append(clock)
        self.plug()

    def stop(self) -> None:
        self._stop.set()
        self.unplug()
        for thread in self._threads:
            thread.join(2.0)
        self._threads.clear()

    def drop(self) -> None:
        """The exchange asks to drop the box's link: a voice modem has none to drop."""

    def send_event(self, obj: dict) -> bool:
        """A signal on the pair (ring voltage, polarity, loop current) as the chip sees it."""
        kind = obj.get("kind")
        if kind == "ring_begin" and not self.offhook and self.mode == "command":
            self._say("RING")
        elif kind == "polarity" and self.offhook:
            self._report("polarity", "L")
        elif ((kind == "loop_current" and obj.get("ma") == 0) or kind == "battery_lost") \
                and self.offhook:
            self._report("loop", "l")
        return self.connected

    # --- plug / unplug (the control API's knob) ------------------------------------------

    def plug(self) -> None:
        if self.plugged:
            return
        self.commands = CommandSet()
        self.mode, self._text, self._uplink = "command", bytearray(), bytearray()
        self.pty = PtyPort(f"{self.line.id}/v253")
        tmp = self.link.with_suffix(".tty.tmp")
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        os.symlink(self.pty.path, tmp)
        os.replace(tmp, self.link)
        self._session = threading.Event()
        reader = threading.Thread(target=self._read_loop, args=(self.pty, self._session),
                                  daemon=True, name=f"v253-{self.line.id}-at")
        reader.start()
        self._threads.append(reader)
        self.plugged = True
        self.log("v253_plug", device=self.pty.path)

    def unplug(self) -> None:
        if not self.plugged:
            return
        self.plugged = False
        if self._session is not None:
            self._session.set()
        with contextlib.suppress(FileNotFoundError):
            self.link.unlink()
        self._hook(False)
        self.mode = "command"
        self.log("v253_unplug")

    def status(self) -> dict:
        s = self.commands.settings
        return {"device": self.pty.path if self.pty else None, "link": str(self.link),
                "plugged": self.plugged, "host_open": self.connected, "mode": self.mode,
                "offhook": self.offhook, "fclass": s.fclass, "vcid": s.vcid,
                "vsm": list(s.vsm), "echo": s.echo, "reports": sorted(self.reports),
                "duplex": self.commands.duplex, "history": list(self.history)[-50:],
                "stats": dict(self.stats)}

    def configure(self, body: dict) -> None:
        """POST /lines/{id}/modem: {"action": "unplug"|"replug"}, {"reports": [...]},
        {"duplex": bool}; checked whole before anything changes."""
        unknown = sorted(set(body) - {"action", "reports", "duplex"})
        if unknown:
            raise ValueError(f"{', '.join(unknown)}: not a modem setting "
                             "(settings: action, reports, duplex)")
        action, reports, duplex = body.get("action"), body.get("reports"), body.get("duplex")
        if action not in (None, "unplug", "replug"):
            raise ValueError("action: must be unplug or replug")
        if reports is not None and (not isinstance(reports, list)
                                    or any(r not in REPORTS for r in reports)):
            raise ValueError(f"reports: must be a list of {', '.join(REPORTS)}")
        if duplex is not None and not isinstance(duplex, bool):
            raise ValueError("duplex: must be true or false")
        if reports is not None:
            self.reports = set(reports)
        if duplex is not None:
            self.commands.duplex = duplex
        if action == "unplug":
            self.unplug()
        elif action == "replug":
            self.unplug()
            self.plug()

    def log(self, kind: str, **fields: Any) -> None:
        self.line.log(kind, **fields)

    # --- host bytes (reader thread) ------------------------------------------------------

    def _read_loop(self, pty: PtyPort, session: threading.Event) -> None:
        try:
            while not session.is_set() and not self._stop.is_set():
                data = pty.read()
                if data is None:
                    session.wait(0.02)
                elif data:
                    self._guard(self._host_bytes, data)
                else:
                    select.select([pty.fileno()], [], [], 0.05)
        finally:
            pty.close()

    def _host_bytes(self, data: bytes) -> None:
        i = 0
        while i < len(data):
            if self.mode != "command":
                self._stream_bytes(data[i:])
                return
            self._command_byte(data[i])
            i += 1

    def _command_byte(self, b: int) -> None:
        if self.commands.settings.echo:
            self._write(bytes((b,)))
        if b == 0x0D:
            line, self._text = self._text.decode("latin-1").strip(" \t\x00"), bytearray()
            self._command_line(line)
        elif b == 0x08:
            if self._text:
                self._text.pop()
        elif b != 0x0A and len(self._text) < 560:
            self._text.append(b)

    def _command_line(self, line: str) -> None:
        if not line:
            return
        if line[:2].upper() != "AT":
            self.stats["dropped_bytes"] += len(line) + 1
            return
        out = self.commands.run(line)
        self.history.append({"t": time.monotonic(), "command": line, "final": out.final})
        self.log("v253_command", command=line, final=out.final)
        self._apply(out)
        for info in out.lines:
            self._say(info)
        self._say(self.commands.result(out.final))
        if out.stream is not None:
            self._host.reset()
            self._uplink.clear()
            self.mode = out.stream

    def _apply(self, out: Outcome) -> None:
        if out.hook is not None:
            self._hook(out.hook)
        elif out.reset and self.offhook:
            self._hook(False)

    def _stream_bytes(self, data: bytes) -> None:
        for item in self._host.feed(data):
            if isinstance(item, Shielded):
                self._stream_code(ord(item.code))
                if self.mode == "command":
                    if self._host.rest:
                        self._host_bytes(self._host.rest)
                    return
            elif self.mode in ("vtr", "vtx"):
                self._uplink += item
                excess = len(self._uplink) - JITTER
                if excess > 0:
                    del self._uplink[:excess]
                    self.stats["overruns"] += 1
            else:
                self.stats["dropped_bytes"] += len(item)

    def _stream_code(self, code: int) -> None:
        if code == END_BY_MODE[self.mode]:
            mode, self.mode = self.mode, "command"
            if mode != "vtx":
                self._write(bytes((DLE, ETX)))
            self._say(self.commands.result("OK"))
            self.log("v253_stream_end", mode=mode)
        elif code == CAN:
            self._uplink.clear()
        # DLE NUL and anything else: no action (V.253: unknown codes are ignored)

    # --- the line (clock thread) ------------------------------------------------------------

    def _clock(self) -> None:
        t0, n = time.monotonic(), 0
        while not self._stop.is_set():
            due = t0 + n * FRAME_S
            late = time.monotonic() - due
            if late < 0:
                self._stop.wait(-late)
                continue
            if late > MAX_CATCH_UP_S:
                self.stats["resyncs"] += 1
                t0, n = time.monotonic(), 0
                continue
            self._guard(self._tick, due)
            n += 1

    def _tick(self, t: float) -> None:
        frame = self.line.downlink(t)
        if not self.offhook:
            self._on_hook_frame(frame, t)
            return
        if self.commands.settings.fclass == "8":
            code = self._tones.feed(frame, t)
            if code is not None:
                self._report("busy" if code == "b" else "dial", code)
        if self.mode in ("vtr", "vrx") and self.connected:
            self._write(shield(s16_to_u8(frame)))
            self.stats["tx_frames"] += 1
        if self.mode in ("vtr", "vtx"):
            self._to_line(t)

    def _on_hook_frame(self, frame: bytes, t: float) -> None:
        if self.commands.settings.vcid == 0 or not self.plugged:
            return
        for message in self._cid.feed(frame, t):
            if message.get("ok"):
                self._print_caller_id(message)

    def _print_caller_id(self, message: dict) -> None:
        date = message.get("date") or ""
        if len(date) == 8:
            self._say(f"DATE = {date[:4]}")
            self._say(f"TIME = {date[4:]}")
        number = message.get("number") or message.get("number_absent") or "O"
        self._say(f"NMBR = {number}")
        name = message.get("name") or message.get("name_absent")
        if name:
            self._say(f"NAME = {name}")
        self.log("v253_caller_id", number=number, name=name)

    def _to_line(self, t: float) -> None:
        if len(self._uplink) < SAMPLES:
            if self.connected:
                self.stats["underruns"] += 1
            return
        chunk = bytes(self._uplink[:SAMPLES])
        del self._uplink[:SAMPLES]
        self.stats["rx_frames"] += 1
        self.line.uplink(u8_to_s16(chunk), t)

    # --- helpers ---------------------------------------------------------------------------

    def _hook(self, off: bool) -> None:
        if off == self.offhook:
            return
        self.offhook = off
        self._tones = ToneCadence(_progress_freqs(self.line))  # the profile may have changed
        if not off:
            self._cid.reset()
        self.line.command({"cmd": "hook", "off": off}, time.monotonic())

    def _report(self, what: str, code: str) -> None:
        if what in self.reports and self.commands.settings.fclass == "8":
            self._write(bytes((DLE, ord(code))))
            self.log("v253_event", code=code, what=what)

    def _say(self, text: str) -> None:
        self._write(b"\r\n" + text.encode("latin-1", "replace") + b"\r\n")

    def _write(self, data: bytes) -> None:
        pty = self.pty
        if pty is None or not self.plugged or not pty.write(data, timeout=0.05):
            self.stats["dropped_bytes"] += len(data)

    def _guard(self, fn: Any, *args: Any) -> None:
        try:
            fn(*args)
        except Exception as exc:
            self.stats["errors"] += 1
            if self.stats["errors"] <= 3:
                self.line.error("v253 modem", exc, traceback.format_exc())


def _progress_freqs(line: Any) -> tuple[float, ...]:
    """The frequencies of the line profile's dial and busy tones (cn: 450; us: 350, 440,
    480, 620)."""
    freqs: set[float] = set()
    for name in ("dial", "busy"):
        for hz, _on, _off in line.profile.tones[name].steps:
            freqs.update(hz)
    return tuple(sorted(freqs))
