"""`--clock`: a wall clock that starts at a chosen time and runs on (simulated boards)."""

from __future__ import annotations

import argparse
import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from firmware import daemon
from firmware.clock import SetClock, SystemClock, parse_clock
from firmware.errors import SwitchboardError

SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_parse_clock_reads_the_zone_or_the_offset() -> None:
    assert parse_clock("2026-10-01T10:00") == datetime(2026, 10, 1, 10, 0, tzinfo=SHANGHAI)
    with_offset = parse_clock("2026-10-01T10:00+00:00", "Asia/Shanghai")
    assert with_offset.astimezone(SHANGHAI).hour == 18
    with pytest.raises(ValueError, match="--clock 'tomorrow' is not a time"):
        parse_clock("tomorrow")


def test_a_set_clock_starts_at_its_time_and_runs_on() -> None:
    start = datetime(2026, 10, 1, 10, 0, tzinfo=SHANGHAI)
    clock = SetClock(start, "Asia/Shanghai", monotonic_start=time.monotonic() - 60)
    ran = clock.now() - start
    assert timedelta(seconds=60) <= ran < timedelta(hours=1)
    assert clock.now().tzinfo == SHANGHAI
    other = clock.in_zone("UTC")
    assert other.now().utcoffset() == timedelta(0)
    assert abs(other.now() - clock.now()) < timedelta(hours=1)  # the same instant, not +8 h
    assert other.monotonic_start == clock.monotonic_start
    with pytest.raises(ValueError):
        SetClock(datetime(2026, 10, 1, 10, 0))
    assert isinstance(SystemClock().in_zone("UTC"), SystemClock)


def _args(clock: str | None) -> argparse.Namespace:
    return argparse.Namespace(clock=clock)


def test_the_clock_option_only_on_a_simulated_board() -> None:
    assert daemon._clock_option(_args(None), "pi-gsm") is None
    assert daemon._clock_option(_args("2026-10-01T10:00"), "sim-2gsm") == "2026-10-01T10:00"
    with pytest.raises(SwitchboardError, match="only for a simulated board"):
        daemon._clock_option(_args("2026-10-01T10:00"), "pi-usbmodem")
    with pytest.raises(SwitchboardError, match="is not a time"):
        daemon._clock_option(_args("National Day"), "sim")


def test_the_page_and_route_explain_read_a_running_boxs_clock() -> None:
    """The box answers the control op `clock`; the web process (a BoxService on the
    control socket) and `route explain` without --at then read the box's time."""
    import tempfile
    from pathlib import Path

    from firmware.service import BoxService, box_clock_offset
    from tests.config.helpers import running_server

    national_day = SetClock(datetime(2040, 10, 1, 10, 0, tzinfo=SHANGHAI))  # far from today
    with tempfile.TemporaryDirectory(prefix="sbclk") as short:
        sock = Path(short) / "control.sock"
        assert box_clock_offset(sock) == timedelta(0)  # no box: the host's time
        handlers = {"clock": lambda args: {"now": national_day.now().isoformat(), "set": True}}
        with running_server(sock, handlers):
            ahead = box_clock_offset(sock)
            assert abs(ahead) > timedelta(days=1)  # however far from the host's day
            service = BoxService(Path(short), control=sock)
            service.config_object = lambda: _example()  # type: ignore[method-assign]
            now = service.now()
            assert (now.year, now.month, now.day) == (2040, 10, 1)


def _example():
    from tests.routing.helpers import example

    return example()
