"""A GSM line recovers fully: a call left up on the modem is ended before the line
reads ready, whatever hang-up command the modem honours (issue 9 §5).

The emulator's modem is a device of its own, as a real one is: a call stays up
while the box is gone (its driver closed without hanging up, or the modem hung
and was given up). `quirks` make it refuse AT+CHUP and ignore ATH (+CVHU=1), as
some modems do, so the driver cannot lean on one command.
"""

from __future__ import annotations

import pytest

from firmware.lines.gsm import GsmCallEnded, GsmIncomingCall, GsmStatusChanged
from hil_tests.pstn.testing import wait_for
from hil_tests.test_gsm_driver_rig import CALLER, TIMINGS, GsmRig

pytestmark = pytest.mark.hil

QUIRKY = {"chup": False, "cvhu": 1}  # AT+CHUP answers ERROR, ATH leaves voice calls up


def _answered_call(rig: GsmRig) -> dict:
    rig.client.place_call(CALLER, rig.number)
    rig.wait_event(GsmIncomingCall)
    rig.run(rig.line.answer())
    call = rig.emulator_call("to_box")
    wait_for(lambda: rig.client.call(call["id"])["state"] == "active", what="call active")
    return call


def _die(rig: GsmRig) -> None:
    """The box goes away without a word to the modem (kill -9): ports closed, no hang-up."""
    async def die() -> None:
        await rig.line._stop_supervisor()
        await rig.line._close()
    rig.run(die())
    rig.line.stop = _no_stop  # the rig's own clean stop must not hang up either
    rig.close()


async def _no_stop() -> None:
    return None


def _call_state_when_ready(rig: GsmRig, cid: str) -> list[str]:
    """The emulator call's state each time the line says ready (filled as it happens)."""
    seen: list[str] = []

    def on_status(event: GsmStatusChanged) -> None:
        if event.status.state == "ready":
            seen.append(rig.client.call(cid)["state"])

    rig.bus.subscribe(on_status, GsmStatusChanged)
    return seen


def _hangups(rig: GsmRig, since: int) -> list[str]:
    lines = [e["line"].upper() for e in rig.client.events(kind="at_rx")["events"][since:]]
    return [ln for ln in lines if ln in ("ATH", "AT+CHUP") or ln.startswith("AT+CHLD")]


@pytest.mark.parametrize("quirks", [{}, QUIRKY], ids=["huawei", "chup-refused-ath-ignored"])
def test_a_call_left_up_by_a_dead_box_is_ended_before_ready(emulator_factory, quirks):
    emu = emulator_factory("sim", **TIMINGS)
    if quirks:
        emu.client.modem_config(emu.modems[0], **quirks)
    first = GsmRig(emu).start()
    first.ready()
    call = _answered_call(first)
    _die(first)
    assert emu.client.call(call["id"])["state"] == "active"  # the modem did not notice
    n = len(emu.client.events(kind="at_rx")["events"])

    second = GsmRig(emu)
    seen = _call_state_when_ready(second, call["id"])
    with second.start():
        second.ready(timeout=20)
        ended = emu.client.call(call["id"])
        assert ended["state"] == "ended" and ended["ended_by"] == "box"
        wait_for(lambda: seen, what="the ready status seen")
        assert seen[0] == "ended"  # never ready while the call was up
        assert second.line.call is None and not second.line.status.in_call
        used = _hangups(second, n)
        assert used[0] == "AT+CHUP"
        if quirks:
            assert used == ["AT+CHUP", "AT+CHLD=11"]
        # the line works again: the next caller is offered to the box
        mark = second.mark()
        emu.client.place_call("+8613922223333", second.number)
        second.wait_event(GsmIncomingCall, since=mark, number="+8613922223333")


def test_a_hung_modem_recovered_with_a_call_up_ends_it(emulator_factory):
    emu = emulator_factory("sim", **TIMINGS)
    with GsmRig(emu) as rig:
        rig.ready()
        call = _answered_call(rig)
        seen = _call_state_when_ready(rig, call["id"])
        mark = rig.mark()
        rig.client.modem_fault(rig.mid, "hang")
        rig.wait_status("out_of_service", since=mark, timeout=20)
        assert rig.wait_event(GsmCallEnded, since=mark).cause == "failed"
        assert rig.client.call(call["id"])["state"] == "active"  # still up in the modem
        rig.client.modem_fault(rig.mid, "unhang")
        wait_for(lambda: rig.line.status.state == "ready", 30, what="back in service")
        assert rig.client.call(call["id"])["state"] == "ended"
        wait_for(lambda: seen, what="the ready status seen")
        assert seen[0] == "ended"


def test_the_box_hangs_up_when_chup_is_refused_and_ath_ignored(emulator_factory):
    emu = emulator_factory("sim", **TIMINGS)
    emu.client.modem_config(emu.modems[0], **QUIRKY)
    with GsmRig(emu) as rig:
        rig.ready()
        call = _answered_call(rig)
        n = len(emu.client.events(kind="at_rx")["events"])
        rig.run(rig.line.hangup())
        ended = emu.client.call(call["id"])
        assert ended["state"] == "ended" and ended["ended_by"] == "box"
        assert _hangups(rig, n) == ["AT+CHUP", "AT+CHLD=11"]


def test_the_box_refuses_a_ringing_call_when_chup_is_refused(emulator_factory):
    emu = emulator_factory("sim", **TIMINGS)
    emu.client.modem_config(emu.modems[0], **QUIRKY)
    with GsmRig(emu) as rig:
        rig.ready()
        rig.client.place_call(CALLER, rig.number)
        rig.wait_event(GsmIncomingCall)
        call = rig.emulator_call("to_box")
        rig.run(rig.line.hangup())
        ended = emu.client.call(call["id"])
        assert ended["state"] == "ended" and ended["cause"] == 17  # AT+CHLD=0: user busy



@pytest.mark.parametrize("body, field", [({"chup": "no"}, "chup"), ({"cvhu": 3}, "cvhu"),
                                         ({"cvhu": True}, "cvhu")])
def test_the_emulator_refuses_bad_hangup_settings(emulator, body, field):
    from hil_tests.pstn.client import EmulatorError

    mid = emulator.modems[0]
    with pytest.raises(EmulatorError) as refused:
        emulator.client.modem_config(mid, **body)
    assert refused.value.status == 400 and field in str(refused.value)
    config = emulator.client.modem(mid)["config"]
    assert (config["chup"], config["cvhu"]) == (True, 0)  # nothing changed
