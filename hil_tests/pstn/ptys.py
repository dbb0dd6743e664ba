"""Pseudo-terminals that stand in for a USB modem's serial devices.

The emulator keeps the master side; the slave path (/dev/pts/N) is what the box
opens, exactly as it opens /dev/ttyUSB2 on the Pi. The emulator does not keep
the slave open itself, so it can tell whether the host has the port open (a
master read fails with EIO while nobody has the slave open) and, like a real
USB serial device, it drops what it would send while the port is closed.
Closing the master makes the host's reads fail with EIO: that is an unplug.

Threading: one owner thread reads and finally closes a port; any thread may
write (writes are serialised by a lock and refused once the port is closed).
"""

from __future__ import annotations

import errno
import fcntl
import os
import threading
import time
import tty

WRITE_TIMEOUT_S = 0.3


class PtyPort:
    """One pseudo-terminal pair; `path` is the slave device the host opens."""

    def __init__(self, label: str):
        master, slave = os.openpty()
        try:
            tty.setraw(slave)
            self.path = os.ttyname(slave)
        finally:
            os.close(slave)
        flags = fcntl.fcntl(master, fcntl.F_GETFL)
        fcntl.fcntl(master, fcntl.F_SETFL, flags | os.O_NONBLOCK)
        self.label = label
        self._fd = master
        self._lock = threading.Lock()
        self.closed = False
        self.host_open = False
        self.dropped_bytes = 0

    def fileno(self) -> int:
        return self._fd

    def read(self, size: int = 4096) -> bytes | None:
        """What the host wrote: b"" when nothing is waiting, None while the host has it closed."""
        if self.closed:
            return None
        try:
            data = os.read(self._fd, size)
        except BlockingIOError:
            self.host_open = True
            return b""
        except OSError as e:
            if e.errno != errno.EIO:
                raise
            self.host_open = False
            return None
        self.host_open = True
        return data

    def write(self, data: bytes, timeout: float = WRITE_TIMEOUT_S) -> bool:
        """Send `data` to the host; False if the port is closed or the host is not reading."""
        with self._lock:
            if self.closed or not self.host_open:
                self.dropped_bytes += len(data)
                return False
            return self._write_all(data, timeout)

    def _write_all(self, data: bytes, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        view = memoryview(data)
        while view:
            try:
                n = os.write(self._fd, view)
            except BlockingIOError:
                if time.monotonic() > deadline:
                    self.dropped_bytes += len(view)
                    return False
                time.sleep(0.002)
                continue
            except OSError:
                self.dropped_bytes += len(view)
                return False
            view = view[n:]
        return True

    def try_write(self, data: bytes) -> int:
        """Write what fits now without waiting (audio); the number of bytes written."""
        with self._lock:
            if self.closed or not self.host_open:
                return 0
            try:
                return os.write(self._fd, data)
            except OSError:
                return 0

    def close(self) -> None:
        """Close the master (the host then reads EIO). Only the owner thread calls this."""
        with self._lock:
            if not self.closed:
                self.closed = True
                os.close(self._fd)
