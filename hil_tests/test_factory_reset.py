"""Factory reset and the dashboard's "calls now" on the running box: an agent set
unavailable with *62 and a call on record; the page's diagnosis from the box's own state;
the reset (the exact word only) clears the config, the records, the agents' state and the
owner; the box keeps running and the next call uses the fresh state, without a restart."""

from __future__ import annotations

import json

import pytest

from hil_tests.calls_rig import SIM, box_with, heard_tone, office, records
from hil_tests.pstn.testing import wait_for
from hil_tests.test_web_page import PASSWORD, Browser, _owner

pytestmark = pytest.mark.hil


def _dial_code(box, port: str, code: str) -> None:
    emu = box.emulator
    t = emu.phone_hook(port, "off").get("t") or 0.0
    wait_for(lambda: heard_tone(emu.phone_heard(port), 450, t - 0.5), 10, what="dial tone")
    t = emu.phone_dial(port, code)
    wait_for(lambda: heard_tone(emu.phone_heard(port), 1400, t), 10,
             what=f"confirmation tone for {code}")
    emu.phone_hook(port, "on")
    wait_for(lambda: box.status()["ports"][port] == "idle", 10, what=f"{port} idle")


def _answered_call(box) -> dict:
    """A call from a mobile, answered by whichever desk phone rings first; its record."""
    emu = box.emulator
    before = {r["id"] for r in records(box)}
    call = emu.place_call("+8613588888888", SIM[0])
    wait_for(lambda: emu.call(call["id"])["state"] == "active", 20, what="caller connected")
    port = wait_for(lambda: next((p["port"] for p in emu.phones() if p["hook"] == "off"),
                                 None), 5, what="the desk phone that answered")
    emu.phone_hook(port, "on")
    wait_for(lambda: emu.call(call["id"])["state"] == "ended", 10, what="caller released")
    return wait_for(lambda: next((r for r in records(box) if r["id"] not in before
                                  and r["result"] != "in_progress"), None), 20,
                    interval=0.1, what="the call record")


def _api(web: Browser, path: str) -> dict:
    code, text = web.get(path)
    assert code == 200, text
    return json.loads(text)


def test_reset_clears_records_agents_and_owner_on_the_running_box(tmp_path):
    config = office(members=("801", "802"))
    box = box_with(tmp_path, config)
    try:
        emu = box.emulator
        for port in ("fxs0", "fxs1"):
            emu.phone_auto_answer(port, 0.3)
        web = _owner(box)

        _dial_code(box, "fxs0", "*62")  # 801 unavailable by choice
        assert box.status()["agents"]["801"] is False
        assert _answered_call(box)["answered_by"] == "802"
        state = json.loads((box.data / "routing-state.json").read_text())
        assert state["unavailable"] == ["801"]

        # the dashboard's diagnosis, from the box's own lines and agents
        found = _api(web, "/api/diagnosis")
        assert found["office"]["state"] == "open" and found["outside_lines"] == 1
        assert "needs_second_line" in [f["code"] for f in found["findings"]]
        assert "手机、值班和转接链需要第二条线路" in web.get("/")[1]

        web.get("/system")
        code, page = web.post("/system/reset", {"confirm": "reset"})
        assert code == 422 and "请输入 RESET 以确认" in page
        assert box.status()["agents"]["801"] is False  # nothing happened
        code, _ = web.post("/system/reset", {"confirm": "RESET"})
        assert code == 303

        status = box.status()
        assert status["system"] == "ready" and status["agents"] == {}
        assert status["unavailable_since"] == {}
        assert records(box) == []
        state = json.loads((box.data / "routing-state.json").read_text())
        assert state == {"rotation": {}, "split": {}, "unavailable": [], "unavailable_since": {}}
        exported = json.loads(box.switchboard("config", "export").stdout)
        assert exported["extensions"] == [] and exported["ring_groups"] == []

        # the page is a first run again; the fresh box says every call is refused
        assert web.get("/")[0] == 303
        web.get("/setup")
        assert web.post("/setup", {"password": PASSWORD, "again": PASSWORD})[0] == 303
        found = _api(web, "/api/diagnosis")
        assert [f["code"] for f in found["findings"]] == ["no_open_hours"]

        # the same office imported again: 801 takes calls at once, no restart
        path = tmp_path / "again.json"
        path.write_text(json.dumps(config, ensure_ascii=False))
        assert box.switchboard("config", "import", str(path)).returncode == 0
        assert box.status()["agents"] == {a: True for a in box.status()["agents"]}
        assert box.status()["agents"]["801"] is True
        assert _answered_call(box)["answered_by"] == "801"
        assert len(records(box)) == 1
    finally:
        box.kill()
