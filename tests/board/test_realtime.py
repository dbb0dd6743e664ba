"""Audio threads ask for SCHED_FIFO once, and carry on at normal priority when refused."""

from __future__ import annotations

import logging
import os
import threading

import pytest

from board import realtime


def in_thread(fn):
    out: list = []
    t = threading.Thread(target=lambda: out.append(fn()))
    t.start()
    t.join()
    return out[0]


@pytest.mark.skipif(os.geteuid() != 0, reason="SCHED_FIFO needs root or an RLIMIT_RTPRIO")
def test_an_audio_thread_runs_real_time_and_others_do_not():
    assert in_thread(lambda: (realtime.audio_thread("test"), realtime.is_realtime())) == \
        (True, True)
    assert not realtime.is_realtime()  # only the thread that asked


def test_refused_it_says_so_once(monkeypatch, caplog):
    calls = []

    def refuse(*args):
        calls.append(args)
        raise PermissionError(1, "Operation not permitted")

    monkeypatch.setattr(realtime.os, "sched_setscheduler", refuse)
    monkeypatch.setattr(realtime, "_refused_logged", False)
    caplog.set_level(logging.WARNING, logger="board.realtime")

    assert in_thread(lambda: realtime.audio_thread("a")) is False
    assert in_thread(lambda: realtime.audio_thread("b")) is False
    assert len(calls) == 2
    warned = [r.getMessage() for r in caplog.records]
    assert len(warned) == 1 and "normal priority" in warned[0] and "LimitRTPRIO" in warned[0]


def test_switched_off_it_does_not_ask(monkeypatch):
    monkeypatch.setenv("SWITCHBOARD_REALTIME", "0")
    monkeypatch.setattr(realtime.os, "sched_setscheduler",
                        lambda *a: pytest.fail("asked for real-time"))
    assert in_thread(lambda: realtime.audio_thread("off")) is False
