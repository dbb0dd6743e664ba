"""The GSM driver against the PSTN emulator's modem faults.

For every fault kind the line must keep running (its supervisor task alive, no
deadlock: a request still gets an answer), say out of service when the modem
is gone, and come back in service on its own once the modem is back.
"""

from __future__ import annotations

import pytest

from firmware.lines.gsm import GsmCallEnded, GsmIncomingCall
from hil_tests.pstn.testing import wait_for
from hil_tests.test_gsm_driver_rig import CALLER, TIMINGS, GsmRig

pytestmark = pytest.mark.hil


@pytest.fixture
def rig(emulator_factory):
    with GsmRig(emulator_factory("sim", **TIMINGS)) as r:
        r.ready()
        yield r


def _alive_and_ready(rig, since: int, timeout: float = 20.0, gone: str = "out_of_service"):
    """Back in service after reporting `gone`, and still answering requests."""
    rig.wait_status(gone, since=since, timeout=timeout)
    wait_for(lambda: rig.line.status.state == "ready", timeout, what="back in service")
    assert rig.states(since)[-1] == "ready"
    assert not rig.line._task.done()
    assert rig.run(rig.line.forwarding(), timeout=20) is None  # the line still answers


def test_unplug_and_replug(rig):
    mark = rig.mark()
    rig.client.modem_fault(rig.mid, "unplug")
    status = rig.wait_status("out_of_service", since=mark)
    assert status.registration is None and status.csq is None
    wait_for(lambda: "modem not present" in rig.line.status.reason, what="modem gone")
    rig.client.modem_fault(rig.mid, "replug")
    _alive_and_ready(rig, mark)
    assert rig.states(mark)[-1] == "ready"


def test_unplug_during_a_call_ends_it(rig):
    rig.client.place_call(CALLER, rig.number)
    rig.wait_event(GsmIncomingCall)
    rig.run(rig.line.answer())
    mark = rig.mark()
    rig.client.modem_fault(rig.mid, "unplug")
    assert rig.wait_event(GsmCallEnded, since=mark).cause == "failed"
    rig.wait_status("out_of_service", since=mark)
    rig.client.modem_fault(rig.mid, "replug")
    _alive_and_ready(rig, mark)
    assert rig.line.call is None


def test_reset(rig):
    mark = rig.mark()
    rig.client.modem_fault(rig.mid, "reset")
    rig.wait_status("out_of_service", since=mark)
    _alive_and_ready(rig, mark)


def test_hang_then_unhang(rig):
    mark = rig.mark()
    rig.client.modem_fault(rig.mid, "hang")
    status = rig.wait_status("out_of_service", since=mark, timeout=20)
    assert "answer" in status.reason
    rig.client.modem_fault(rig.mid, "unhang")
    _alive_and_ready(rig, mark, timeout=30)


def test_garbage_on_the_at_port(rig):
    mark = rig.mark()
    for _ in range(3):
        rig.client.modem_fault(rig.mid, "garbage", bytes=200)
        assert rig.run(rig.line.forwarding()) is None
    rig.client.modem_signal(rig.mid, 11)
    rig.wait_status("ready", since=mark, csq=11)
    assert "out_of_service" not in rig.states(mark)
    assert rig.line.engine().junk_bytes > 0


def test_urc_in_the_middle_of_a_reply(rig):
    mark = rig.mark()
    rig.client.modem_fault(rig.mid, "urc_in_reply", urc="^RSSI:7")
    rig.wait_status("ready", since=mark, csq=7)
    assert rig.run(rig.line.forwarding()) is None
    assert "out_of_service" not in rig.states(mark)


def test_sim_removed_and_inserted(rig):
    mark = rig.mark()
    rig.client.modem_fault(rig.mid, "sim_removed")
    assert rig.wait_status("no_sim", since=mark).sim == "absent"
    rig.client.modem_fault(rig.mid, "sim_inserted")
    _alive_and_ready(rig, mark, gone="no_sim")


@pytest.mark.parametrize("code", [14, 515])
def test_busy_bursts_are_ridden_out(rig, code):
    mark = rig.mark()
    rig.client.modem_fault(rig.mid, "cme_busy", count=3, code=code)
    assert rig.run(rig.line.forwarding()) is None
    rig.client.modem_signal(rig.mid, 13)
    rig.wait_status("ready", since=mark, csq=13)
    assert "out_of_service" not in rig.states(mark)
