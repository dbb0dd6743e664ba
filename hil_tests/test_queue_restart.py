"""The hold queue's expected wait survives a restart (issue 12), on the whole box: a
queued caller talks with the member, the box stops and starts again, and the next
caller who waits is given the same handling time and expected wait as before.

The emulator runs on its own (as the network does), so the box can stop and start
while the world goes on (as hil_tests/test_box_recovery.py does)."""

from __future__ import annotations

import json
import time

import pytest

from firmware.calls.hold_queue import DEFAULT_HANDLE_S
from hil_tests.boxrig import start_box, wait_gsm_state
from hil_tests.calls_rig import CALLER, SIM, office, wait_record
from hil_tests.pstn.testing import FAST, wait_for

pytestmark = pytest.mark.hil

SECOND, THIRD = "+8613700000007", "+8613600000006"


def _config() -> dict:
    config = office(members=("801",), ring_time=8, forward_chain=())
    config["schema_version"] = 2
    config["ring_groups"].append({"name": "sales", "members": ["802"], "ring_time": 8,
                                  "total_ring_time": 20})
    config["plans"] = [{"name": "hold", "steps": [
        {"id": "q", "do": "queue", "queue": {"group": "sales", "announce_every_s": 30,
                                             "max_wait_s": 120}}]}]
    config["routes"] = [{"name": "all", "to": "plan:hold"}]
    return config


def _start(tmp_path, emu, boxes):
    box = start_box(tmp_path / "data", "sim", emulator_rundir=emu.rundir)
    boxes.append(box)
    wait_gsm_state(box, "ready", timeout=40)
    return box


def _queue(box) -> dict | None:
    queues = box.status().get("queues") or []
    return queues[0] if queues and queues[0]["waiting"] else None


def _estimate_while_waiting(box, client, caller: str) -> tuple[float, int]:
    """`caller` waits (802 is on the phone): the queue's handling time and its wait."""
    call = client.place_call(caller, SIM[0])
    queue = wait_for(lambda: _queue(box), 20, what=f"{caller} waits in the queue")
    client.hangup(call["id"])
    wait_record(box, 30, caller=caller, result="abandoned")
    return queue["handle_s"], queue["waiting"][0]["expected_wait_s"]


def test_a_restarted_box_gives_the_expected_wait_it_gave_before(
        tmp_path, emulator_factory, boxes):
    emu = emulator_factory("sim", **FAST)
    client = emu.client
    box = _start(tmp_path, emu, boxes)
    path = tmp_path / "office.json"
    path.write_text(json.dumps(_config(), ensure_ascii=False))
    assert box.switchboard("config", "import", str(path)).returncode == 0

    client.phone_auto_answer("fxs1", 0.3)  # 802 takes the first caller
    call = client.place_call(CALLER, SIM[0])
    wait_for(lambda: any(c.get("state") == "talking" for c in box.status()["calls"]), 30,
             what="802 talks with the first caller")
    time.sleep(3.0)  # the talk whose length the queue learns (not a timed assertion)
    client.hangup(call["id"])
    served = wait_record(box, 30, caller=CALLER, result="answered")
    [leg] = [leg for leg in served["legs"] if leg["outcome"] == "answered"]
    assert leg["group"] == "sales" and leg["talk_s"] >= 3.0

    client.phone_auto_answer("fxs1", None)
    client.phone_hook("fxs1", "off")  # 802 is on the phone: the next caller waits
    before = _estimate_while_waiting(box, client, SECOND)
    assert before[0] == pytest.approx(leg["talk_s"], abs=0.06)  # the talk it learnt
    assert before[0] != DEFAULT_HANDLE_S
    assert box.stop() == 0

    box = _start(tmp_path, emu, boxes)
    after = _estimate_while_waiting(box, client, THIRD)
    assert after == before
    assert box.stop() == 0
    client.phone_hook("fxs1", "on")
