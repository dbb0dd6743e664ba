"""Missed-call notices for the calls a crash left open, on the whole box (issue 12):
kill -9 while a call rings, start again, and the owner gets the missed-call SMS through
the box's modem, once; a call answered when the box died is never told.

The emulator runs on its own (as the network does), so the box can die and come back
while the world goes on (as hil_tests/test_box_recovery.py does)."""

from __future__ import annotations

import json

import pytest

from hil_tests.boxrig import start_box, wait_gsm_state
from hil_tests.calls_rig import CALLER, SIM, office, ringing
from hil_tests.pstn.testing import FAST, wait_for

pytestmark = pytest.mark.hil

OWNER = "+8613800000999"
TAKEN = "+8613700000007"


def _config() -> dict:
    config = office(ring_time=30, total=60)
    config["schema_version"] = 2
    config["notifications"] = {"sms_numbers": [OWNER], "missed_calls": {"sms": True},
                               "batch_seconds": 0}
    return config


def _start(tmp_path, emu, boxes):
    box = start_box(tmp_path / "data", "sim", emulator_rundir=emu.rundir)
    boxes.append(box)
    wait_gsm_state(box, "ready", timeout=40)
    return box


def _outbox(box) -> dict:
    done = box.switchboard("notifications", "--json")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def _owner_sms(emu, modem: str) -> list[dict]:
    return [s for s in emu.modem_sms(modem)["sent"] if s["to"] == OWNER]


def test_a_call_ringing_at_a_kill_9_is_told_once_and_an_answered_one_never(
        tmp_path, emulator_factory, boxes):
    emu = emulator_factory("sim", **FAST)
    client = emu.client
    modem = emu.modems[0]
    box = _start(tmp_path, emu, boxes)
    path = tmp_path / "office.json"
    path.write_text(json.dumps(_config(), ensure_ascii=False))
    assert box.switchboard("config", "import", str(path)).returncode == 0

    # answered at 801 when the box dies: never told
    taken = client.place_call(TAKEN, SIM[0])
    wait_for(lambda: ringing(client, "fxs0"), 15, what="fxs0 rings for the first call")
    client.phone_hook("fxs0", "off")
    wait_for(lambda: client.call(taken["id"])["state"] == "active", 15, what="answered")
    wait_for(lambda: [c for c in box.status()["calls"] if c["state"] == "talking"], 15,
             what="the box bridged the call (who answered is in its record)")
    box.kill()
    client.hangup(taken["id"])
    client.phone_hook("fxs0", "on")
    box = _start(tmp_path, emu, boxes)
    outbox = _outbox(box)  # the start told what it found before it was ready
    assert outbox["missed_waiting"] == 0 and outbox["pending"] == [] and outbox["sent"] == []

    # ringing when the box dies: told at the next start
    call = client.place_call(CALLER, SIM[0])
    wait_for(lambda: ringing(client, "fxs0"), 15, what="fxs0 rings for the second call")
    box.kill()
    client.hangup(call["id"])
    box = _start(tmp_path, emu, boxes)
    [sms] = wait_for(lambda: _owner_sms(client, modem), 30, what="the owner's SMS")
    assert sms["text"].startswith("[测试公司] 未接来电1个：")
    assert f"{CALLER}(浙江省杭州市)" in sms["text"] and TAKEN not in sms["text"]
    wait_for(lambda: len(_outbox(box)["sent"]) == 1, 15, what="the SMS listed as sent")
    assert box.stop() == 0

    box = _start(tmp_path, emu, boxes)  # a clean restart tells nothing again
    outbox = _outbox(box)
    assert outbox["missed_waiting"] == 0 and outbox["pending"] == []
    assert len(outbox["sent"]) == 1 and len(_owner_sms(client, modem)) == 1
    records = json.loads(box.switchboard("records", "--json").stdout)
    assert box.stop() == 0
    results = {r["caller"]: (r["result"], r["end_reason"]) for r in records}
    assert results[CALLER] == ("interrupted", "box_restart")
    assert results[TAKEN] == ("answered", "box_restart")
