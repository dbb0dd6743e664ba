"""Real-time scheduling for the threads that carry call audio.

The bridge's clock thread (pjmedia's, in firmware/media/ports.py), the GSM modem's
audio reader and pacer (firmware/lines/gsm_link.py), the voice modem's reader
(board/v253_link.py) and, on the simulated board, the port link threads (standing
for a port's kernel driver) each
have 20 ms to move a frame. At normal priority they share the cores with everything
else on the box (the web page, a backup, a burst of logging) and with the box's own
event loop, so a busy moment delays a frame past its tick and the caller hears a
click (docs/benchmarks.md, bench.web). Such a thread calls `audio_thread(what)` once,
first thing (the bridge's clock thread: once per port): it asks for SCHED_FIFO at
AUDIO_PRIORITY, as PBXes do (Asterisk `-p`, FreeSWITCH `-rp`).

Allowed when the process runs as root or with an RLIMIT_RTPRIO of at least that
priority (systemd `LimitRTPRIO=` in systemd/switchboard.service). Refused, the thread
carries on at normal priority and the box says so once in its log; nothing fails.
These threads do little per frame (well under 1 ms), and Linux keeps 5 % of each
second for normal threads whatever real-time threads do, so a fault in one cannot
lock the box up. `SWITCHBOARD_REALTIME=0` turns it off (for an experiment).

The GIL: a real-time thread still waits for it; the box shortens the interpreter's
switch interval (`short_switch_interval`) so a thread holding it lets go within
1 ms rather than 5 ms.
"""

from __future__ import annotations

import logging
import os
import sys
import threading

log = logging.getLogger(__name__)

AUDIO_PRIORITY = 10  # SCHED_FIFO 1..99: above every normal thread, below the kernel's own
SWITCH_INTERVAL_S = 0.001

_lock = threading.Lock()
_refused_logged = False


def enabled() -> bool:
    return os.environ.get("SWITCHBOARD_REALTIME", "1") != "0" and hasattr(os, "SCHED_FIFO")


def audio_thread(what: str) -> bool:
    """Make the calling thread a real-time audio thread; True if it is one now. A system
    call each time: call it once per thread (or per port, on the bridge's clock thread,
    whose Python thread state pjsua2 makes anew for every callback)."""
    global _refused_logged
    if not enabled():
        return False
    try:
        os.sched_setscheduler(0, os.SCHED_FIFO, os.sched_param(AUDIO_PRIORITY))
    except OSError as exc:
        with _lock:
            first, _refused_logged = not _refused_logged, True
        if first:
            log.warning("audio threads run at normal priority (%s: SCHED_FIFO %d refused: %s); "
                        "under load a call may click. The box needs root or LimitRTPRIO=%d.",
                        what, AUDIO_PRIORITY, exc.strerror or exc, AUDIO_PRIORITY)
        return False
    log.debug("%s: real-time (SCHED_FIFO %d)", what, AUDIO_PRIORITY)
    return True


def is_realtime() -> bool:
    """Whether the calling thread runs under SCHED_FIFO."""
    return hasattr(os, "SCHED_FIFO") and os.sched_getscheduler(0) == os.SCHED_FIFO


def short_switch_interval() -> None:
    """Let a thread waiting for the GIL (an audio thread) get it within 1 ms."""
    if enabled():
        sys.setswitchinterval(SWITCH_INTERVAL_S)
