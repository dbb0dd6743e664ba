"""Fixtures for tests that run the PSTN emulator or the whole box as separate processes.

`emulator`: a fresh emulator (shape "sim": one Huawei modem, four FXS phones)
in a temporary RUNDIR, stopped after the test. `emulator_factory(shape="sim",
**timings)`: start as many as a test needs, e.g.
`emulator_factory("sim-2gsm", ring_period_s=0.3)` (shapes: sim, sim-2gsm, sim-analog, sim-v253,
sim-mixed); all are stopped at the end.
Timings are the emulator's command-line options (see `python -m hil_tests.pstn -h`).

`boxes`: the boxes a test started, killed at its end (a failing test's report shows
their output). A module marked `pytestmark = pytest.mark.no_web_page` starts its boxes
without the owner's web page (boxrig.WEB_PAGE): quicker, for tests that never open it.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from hil_tests import boxrig
from hil_tests.pstn.process import EmulatorProcess, start_emulator


@pytest.fixture
def emulator_factory(tmp_path: Path) -> Iterator[Callable[..., EmulatorProcess]]:
    started: list[EmulatorProcess] = []
    counter = itertools.count()

    def start(shape: str = "sim", **timings: float) -> EmulatorProcess:
        emu = start_emulator(tmp_path / f"pstn{next(counter)}", shape=shape, **timings)
        started.append(emu)
        return emu

    yield start
    for emu in started:
        emu.stop()


@pytest.fixture
def emulator(emulator_factory: Callable[..., EmulatorProcess]) -> EmulatorProcess:
    return emulator_factory("sim")



@pytest.fixture
def boxes() -> Iterator[list]:
    """Boxes a test started (append them): killed at the end, passed or failed. Their
    output is printed, so a failing test's report shows what each box said."""
    started: list = []
    yield started
    for box in started:
        box.kill()
        print(f"--- box {box.data}:\n{box.output()}")


@pytest.fixture(autouse=True)
def _web_page(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """A test marked `no_web_page` starts its boxes without the owner's web page."""
    if request.node.get_closest_marker("no_web_page") is not None:
        monkeypatch.setattr(boxrig, "WEB_PAGE", False)
