"""Agents are people with ids (issue 9 §3), end to end: a VIP whose network sends the
national form of their number, call records naming agents by id, and `route explain`
reading the running box's agent state (*62, the rotation) without advancing it."""

from __future__ import annotations

import json

import pytest

from hil_tests.calls_rig import SIM, box_with, heard_tone, office, records, wait_done_with
from hil_tests.pstn.testing import wait_for

pytestmark = pytest.mark.no_web_page  # none of these tests opens the page

VIP_NATIONAL = "13911112222"  # as a Chinese network often sends +8613911112222 in +CLIP
VIP = "+8613911112222"
OTHER = "+8613677777777"


def _call(box, caller: str) -> dict:
    """Place a call, let the desk phone that answers hang up; the finished record."""
    emu = box.emulator
    before = {r["id"] for r in records(box)}
    call = emu.place_call(caller, SIM[0])
    wait_for(lambda: emu.call(call["id"])["state"] == "active", 20, what="caller connected")
    port = wait_for(lambda: next((p["port"] for p in emu.phones() if p["hook"] == "off"),
                                 None), 5, what="the desk phone that answered")
    emu.phone_hook(port, "on")
    wait_for(lambda: emu.call(call["id"])["state"] == "ended", 10, what="caller released")
    wait_done_with(box, port)
    return wait_for(lambda: next((r for r in records(box) if r["id"] not in before
                                  and r["result"] != "in_progress"), None),
                    10, interval=0.1, what="the call's record")


def _auto_answer(emu) -> None:
    for port in ("fxs0", "fxs1", "fxs2", "fxs3"):
        emu.phone_auto_answer(port, 0.3)


def _explain(box, caller: str = OTHER) -> tuple[dict, str]:
    ask = ("route", "explain", "--line", "gsm0", "--caller", caller)
    as_json, as_text = box.switchboard(*ask, "--json"), box.switchboard(*ask)
    assert as_json.returncode == 0 and as_text.returncode == 0, as_json.stderr + as_text.stderr
    return json.loads(as_json.stdout), as_text.stdout


def _dial_code(box, port: str, code: str) -> None:
    emu = box.emulator
    t = emu.phone_hook(port, "off").get("t") or 0.0
    wait_for(lambda: heard_tone(emu.phone_heard(port), 450, t - 0.5), 10, what="dial tone")
    t = emu.phone_dial(port, code)
    wait_for(lambda: heard_tone(emu.phone_heard(port), 1400, t), 10,
             what=f"confirmation tone for {code}")
    emu.phone_hook(port, "on")
    wait_for(lambda: box.status()["ports"][port] == "idle", 10, what=f"{port} idle")


def test_a_vip_calling_in_national_form_rings_the_vip_desk_first(tmp_path, boxes):
    config = office(members=("801", "802"))
    config["vip"] = {"numbers": [VIP], "targets": ["803"], "ring_time": 10}
    box = box_with(tmp_path, config)
    boxes.append(box)
    _auto_answer(box.emulator)
    vip = _call(box, VIP_NATIONAL)
    assert vip["caller"] == VIP_NATIONAL and vip["e164"] == VIP
    assert vip["answered_by"] == "803" and vip["agent_id"] == "803"
    assert vip["route"].startswith("preferred")
    assert [(leg["target"], leg["agent_id"]) for leg in vip["legs"]] == [("803", "803")]
    other = _call(box, OTHER)
    assert other["answered_by"] == "801" and other["legs"][0]["groups"] == ["desk"]
    assert box.stop() == 0


def test_explain_reads_the_boxs_rotation_and_who_set_themselves_unavailable(tmp_path, boxes):
    config = office(members=("801", "802", "803"))
    config["ring_groups"][0]["strategy"] = "rotating"
    box = box_with(tmp_path, config)
    boxes.append(box)
    _auto_answer(box.emulator)
    assert _call(box, OTHER)["answered_by"] == "801"  # call 1 starts at member 1
    for _ in range(2):  # asking twice advances nothing
        doc, text = _explain(box)
        assert doc["agent_state"]["source"] == "box"
        assert doc["targets"][:3] == ["802", "803", "801"]
        assert "call starts at member 2 of 3" in text and "rings first: 802" in text
    _dial_code(box, "fxs0", "*62")  # 801: unavailable
    doc, text = _explain(box)
    assert doc["agent_state"]["unavailable"] == ["801"]
    assert "801" not in doc["targets"] and doc["targets"][:2] == ["802", "803"]
    assert "801 is unavailable (R12), not rung" in text
    _auto_answer(box.emulator)
    again = _call(box, OTHER)
    assert again["answered_by"] == "802" and [leg["target"] for leg in again["legs"]] == ["802"]
    assert box.stop() == 0
    stopped, text = _explain(box)  # no box: a fresh state, and it says so
    assert stopped["agent_state"]["source"] == "fresh" and stopped["targets"][0] == "801"
    assert "agent state: fresh (the box is not running)" in text
