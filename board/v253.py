"""An FXO port on a USB voice modem (ITU-T V.253, Conexant CX93001 class).

The cheapest real FXO port for a Raspberry Pi: a "USB 56K" voice modem
(USR5637, Zoom 3095 and the many CX93001/CX93010 sticks) on /dev/ttyACM0, no
kernel driver. The same class opens the PSTN emulator's strict modem profile on
a pty (board `sim-v253`), through pyserial's `serial_for_url` both times.

What the modem gives, and so what this port gives the firmware (board/base.py):
- rings: the modem says `RING` once per ring burst, never the ring voltage's
  edges: a "ring" LineEvent per burst (`ring_edges` False);
- caller ID: the modem decodes the FSK itself (+VCID=1) and prints DATE, TIME,
  NMBR (`P` withheld, `O` unavailable) and NAME lines: one "caller_id" LineEvent
  with the detail JSON {"number", "name", "reason"} (`caller_id` == "port"); a
  call whose second ring comes without any gets {"reason": "unavailable"} then
  (no FSK on the line, or DTMF caller ID, which these modems do not decode);
- off hook (`set_hook(True)`): AT+VLS=1 puts the modem on the line, AT+VTR starts
  the full-duplex voice stream (8-bit unsigned PCM at 8 kHz, +VSM), converted to
  and from the box's 20 ms s16le frames here; a modem that refuses +VTR falls back
  to +VRX (hear only: the line state says "duplex": "receive-only");
- on hook (`set_hook(False)`): DLE ^ leaves the stream, ATH hangs up;
- events the modem reports itself (DLE-shielded): DLE b busy tone -> "busy_tone",
  DLE d dial tone -> "dial_tone", DLE l loop current interruption -> "loop_off",
  DLE L polarity reversal -> "polarity". The firmware still judges the line's
  audio itself (busy-tone disconnect, dial tone): these are hints;
- line state: the modem cannot measure the line's battery (`battery` None);
  polarity is known only if the modem reports reversals;
- the device gone (USB unplug, a reset that fails): the port is out of service
  (`status().ok` False, with the reason) and opens the device again, with
  backoff, until it is back; then it is initialised afresh.

Threads: a control thread (open, initialise, hook changes, reopen) and the link's
reader thread (board/v253_link.py). `set_hook` only queues the change, so the
caller (the event loop) never waits for the modem.
"""

from __future__ import annotations

import json
import logging
import queue
import threading
import time
from pathlib import Path
from typing import Any

import serial

from board.base import FRAME_BYTES, BoardUnavailable, LineEvent, WrongPortKind
from board.ports import FrameQueue, PortBase, _call, check_frame
from board.v253_codec import (
    ABORT_RECEIVE,
    END_DUPLEX,
    FrameCutter,
    caller_id_detail,
    cid_field,
    parse_vsm_list,
    pick_unsigned_pcm,
    s16_to_u8,
    u8_to_s16,
)
from board.v253_link import ModemError, ModemLink

log = logging.getLogger(__name__)

RATE = 8000
CID_SETTLE_S = 0.4  # NAME may follow NMBR: wait this long for it before reporting
NEW_CALL_S = 8.0  # rings further apart than this are a new call (chan_dahdi's ringtimeout)
STREAM_CODES = {"b": "busy_tone", "d": "dial_tone", "l": "loop_off"}
OPTIONAL_SETUP = ("AT+VSD=128,0", "AT+VIT=0", "AT+VGT=128", "AT+VGR=128")
STREAM_SILENT_S = 2.0  # a stream that brings nothing this long: the modem hung


class V253Audio:
    """The voice stream as the box's AudioPort: 320-byte s16le frames both ways."""

    def __init__(self, port: str, depth: int = 25):
        self._port = port
        self.inbound = FrameQueue(depth)
        self.cutter = FrameCutter(FRAME_BYTES)
        self.link: ModemLink | None = None
        self.sent = 0
        self.dropped = 0

    def read_frame(self) -> bytes | None:
        return self.inbound.get()

    def write_frame(self, frame: bytes) -> None:
        check_frame(frame, self._port)
        link = self.link
        if link is not None and link.send_stream(s16_to_u8(frame)):
            self.sent += 1
        else:
            self.dropped += 1

    def heard(self, data: bytes) -> None:
        for frame in self.cutter.add(u8_to_s16(data)):
            self.inbound.put(frame)


class V253Port(PortBase):
    """FXO port `name` on the V.253 voice modem at `url` (a device path or pyserial URL)."""

    ring_edges = False  # RING once per burst
    caller_id = "port"  # the modem decodes caller ID and prints NMBR

    def __init__(self, name: str, url: str, backoff: tuple[float, float] = (0.2, 5.0),
                 opener: Any = serial.serial_for_url):
        super().__init__(name, "fxo")
        self.url = url
        self.path = Path(url)  # for "who did not answer" messages
        self.last_error = ""
        self._backoff = backoff
        self._opener = opener
        self.audio = V253Audio(name)
        self._requests: queue.Queue[tuple[str, int]] = queue.Queue()  # ("off"|"on"|"flash", ms)
        self._stop = threading.Event()
        self._ready = threading.Event()
        self._thread: threading.Thread | None = None
        self._link: ModemLink | None = None
        self._lock_state = threading.Lock()
        self._line: dict[str, Any] = {"battery": None, "polarity": None, "last_ring_t": None,
                                      "streaming": False, "duplex": None, "compression": None,
                                      "caller_id_on": None, "last_tone": None}
        self._cid: dict[str, str] = {}
        self._cid_due: float | None = None
        self._leaving = False  # we asked the modem to end its stream
        self._rings = 0  # rings of the call ringing now
        self._cid_told = False  # its caller ID event went out
        self.codes: dict[str, int] = {}
        self._set_status(False, f"voice modem on {url} not opened yet")

    # --- lifecycle --------------------------------------------------------------

    def start(self) -> None:
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, daemon=True, name=f"v253-{self.name}")
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._requests.put(("on", 0))
        if self._thread is not None:
            self._thread.join(3.0)
            self._thread = None
        self._ready.clear()
        self._set_status(False, "closed")

    def wait_ready(self, timeout: float) -> bool:
        """True once the modem is open and initialised."""
        return self._ready.wait(max(0.0, timeout))

    # --- the FXO port contract ----------------------------------------------------

    def set_hook(self, offhook: bool) -> None:
        """Seize (True) or release (False) the line; the modem is told on the control thread."""
        if offhook and not self._ready.is_set():
            raise BoardUnavailable(f"port {self.name}: the voice modem is not in service "
                                   f"({self.status().reason})")
        self._hook = "off" if offhook else "on"
        self._requests.put(("off" if offhook else "on", 0))

    def flash(self, ms: int = 600) -> None:
        """A hook flash: on hook for `ms` milliseconds (ATH), then off hook and streaming again."""
        if self._hook != "off" or not self._ready.is_set():
            raise BoardUnavailable(f"port {self.name}: a flash needs the line seized")
        if not 1 <= int(ms) <= 5000:
            raise ValueError(f"port {self.name}: a flash lasts 1..5000 ms, not {ms}")
        self._requests.put(("flash", int(ms)))

    def set_ringer(self, on: bool) -> None:
        raise WrongPortKind(f"port {self.name} is an FXO port: it cannot ring a phone")

    def line_state(self) -> dict[str, Any]:
        """What the modem can tell: battery None (it cannot measure it), polarity only
        if it reports reversals, hook, the last ring, the stream."""
        with self._lock_state:
            return dict(self._line, hook=self._hook)

    # --- control thread -------------------------------------------------------------

    def _run(self) -> None:
        delay = self._backoff[0]
        while not self._stop.is_set():
            if self._bring_up():
                delay = self._backoff[0]
                self._serve()
            self._take_down()
            if self._stop.wait(delay):
                break
            delay = min(delay * 2, self._backoff[1])

    def _bring_up(self) -> bool:
        link = ModemLink(self.url, self.name, self._on_line, self._on_code, self.audio.heard,
                         self._on_lost, self._on_tick, opener=self._opener)
        try:
            link.open()
        except (OSError, ValueError, serial.SerialException) as exc:
            self._down(f"voice modem not found at {self.url} (unplugged?): {exc}")
            return False
        self._link = link
        try:
            self._initialise(link)
        except ModemError as exc:
            self._down(f"voice modem at {self.url} did not initialise: {exc}")
            return False
        self._hook = "on"
        self.audio.link = link
        self._ready.set()
        self.last_error = ""
        self._set_status(True)
        log.info("port %s: voice modem on %s ready", self.name, self.url)
        return True

    def _initialise(self, link: ModemLink) -> None:
        """Back to command state whatever the modem was doing, then voice mode on hook."""
        # a stream left running (the box restarted mid-call) ends; in command state the
        # same bytes are one garbage line, ended by the CR
        link.write(END_DUPLEX + ABORT_RECEIVE + b"\x10\x03\r")
        time.sleep(0.1)
        link.flush_input()
        link.command("ATZ", timeout=5.0)
        link.command("ATE0")
        link.command("ATV1")
        try:
            link.command("AT+FCLASS=8")
        except ModemError as exc:
            if not link.alive:
                raise
            raise ModemError(f"it has no voice mode (AT+FCLASS=8 refused): "
                             f"a data/fax-only modem? ({exc})") from exc
        self._set_line(caller_id_on=self._optional(link, "AT+VCID=1"))
        method = pick_unsigned_pcm(parse_vsm_list(link.command("AT+VSM=?").lines), RATE)
        if method is None:
            raise ModemError("it offers no 8-bit unsigned PCM at 8000 Hz (AT+VSM=?)")
        link.command(f"AT+VSM={method.cml},{RATE},0,0")
        self._set_line(compression=f"{method.cml} {method.name}")
        for command in OPTIONAL_SETUP:
            self._optional(link, command)
        link.command("AT+VLS=0")

    def _optional(self, link: ModemLink, command: str) -> bool:
        try:
            link.command(command)
        except ModemError as exc:
            if not link.alive:
                raise
            log.warning("port %s: %s (carrying on without it)", self.name, exc)
            return False
        return True

    def _serve(self) -> None:
        """Hook changes, one at a time, until the device fails or the port stops."""
        while not self._stop.is_set() and self._link is not None and self._link.alive:
            try:
                what, ms = self._requests.get(timeout=0.1)
            except queue.Empty:
                continue
            if self._stop.is_set():
                return
            try:
                self._hook_change(what, ms)
            except ModemError as exc:
                log.warning("port %s: hook change failed: %s; opening the modem again",
                            self.name, exc)
                self._down(f"voice modem stopped answering: {exc}")
                return

    def _hook_change(self, what: str, ms: int) -> None:
        if what == "off":
            self._go_offhook()
        elif what == "on":
            self._go_onhook()
        else:
            self._go_onhook()
            self._stop.wait(ms / 1000)
            self._go_offhook()

    def _go_offhook(self) -> None:
        link = self._link
        if link.streaming:
            return
        link.command("AT+VLS=1")
        self.audio.cutter.clear()
        self.audio.inbound.clear()
        try:
            link.command("AT+VTR", expect=("CONNECT",))
            duplex = "full"
        except ModemError:
            if not link.alive:
                raise
            log.warning("port %s: the modem refuses +VTR; receive only (+VRX)", self.name)
            link.command("AT+VRX", expect=("CONNECT",))
            duplex = "receive-only"
        link.transmit = duplex == "full"
        self._set_line(streaming=True, duplex=duplex, last_tone=None)

    def _go_onhook(self) -> None:
        link = self._link
        link.stop_transmit()
        if link.streaming:
            end = END_DUPLEX if self._line["duplex"] == "full" else ABORT_RECEIVE
            self._leaving = True
            try:
                link.exchange(end, "leaving the voice stream", timeout=1.5)
            except ModemError:
                if not link.alive:
                    raise
                link.streaming = False  # it said nothing: ATH below puts it right
            finally:
                self._leaving = False
        self._set_line(streaming=False)
        link.write(b"\r")  # ends any stray bytes as a line of their own: ATH stands alone
        link.command("ATH")

    def _take_down(self) -> None:
        self._ready.clear()
        self.audio.link = None
        link, self._link = self._link, None
        if link is not None:
            if link.alive:  # stopping, or a confused modem: leave the line before closing
                self._hang_up_quietly(link)
            link.close()
        self._set_line(streaming=False)
        if self._hook == "off":
            self._hook = "on"
        while not self._requests.empty():
            self._requests.get_nowait()

    def _hang_up_quietly(self, link: ModemLink) -> None:
        try:
            if link.streaming:
                link.exchange(END_DUPLEX, "leaving the voice stream", timeout=0.5)
            link.command("ATH", timeout=0.5)
        except ModemError:
            pass

    def _down(self, reason: str) -> None:
        self.last_error = reason
        self._ready.clear()
        self._set_status(False, reason)

    # --- link callbacks (reader thread) -----------------------------------------------

    def _on_lost(self, reason: str) -> None:
        self._down(f"voice modem on {self.url} gone (unplugged?): {reason}")

    def _on_line(self, line: str) -> None:
        if line == "RING":
            self._ring()
            return
        found = cid_field(line)
        if found is None:
            log.debug("port %s: modem said %r", self.name, line)
            return
        key, value = found
        if key == "DATE" and "NMBR" in self._cid:
            self._report_caller_id()
        self._cid[key] = value
        if key == "NAME" and "NMBR" in self._cid:
            self._report_caller_id()
        elif key == "NMBR":
            self._cid_due = time.monotonic() + CID_SETTLE_S

    def _on_code(self, code: str) -> None:
        self.codes[code] = self.codes.get(code, 0) + 1
        if code == "\x03":
            self._stream_ended()
        elif code == "R":
            self._ring()
        elif code == "L":
            with self._lock_state:
                before = self._line["polarity"] or "normal"
                self._line["polarity"] = "reversed" if before == "normal" else "normal"
            self._emit("polarity")
        elif code in STREAM_CODES:
            if code in "bd":
                self._set_line(last_tone=STREAM_CODES[code])
            self._emit(STREAM_CODES[code])

    def _stream_ended(self) -> None:
        """DLE ETX: the stream is over. Unasked (an inactivity timer, a line fault on the
        modem's side) while the line is ours: start it again."""
        if self._leaving or not self._line["streaming"]:
            return
        log.warning("port %s: the modem ended its voice stream by itself; restarting it",
                    self.name)
        self._set_line(streaming=False)
        if self._hook == "off":
            self._requests.put(("off", 0))

    def _on_tick(self) -> None:
        now = time.monotonic()
        if self._cid_due is not None and now >= self._cid_due:
            self._report_caller_id()
        link = self._link
        if link is not None and link.streaming and now - link.last_rx > STREAM_SILENT_S:
            link.fail(f"no voice data for {STREAM_SILENT_S:g} s while streaming")

    def _ring(self) -> None:
        if "NMBR" in self._cid:
            self._report_caller_id()
        t = time.monotonic()
        last = self._line["last_ring_t"]
        if last is None or t - last > NEW_CALL_S:
            self._rings, self._cid_told = 0, False
        self._rings += 1
        self._set_line(last_ring_t=t)
        self._emit("ring", t)
        if self._rings == 2 and not self._cid_told:
            # caller ID comes between the first and second ring: none came, none will
            self._cid = {}
            self._report_caller_id()

    def _report_caller_id(self) -> None:
        fields, self._cid, self._cid_due = self._cid, {}, None
        self._cid_told = True
        detail = json.dumps(caller_id_detail(fields), ensure_ascii=False)
        _call(self._event_cb, LineEvent("caller_id", time.monotonic(), self.name, detail),
              self.name)

    def _set_line(self, **values: Any) -> None:
        with self._lock_state:
            self._line.update(values)
