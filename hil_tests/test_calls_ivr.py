"""Keypad steps end to end (G2-G4): a voice menu on the GSM line and on the analog line
(that one needs the FXO line driver), keys from the caller
through the emulator (in-band DTMF and the modem's ^DDTMF for each key: the box counts
each press once), a directly dialled extension and a PIN. These need no real prompts: a
box without them plays nothing (or a beep) and still reads the keys."""

from __future__ import annotations

import pytest

from hil_tests.calls_rig import (
    ANALOG_LINE,
    CALLER,
    SIM,
    analog_office,
    box_with,
    office,
    records,
    wait_record,
)
from hil_tests.pstn.testing import wait_for

pytestmark = pytest.mark.no_web_page  # none of these tests opens the page


def front_door() -> dict:
    config = office(members=("801",), ring_time=8, forward_chain=())
    config["schema_version"] = 2
    config["ring_groups"].append({"name": "sales", "members": ["802"], "ring_time": 8,
                                  "total_ring_time": 20})
    config["plans"] = [{"name": "front", "steps": [
        {"id": "main", "do": "menu", "on": {"timeout": "reception"},
         "menu": {"prompt": "main_menu", "timeout_s": 8, "direct_dial": True,
                  "choices": [{"digit": "1", "to": "sales"}, {"digit": "2", "to": "check"}]}},
        {"id": "check", "do": "pin", "pin": {"pins": ["4321"], "tries": 2, "timeout_s": 8},
         "on": {"ok": "sales"}},
        {"id": "sales", "do": "ring_group:sales"},
        {"id": "reception", "do": "ring_group:desk"}]}]
    config["routes"] = [{"name": "front door", "to": "plan:front"}]
    return config


def _answered(emu, call: dict) -> None:
    wait_for(lambda: emu.call(call["id"])["state"] == "active", 15,
             what="the menu answered the call")


def _route(box, route: str) -> dict:
    """The record (in progress or not) whose route is `route`."""
    def find() -> dict | None:
        return next((r for r in records(box) if r.get("route") == route), None)

    return wait_for(find, 40, interval=0.3, what=f"a call routed {route}")


def _end(box, emu, call: dict, port: str, route: str) -> dict:
    """The caller hangs up, the desk phone too; the finished record."""
    emu.hangup(call["id"])
    emu.phone_hook(port, "on")
    return wait_record(box, route=route)


def test_menu_choice_direct_extension_and_pin(tmp_path, boxes):
    box = box_with(tmp_path, front_door())
    boxes.append(box)
    emu = box.emulator
    for port in ("fxs1", "fxs2"):
        emu.phone_auto_answer(port, 0.3)

    call = emu.place_call(CALLER, SIM[0])
    _answered(emu, call)
    emu.send_to_call(call["id"], dtmf="1")
    route = "route front door > menu main:1 > sales"
    wait_for(lambda: _talking(box), 20,
             what="802 answered")
    rec = _end(box, emu, call, "fxs1", route)
    assert rec["result"] == "answered" and rec["answered_by"] == "802"

    call = emu.place_call(CALLER, SIM[0])
    _answered(emu, call)
    emu.send_to_call(call["id"], dtmf="803")  # each key heard and reported: still 803
    route = "route front door > menu main:803"
    _route(box, route)
    wait_for(lambda: _talking(box), 20, what="803 answered")
    rec = _end(box, emu, call, "fxs2", route)
    assert rec["answered_by"] == "803"

    call = emu.place_call(CALLER, SIM[0])
    _answered(emu, call)
    emu.send_to_call(call["id"], dtmf="2")
    _route(box, "route front door > menu main:2 > check")
    emu.send_to_call(call["id"], dtmf="4321#")
    route = "route front door > menu main:2 > pin check:ok > sales"
    _route(box, route)
    wait_for(lambda: _talking(box), 20, what="802 answered after the PIN")
    rec = _end(box, emu, call, "fxs1", route)
    assert rec["answered_by"] == "802"
    assert box.stop() == 0
    assert "4321" not in box.output()


def _talking(box) -> bool:
    return any(c.get("state") == "talking" for c in box.status().get("calls", []))


def test_a_menu_on_the_analog_line_hears_the_keys_in_band(tmp_path, boxes):
    """The analog line reports no keys itself: the box hears them in the line's audio
    (needs the FXO line driver)."""
    config = front_door()
    config["lines"] = analog_office()["lines"]
    box = box_with(tmp_path, config, "sim-analog")
    boxes.append(box)
    emu = box.emulator
    emu.phone_auto_answer("fxs2", 0.3)
    call = emu.place_call(CALLER, ANALOG_LINE)
    _answered(emu, call)
    emu.send_to_call(call["id"], dtmf="803")
    route = "route front door > menu main:803"
    _route(box, route)
    wait_for(lambda: _talking(box), 20, what="803 answered")
    rec = _end(box, emu, call, "fxs2", route)
    assert rec["answered_by"] == "803" and rec["line"] == "fxo0"
    assert box.stop() == 0


def test_verification_against_the_owners_hook_up_then_down(tmp_path, boxes):
    from tests.calls.test_verify_hook import HookServer

    hook = HookServer()
    hook.body = b'{"ok": true, "exit": "vip"}'
    config = office(members=("801",), ring_time=8, forward_chain=())
    config["schema_version"] = 2
    config["ring_groups"].append({"name": "vip", "members": ["803"], "ring_time": 8,
                                  "total_ring_time": 20})
    config["plans"] = [{"name": "front", "steps": [
        {"id": "acct", "do": "verify", "on": {"ok": "reception"},
         "verify": {"min_digits": 4, "max_digits": 10, "timeout_s": 8, "tries": 1,
                    "hook": {"url": hook.url, "timeout_s": 2, "retries": 0,
                             "when_down": "later"},
                    "exits": [{"name": "vip", "to": "vipdesk"},
                              {"name": "later", "to": "reception"}]}},
        {"id": "reception", "do": "ring_group:desk"},
        {"id": "vipdesk", "do": "ring_group:vip"}]}]
    config["routes"] = [{"name": "front door", "to": "plan:front"}]
    try:
        box = box_with(tmp_path, config)
        boxes.append(box)
        emu = box.emulator
        emu.phone_auto_answer("fxs0", 0.3)
        emu.phone_auto_answer("fxs2", 0.3)

        call = emu.place_call(CALLER, SIM[0])
        _answered(emu, call)
        emu.send_to_call(call["id"], dtmf="20261203#")
        route = "route front door > verify acct:vip > vipdesk"
        _route(box, route)
        wait_for(lambda: _talking(box), 20, what="the VIP desk answered")
        rec = _end(box, emu, call, "fxs2", route)
        assert hook.asked == [{"caller": CALLER, "line": "gsm0", "digits": "20261203",
                               "call_id": rec["id"]}]
        assert "20261203" not in box.output()

        hook.close()  # the hook is down now
        call = emu.place_call(CALLER, SIM[0])
        _answered(emu, call)
        emu.send_to_call(call["id"], dtmf="55556666#")
        route = "route front door > verify acct:later > reception"
        _route(box, route)
        wait_for(lambda: _talking(box), 20, what="the reception answered")
        _end(box, emu, call, "fxs0", route)
        assert box.stop() == 0
    finally:
        hook.close()
