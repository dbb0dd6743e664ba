"""The rig of the in-call hil tests (blind and attended transfer, three-way calls): one
box per module on two GSM lines (sim-2gsm) with the office of calls_rig, and phones
left idle after every test.

    @pytest.fixture(scope="module")
    def box(tmp_path_factory):
        yield from start_box(tmp_path_factory, "xfer", ring_s=5)

    @pytest.fixture
    def emu(box):
        yield from idle_after(box)
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from hil_tests.calls_rig import SIM, box_with, office
from hil_tests.pstn.client import EmulatorError
from hil_tests.pstn.testing import wait_for

PORTS = ("fxs0", "fxs1", "fxs2", "fxs3")


def transfer_office(ring_s: int) -> dict:
    """Desks 801 and 803 in the ring group; a transfer's target rings `ring_s` seconds,
    the transferring agent 5 s when the caller comes back; then the group."""
    config = office(lines=2, members=("801", "803"), ring_time=10)
    config["schema_version"] = 2
    config["transfer"] = {"ring_s": ring_s, "return_ring_s": 5, "fallback": "group"}
    return config


def start_box(tmp_path_factory: Any, name: str, ring_s: int) -> Iterator:
    started = box_with(tmp_path_factory.mktemp(name), transfer_office(ring_s), "sim-2gsm")
    try:
        yield started
        assert started.stop() == 0
    finally:
        started.kill()


def idle_after(box: Any) -> Iterator:
    """The emulator for one test; afterwards every phone on hook and every call ended."""
    emulator = box.emulator
    yield emulator
    for port in PORTS:
        emulator.phone_auto_answer(port, None)
        emulator.phone_hook(port, "on")
    for call in emulator.calls():
        if call["state"] != "ended":
            _hang_up(emulator, call["id"])
    wait_for(lambda: not box.status()["calls"], 15, what="no call left in the box")


def _hang_up(emulator: Any, ident: str) -> None:
    """Hang up a call still up a moment ago (it may end by itself meanwhile)."""
    try:
        emulator.hangup(ident)
    except EmulatorError:
        if emulator.call(ident)["state"] != "ended":
            raise


def offhook(emu: Any, port: str) -> bool:
    return any(p["port"] == port and p["hook"] == "off" for p in emu.phones())


def answered_by_desk(emu: Any, caller: str, port: str = "fxs0") -> dict:
    """A call from `caller` answered on `port` (auto answer)."""
    emu.phone_auto_answer(port, 0.3)
    call = emu.place_call(caller, SIM[0])
    wait_for(lambda: emu.call(call["id"])["state"] == "active", 20, what="caller connected")
    wait_for(lambda: offhook(emu, port), 10, what=f"{port} answered")
    emu.phone_auto_answer(port, None)
    return call
