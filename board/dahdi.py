"""Analog ports through DAHDI: FXS and FXO channels of a ProSLIC/DAA HAT on a Pi.

Each port opens the generic channel device (`/dev/dahdi/channel`), selects its
channel with DAHDI_SPECIFY, switches to signed 16-bit linear audio with
DAHDI_SETLINEAR and sets a 160-sample block, so one read or write is one 20 ms
frame (320 bytes), exactly like the simulated board. A reader thread polls the
channel: readable -> one frame into the port's queue; POLLPRI, or a read failing
with ELAST -> DAHDI_GETEVENT until the queue is empty, each event mapped to a
LineEvent. The hook and the ringer are DAHDI_HOOK.

The ioctl numbers are computed from DAHDI's include/dahdi/user.h (DAHDI_CODE
0xDA; e.g. `#define DAHDI_SPECIFY _IOW(DAHDI_CODE, 38, int)`) with the Linux
asm-generic _IOC encoding that ARM and x86 share (include/uapi/asm-generic/ioctl.h:
nr bits 0-7, type bits 8-15, size bits 16-29, direction bits 30-31).
"""

from __future__ import annotations

import errno
import fcntl
import logging
import os
import select
import struct
import threading
from array import array
from collections.abc import Callable
from typing import Literal

from board.base import BoardUnavailable, WrongPortKind
from board.ports import FrameQueue, PortBase, check_frame

log = logging.getLogger(__name__)

# --- ioctl numbers (asm-generic/ioctl.h) ------------------------------------

_IOC_NONE, _IOC_WRITE, _IOC_READ = 0, 1, 2
_INT_SIZE = 4  # sizeof(int) on every Linux ABI the Pi runs


def ioc(direction: int, kind: int, nr: int, size: int) -> int:
    """_IOC(dir, type, nr, size) of the Linux generic ioctl encoding."""
    return (direction << 30) | (size << 16) | (kind << 8) | nr


DAHDI_CODE = 0xDA
DAHDI_SET_BLOCKSIZE = ioc(_IOC_WRITE, DAHDI_CODE, 1, _INT_SIZE)  # _IOW(DAHDI_CODE, 1, int)
DAHDI_HOOK = ioc(_IOC_WRITE, DAHDI_CODE, 7, _INT_SIZE)  # _IOW(DAHDI_CODE, 7, int)
DAHDI_GETEVENT = ioc(_IOC_READ, DAHDI_CODE, 8, _INT_SIZE)  # _IOR(DAHDI_CODE, 8, int)
DAHDI_SPECIFY = ioc(_IOC_WRITE, DAHDI_CODE, 38, _INT_SIZE)  # _IOW(DAHDI_CODE, 38, int)
DAHDI_SETLINEAR = ioc(_IOC_WRITE, DAHDI_CODE, 40, _INT_SIZE)  # _IOW(DAHDI_CODE, 40, int)

# DAHDI_HOOK values (user.h)
DAHDI_ONHOOK, DAHDI_OFFHOOK, DAHDI_WINK, DAHDI_FLASH = 0, 1, 2, 3
DAHDI_START, DAHDI_RING, DAHDI_RINGOFF = 4, 5, 6

# DAHDI_GETEVENT values (user.h)
EVENT_NONE, EVENT_ONHOOK, EVENT_RINGOFFHOOK, EVENT_WINKFLASH = 0, 1, 2, 3
EVENT_ALARM, EVENT_NOALARM = 4, 5
EVENT_RINGERON, EVENT_RINGEROFF = 10, 11
EVENT_POLARITY, EVENT_RINGBEGIN, EVENT_REMOVED = 17, 18, 20
EVENT_FLAGS = (1 << 16) | (1 << 17) | (1 << 18)  # PULSEDIGIT, DTMFDOWN, DTMFUP | digit

ELAST = 500  # a read/write fails with this errno while an event waits (user.h)
BLOCK_SAMPLES = 160  # 20 ms at 8 kHz

# What the firmware hears, per port kind. FXS: the desk phone's hook. FXO: the
# telco line. RINGOFFHOOK on an FXO channel is a (debounced) ring; RINGBEGIN is
# the undebounced hint some drivers send first and is not reported. Whether a
# driver reports a ring's end as RINGEROFF is unverified: the firmware also
# treats ~8 s without a ring as the caller gone (chan_dahdi `ringtimeout`).
# Battery loss on FXO comes as ALARM (after 1 s without loop voltage), restore
# as NOALARM (HARDWARE.md 1.3). Digits are in-band audio, never events here.
EVENT_MAP: dict[str, dict[int, str]] = {
    "fxs": {EVENT_ONHOOK: "onhook", EVENT_RINGOFFHOOK: "offhook", EVENT_WINKFLASH: "flash"},
    "fxo": {EVENT_RINGOFFHOOK: "ring_begin", EVENT_RINGEROFF: "ring_end",
            EVENT_POLARITY: "polarity", EVENT_ALARM: "battery_lost",
            EVENT_NOALARM: "battery_restored"},
}


def map_event(kind: Literal["fxs", "fxo"], code: int) -> str | None:
    """The LineEvent kind for a DAHDI event on a port of `kind`, or None to ignore it."""
    if code & EVENT_FLAGS:
        return None
    return EVENT_MAP[kind].get(code)


IoctlFn = Callable[..., object]


class DahdiAudio:
    """A DAHDI channel's audio: frames read by the port's thread, written straight out."""

    def __init__(self, port: DahdiPort):
        self._port = port
        self.inbound = FrameQueue()
        self.write_drops = 0

    def read_frame(self) -> bytes | None:
        return self.inbound.get()

    def write_frame(self, frame: bytes) -> None:
        check_frame(frame, self._port.name)
        fd = self._port.fd
        if fd is None:
            self.write_drops += 1
            return
        try:
            os.write(fd, frame)
        except BlockingIOError:  # the driver's buffers are full: drop, never block
            self.write_drops += 1
        except OSError as exc:
            if exc.errno != ELAST:
                raise BoardUnavailable(f"port {self._port.name}: write failed: {exc}") from exc
            self._port.drain_events()


class DahdiPort(PortBase):
    """One FXS or FXO channel on /dev/dahdi/channel."""

    def __init__(self, name: str, kind: Literal["fxs", "fxo"], channel: int,
                 device: str = "/dev/dahdi/channel", ioctl: IoctlFn = fcntl.ioctl,
                 opener: Callable[[str], int] | None = None):
        super().__init__(name, kind)
        self.channel = channel
        self.device = device
        self._ioctl = ioctl
        self._opener = opener or (lambda path: os.open(path, os.O_RDWR | os.O_NONBLOCK))
        self.fd: int | None = None
        self.audio = DahdiAudio(self)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def open(self) -> None:
        """Open and set up the channel; BoardUnavailable naming the channel on failure."""
        try:
            self.fd = self._opener(self.device)
            self._ioctl_int(DAHDI_SPECIFY, self.channel)
            self._ioctl_int(DAHDI_SETLINEAR, 1)
            self._ioctl_int(DAHDI_SET_BLOCKSIZE, BLOCK_SAMPLES)
        except OSError as exc:
            self.close()
            raise BoardUnavailable(f"port {self.name}: DAHDI channel {self.channel} on "
                                   f"{self.device} cannot be opened: {exc}") from exc
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name=f"{self.name}-dahdi", daemon=True)
        self._thread.start()
        self._set_status(True)

    def close(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(2.0)
            self._thread = None
        fd, self.fd = self.fd, None
        if fd is not None:
            os.close(fd)
        self._set_status(False, "closed")

    def set_ringer(self, on: bool) -> None:
        """Ring the desk phone (FXS). The kernel's default cadence starts with a 2 s
        ring, longer than any 'on' the firmware asks for, so the firmware's
        on/off calls shape the cadence."""
        if self.kind != "fxs":
            raise WrongPortKind(f"port {self.name} is an FXO port: it cannot ring a phone")
        self._hook_ioctl(DAHDI_RING if on else DAHDI_RINGOFF)

    def set_hook(self, offhook: bool) -> None:
        """Seize or release the telco line (FXO)."""
        if self.kind != "fxo":
            raise WrongPortKind(f"port {self.name} is an FXS port: it has no telco line to seize")
        self._hook_ioctl(DAHDI_OFFHOOK if offhook else DAHDI_ONHOOK)
        self._hook = "off" if offhook else "on"

    def drain_events(self) -> None:
        """Read every pending DAHDI event and report the ones the firmware cares about."""
        while self.fd is not None:
            buf = array("i", [0])
            self._ioctl(self.fd, DAHDI_GETEVENT, buf, True)
            code = buf[0]
            if code == EVENT_NONE:
                return
            self.handle_event(code)

    def handle_event(self, code: int) -> None:
        if code == EVENT_REMOVED:
            self._set_status(False, f"DAHDI channel {self.channel} was removed")
            return
        kind = map_event(self.kind, code)
        if kind is not None:
            self._emit(kind)

    # --- internals ---------------------------------------------------------

    def _ioctl_int(self, request: int, value: int) -> None:
        self._ioctl(self.fd, request, struct.pack("i", value))

    def _hook_ioctl(self, value: int) -> None:
        if self.fd is None:
            raise BoardUnavailable(f"port {self.name}: channel is not open")
        try:
            self._ioctl_int(DAHDI_HOOK, value)
        except OSError as exc:
            raise BoardUnavailable(f"port {self.name}: DAHDI_HOOK {value} failed: {exc}") from exc

    def _run(self) -> None:
        poller = select.poll()
        poller.register(self.fd, select.POLLIN | select.POLLPRI)
        while not self._stop.is_set():
            try:
                for _fd, mask in poller.poll(100):
                    self._on_ready(mask)
            except OSError as exc:
                self._set_status(False, f"DAHDI channel {self.channel}: {exc}")
                self._stop.wait(1.0)

    def _on_ready(self, mask: int) -> None:
        if mask & select.POLLPRI:
            self.drain_events()
        if mask & select.POLLIN:
            try:
                frame = os.read(self.fd, BLOCK_SAMPLES * 2)
            except BlockingIOError:
                return
            except OSError as exc:
                if exc.errno != ELAST:
                    raise
                self.drain_events()
                return
            if len(frame) == BLOCK_SAMPLES * 2:
                self.audio.inbound.put(frame)
        if mask & (select.POLLERR | select.POLLHUP | select.POLLNVAL):
            raise OSError(errno.EIO, "channel hung up")
