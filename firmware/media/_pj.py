"""The few things pjsua2's Python binding does not offer, and its frame buffers.

Private to `firmware.media`. Three pjsua C functions are reached with ctypes on
the already loaded `_pjsua2` extension (the wheel links pjproject into it; a
binding built for the box resolves the same names through its libraries):

- `pj_log_set_level`: silence pjlib before `libCreate()`, which would otherwise
  print its start-up lines on stdout before our LogWriter is installed;
- `pjsua_call_get_max_count`: the effective SIP call limit (DESIGN.md);
- `pjsua_conf_remove_port` / `pjsua_enum_conf_ports`: take a port out of the
  conference bridge *without* destroying the Python object that backs it. The
  bridge removes ports asynchronously, on its next clock tick, and pjsua2's
  destructors free the port at once: dropping the object first could let the
  clock thread call into freed memory. The engine removes, waits until the
  slot is gone from the bridge, and only then drops the object.

`MediaFrame.buf` is a SWIG `std::vector<unsigned char>`: reading it element by
element costs ~300 us per 20 ms frame. `FrameBuffers` copies it with one
memmove through the vector's begin/end pointers (~8 us), after checking at
start-up that this build lays the vector out as expected; if not, it falls
back to the slow element-wise copy and says so.
"""

from __future__ import annotations

import ctypes
import importlib
import logging

import pjsua2 as pj

log = logging.getLogger(__name__)
pjlog = logging.getLogger("firmware.media.pjsip")

AUDIO = pj.PJMEDIA_FRAME_TYPE_AUDIO
NONE = pj.PJMEDIA_FRAME_TYPE_NONE


def _library() -> ctypes.CDLL:
    return ctypes.CDLL(importlib.import_module("pjsua2._pjsua2").__file__)


class Native:
    """pjsua C functions the Python binding lacks (see the module docstring)."""

    def __init__(self) -> None:
        lib = _library()
        self._set_level = lib.pj_log_set_level
        self._set_level.argtypes = [ctypes.c_int]
        self._set_level.restype = None
        self._max_calls = lib.pjsua_call_get_max_count
        self._max_calls.argtypes = []
        self._max_calls.restype = ctypes.c_uint
        self._remove = lib.pjsua_conf_remove_port
        self._remove.argtypes = [ctypes.c_int]
        self._remove.restype = ctypes.c_int
        self._enum = lib.pjsua_enum_conf_ports
        self._enum.argtypes = [ctypes.POINTER(ctypes.c_int), ctypes.POINTER(ctypes.c_uint)]
        self._enum.restype = ctypes.c_int

    def set_log_level(self, level: int) -> None:
        self._set_level(level)

    def max_calls(self) -> int:
        return int(self._max_calls())

    def remove_port(self, port_id: int) -> int:
        """Queue the port's removal from the bridge; returns the pj_status_t (0 = ok)."""
        return int(self._remove(port_id))

    def port_ids(self, capacity: int) -> set[int]:
        """The conference slots in use now, including those waiting to be removed."""
        ids = (ctypes.c_int * capacity)()
        count = ctypes.c_uint(capacity)
        status = self._enum(ids, ctypes.byref(count))
        if status != 0:
            raise OSError(f"pjsua_enum_conf_ports failed with status {status}")
        return set(ids[: count.value])


class FrameBuffers:
    """Copy PCM in and out of pjsua2 MediaFrame buffers, fast when the layout allows."""

    def __init__(self) -> None:
        self.fast = self._layout_ok()
        if not self.fast:
            log.warning("pjsua2 frame buffers have an unexpected layout: "
                        "using the slow element-wise copy (~0.3 ms per frame)")

    def read(self, frame: pj.MediaFrame) -> bytes:
        """The PCM bytes of a frame the bridge handed us."""
        vector = frame.buf
        if not self.fast:
            return bytes(vector)
        begin, end = (ctypes.c_void_p * 2).from_address(int(vector.this))
        if not begin:  # an empty vector has no storage yet
            return b""
        return ctypes.string_at(begin, end - begin)

    def fill(self, frame: pj.MediaFrame, pcm: bytes) -> None:
        """Make `frame` an audio frame holding exactly `pcm`."""
        frame.type = AUDIO
        frame.size = len(pcm)
        if not self.fast:
            frame.buf = pj.ByteVector(pcm)
            return
        vector = frame.buf
        vector.resize(len(pcm))
        begin = ctypes.c_void_p.from_address(int(vector.this)).value
        ctypes.memmove(begin, pcm, len(pcm))

    def _layout_ok(self) -> bool:
        try:
            probe = bytes(range(256)) + bytes(range(64))
            frame = pj.MediaFrame()
            frame.buf = pj.ByteVector(probe)
            self.fast = True
            copied = self.read(frame)
            other = pj.MediaFrame()
            self.fill(other, probe[::-1])
            return copied == probe and bytes(other.buf) == probe[::-1]
        except Exception:  # any surprise in the binding: take the slow, safe path
            log.debug("fast frame copy probe failed", exc_info=True)
            return False


_LEVELS = {0: logging.CRITICAL, 1: logging.ERROR, 2: logging.WARNING, 3: logging.INFO}


class LogWriter(pj.LogWriter):
    """pjsip's log lines into Python logging ("firmware.media.pjsip").

    Called on whichever thread logged (the loop thread, or the bridge's clock
    thread); Python logging is thread-safe. It must never raise into C.
    """

    def write(self, entry: pj.LogEntry) -> None:
        try:
            level = _LEVELS.get(entry.level, logging.DEBUG)
            pjlog.log(level, "%s", entry.msg.strip())  # the sender comes right-aligned
        except Exception:  # a log line is never worth a crash
            pass
