"""The whole box recovers its line (issue 9 §5): kill -9 during a call and start
again, the call the modem kept is ended and the line reads ready only after;
a SIM PIN set while the box runs is used without a restart.

The emulator runs on its own here (as the modem and the network do), so the box
can die and come back while the world goes on.
"""

from __future__ import annotations

import json

import pytest

from hil_tests.boxrig import start_box, wait_gsm_state
from hil_tests.calls_rig import CALLER, SIM, office, ringing
from hil_tests.pstn.testing import FAST, wait_for

pytestmark = [pytest.mark.hil, pytest.mark.no_web_page]  # none opens the page


def _import(box, tmp_path, config: dict, name: str = "office.json"):
    path = tmp_path / name
    path.write_text(json.dumps(config, ensure_ascii=False))
    return box.switchboard("config", "import", str(path))


def _box(tmp_path, emu, boxes):
    box = start_box(tmp_path / "data", "sim", emulator_rundir=emu.rundir)
    boxes.append(box)
    return box


def test_kill_9_during_a_call_then_restart_ends_the_call_before_ready(
        tmp_path, emulator_factory, boxes):
    emu = emulator_factory("sim", **FAST)
    client = emu.client
    box = _box(tmp_path, emu, boxes)
    assert _import(box, tmp_path, office()).returncode == 0
    wait_gsm_state(box, "ready")
    call = client.place_call(CALLER, SIM[0])
    wait_for(lambda: ringing(client, "fxs0"), 15, what="fxs0 rings")
    client.phone_hook("fxs0", "off")
    wait_for(lambda: client.call(call["id"])["state"] == "active", 15, what="call answered")

    box.kill()  # kill -9: no hang-up reaches the modem
    assert client.call(call["id"])["state"] == "active"  # the modem kept it up
    client.phone_hook("fxs0", "on")

    again = start_box(tmp_path / "data", "sim", emulator_rundir=emu.rundir, wait_ready=False)
    boxes.append(again)
    seen: list[tuple[str, str]] = []

    def ready_seen():
        gsm = again.status()["gsm"].get("gsm0") if _running(again) else None
        if gsm is None:
            return None
        seen.append((gsm["state"], client.call(call["id"])["state"]))
        return gsm["state"] == "ready"

    wait_for(ready_seen, 40, interval=0.1, what="gsm0 ready after the restart")
    assert client.call(call["id"])["state"] == "ended"
    assert client.call(call["id"])["ended_by"] == "box"
    assert all(call_state == "ended" for state, call_state in seen if state == "ready")
    again.wait_output(r"was left up on the modem; ending it")
    assert again.status()["gsm"]["gsm0"]["in_call"] is False
    assert again.stop() == 0


def _running(box) -> bool:
    return box.cli("status").returncode == 0


def test_a_sim_pin_set_while_the_box_runs_is_used_at_once(tmp_path, emulator_factory, boxes):
    emu = emulator_factory("sim", **FAST)
    client = emu.client
    mid = emu.modems[0]
    client.modem_sim(mid, "pin", pin="2468")
    box = _box(tmp_path, emu, boxes)
    config = office()
    assert _import(box, tmp_path, config).returncode == 0
    gsm = wait_gsm_state(box, "pin_required")
    assert gsm["sim"] == "pin"

    config["lines"]["gsm"][0]["sim_pin"] = "1111"  # wrong: tried once, then never again
    assert _import(box, tmp_path, config, "wrong.json").returncode == 0
    wait_for(lambda: client.modem(mid)["pin_left"] == 2, 15, what="the wrong PIN tried")
    gsm = wait_for(lambda: _refused(box), 15, what="status says the PIN was refused")
    assert gsm["state"] == "pin_required" and gsm["reason_code"] == "sim_pin_refused"
    config["settings"]["company_name"] = "另一个名字"  # another change, same wrong PIN
    assert _import(box, tmp_path, config, "again.json").returncode == 0
    box.wait_output(r"configuration changed")
    assert client.modem(mid)["pin_left"] == 2

    config["lines"]["gsm"][0]["sim_pin"] = "2468"
    assert _import(box, tmp_path, config, "right.json").returncode == 0
    wait_gsm_state(box, "ready", timeout=30)
    assert client.modem(mid)["sim"] == "ready"
    assert box.stop() == 0


def _refused(box) -> dict | None:
    gsm = box.status()["gsm"]["gsm0"]
    return gsm if "refused" in gsm["reason"] else None


def test_a_full_width_pin_is_refused_and_the_line_keeps_waiting(
        tmp_path, emulator_factory, boxes):
    emu = emulator_factory("sim", **FAST)
    emu.client.modem_sim(emu.modems[0], "pin")
    box = _box(tmp_path, emu, boxes)
    config = office()
    assert _import(box, tmp_path, config).returncode == 0
    wait_gsm_state(box, "pin_required")
    config["lines"]["gsm"][0]["sim_pin"] = "１２３４"
    refused = _import(box, tmp_path, config, "fullwidth.json")
    assert refused.returncode != 0 and "lines.gsm[0].sim_pin" in refused.stderr
    assert "Traceback" not in refused.stderr
    assert box.status()["gsm"]["gsm0"]["state"] == "pin_required"
    assert emu.client.modem(emu.modems[0])["pin_left"] == 3
    assert box.stop() == 0
