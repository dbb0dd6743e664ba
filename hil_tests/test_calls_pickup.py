"""Call pickup and configurable dial-tone codes on the whole box against the emulator
(docs/feature-codes.md): a call ringing 801 in ring group "sales" is picked up on 802 with
*40 and talks both ways, the caller's call never drops; *41801 from 804 (in no group)
picks up the call ringing at 801; *40 with nothing ringing is the congestion tone; an
`available` code changed through the running box works at once and the old one no
longer does. One box for the module."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from hil_tests.boxrig import BoxProcess
from hil_tests.calls_rig import CALLER, SIM, box_with, heard_tone, office, records, ringing
from hil_tests.pstn.testing import wait_for


@pytest.fixture(scope="module")
def box(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BoxProcess]:
    config = office(members=("801", "802"), ring_time=40, total=120)
    config["ring_groups"][0]["name"] = config["inbound"]["ring_group"] = "sales"
    started = box_with(tmp_path_factory.mktemp("pickup"), config)
    yield started
    started.kill()


def _lift(box: BoxProcess, port: str) -> None:
    emu = box.emulator
    wait_for(lambda: box.status()["ports"][port] == "idle", 10, what=f"{port} idle")
    t = emu.phone_hook(port, "off").get("t") or 0.0
    wait_for(lambda: heard_tone(emu.phone_heard(port), 450, t - 0.5), 10,
             what=f"dial tone on {port}")


def _hang_up(box: BoxProcess, port: str) -> None:
    box.emulator.phone_hook(port, "on")
    wait_for(lambda: box.status()["ports"][port] == "idle", 10, what=f"{port} idle")


def _ring_801(box: BoxProcess) -> dict:
    emu = box.emulator
    call = emu.place_call(CALLER, SIM[0])
    wait_for(lambda: ringing(emu, "fxs0"), 10, what="801 rings")
    return call


def _congestion(heard: dict, after: float) -> bool:
    """450 Hz in bursts of 0.7 s (not the busy tone's 0.35 s, not a steady dial tone)."""
    return any(abs(tone["hz"] - 450) < 14 and tone["t_start"] > after
               and 0.55 < tone["t_end"] - tone["t_start"] < 0.85
               for tone in heard.get("tones", []))


def _record(box: BoxProcess, answered_by: str) -> dict:
    return wait_for(lambda: next((r for r in records(box) if r["result"] == "answered"
                                  and r["answered_by"] == answered_by), None),
                    20, interval=0.3, what=f"the record answered by {answered_by}")


def test_group_pickup_talks_both_ways_and_the_record_names_the_picker(box) -> None:
    emu = box.emulator
    call = _ring_801(box)
    _lift(box, "fxs1")
    emu.phone_dial("fxs1", "*40")
    wait_for(lambda: emu.call(call["id"])["state"] == "active", 15, what="the caller answered")
    assert not ringing(emu, "fxs0")
    talking = wait_for(lambda: next((c for c in box.status()["calls"]
                                     if c["state"] == "talking"), None), 10, what="talking")
    assert talking["talking_with"] == "802 Desk 2"
    t = emu.send_to_call(call["id"], tone_hz=1000, ms=400)
    wait_for(lambda: heard_tone(emu.phone_heard("fxs1"), 1000, t), 10, what="802 hears")
    t = emu.phone_send("fxs1", tone_hz=1400, ms=400)
    wait_for(lambda: heard_tone(emu.call_heard(call["id"]), 1400, t), 10,
             what="the caller hears 802")
    assert emu.call(call["id"])["state"] == "active"  # never dropped
    _hang_up(box, "fxs1")
    rec = _record(box, "802")
    assert rec["agent_id"] == "802"
    assert [(leg["target"], leg["target_kind"], leg["outcome"]) for leg in rec["legs"]] == \
        [("801", "extension", "picked_up"), ("802", "pickup", "answered")]
    assert rec["legs"][1]["cause"] == "picked up from 801"
    assert rec["legs"][1]["group"] == "sales" and rec["legs"][1]["agent"] == "Desk 2"


def test_directed_pickup_and_nothing_to_pick_up(box) -> None:
    emu = box.emulator
    _lift(box, "fxs2")  # nothing rings: the congestion tone (450 Hz, 0.7 s on, 0.7 s off)
    t = emu.phone_dial("fxs2", "*40")
    wait_for(lambda: _congestion(emu.phone_heard("fxs2"), t), 10, what="the congestion tone")
    _hang_up(box, "fxs2")

    call = _ring_801(box)
    _lift(box, "fxs3")  # 804 is in no ring group: *40 finds nothing, *41801 takes it
    emu.phone_dial("fxs3", "*41801")
    wait_for(lambda: emu.call(call["id"])["state"] == "active", 15, what="the caller answered")
    assert not ringing(emu, "fxs0")
    t = emu.send_to_call(call["id"], tone_hz=1000, ms=400)
    wait_for(lambda: heard_tone(emu.phone_heard("fxs3"), 1000, t), 10, what="804 hears")
    emu.hangup(call["id"])
    wait_for(lambda: heard_tone(emu.phone_heard("fxs3"), 450, t), 10, what="busy tone")
    _hang_up(box, "fxs3")
    assert _record(box, "804")["legs"][-1]["target_kind"] == "pickup"


def test_a_changed_available_code_works_at_once_and_the_old_one_does_not(box, tmp_path) -> None:
    emu = box.emulator
    config = json.loads(box.switchboard("config", "export").stdout)
    config["feature_codes"] = {**config.get("feature_codes", {}),
                               "available": "*71", "unavailable": "*72"}
    path = tmp_path / "codes.json"
    path.write_text(json.dumps(config, ensure_ascii=False))
    done = box.switchboard("config", "import", str(path))
    assert done.returncode == 0, done.stderr

    def dial(code: str) -> float:
        _lift(box, "fxs0")
        return emu.phone_dial("fxs0", code)

    t = dial("*62")  # the old code: not a feature code any more (vacant tone)
    wait_for(lambda: heard_tone(emu.phone_heard("fxs0"), 450, t), 10, what="a refusal tone")
    assert heard_tone(emu.phone_heard("fxs0"), 1400, t) is None
    _hang_up(box, "fxs0")
    assert box.status()["agents"]["801"] is True
    t = dial("*72")
    wait_for(lambda: heard_tone(emu.phone_heard("fxs0"), 1400, t), 10, what="confirmation")
    _hang_up(box, "fxs0")
    assert box.status()["agents"]["801"] is False
    t = dial("*71")
    wait_for(lambda: heard_tone(emu.phone_heard("fxs0"), 1400, t), 10, what="confirmation")
    _hang_up(box, "fxs0")
    assert box.status()["agents"]["801"] is True
    assert box.stop() == 0
