"""Call pickup (calls/pickup.py, routing/pickup.py): *40 takes the call ringing longest in
one of my ring groups, *41 + extension the call ringing there; the caller is answered and
bridged to the picker, the ringing phone stops, the record has a pickup leg; a race with
the ringing phone being lifted gives the call to exactly one; nothing to pick up is the
congestion tone. On the call core with fake lines and the real records store."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from pathlib import Path

from firmware.calls.desk import desk_call
from firmware.calls.inbound import inbound_call
from firmware.calls.legs import DeskLeg, OutsideLeg
from firmware.config.schema import GroupMember, RingGroup, Strategy
from firmware.lines.model import DeskOffHook
from firmware.routing.pickup import Ringing, agent_groups, choose_pickup
from tests.calls.rig import CALLER, Rig, office, until
from tests.routing.helpers import config_with, example_dict


def _run(scenario) -> None:
    asyncio.run(asyncio.wait_for(scenario(), 60))


def _ring_in(rig: Rig, line: str = "gsm0") -> OutsideLeg:
    gsm = rig.gsm[line]
    leg = OutsideLeg(gsm, gsm.ring(CALLER))
    rig.core.owners[line] = leg
    rig.core.spawn(f"inbound {CALLER}", inbound_call(rig.core, leg), leg)
    return leg


def _ringing(rig: Rig, port: str) -> DeskLeg | None:
    leg = rig.core.owners.get(port)
    return leg if isinstance(leg, DeskLeg) and rig.fxs[port].state == "ringing" else None


def _lift(rig: Rig, port: str, number: str) -> DeskLeg:
    desk = DeskLeg(rig.fxs[port], number, offhook=True)
    rig.fxs[port].state = "offhook"
    rig.core._own(desk)
    rig.core.spawn(f"desk call from {port}", desk_call(rig.core, desk), desk)
    return desk


def _dial(rig: Rig, port: str, digits: str) -> None:
    for digit in digits:
        rig.core.digit_queue(port).put_nowait(digit)


def _talking(rig: Rig) -> dict | None:
    return next((c for c in rig.core.status() if c["state"] == "talking"), None)


async def _picked_up(rig: Rig, code: str, picker: tuple[str, str] = ("fxs1", "802")
                     ) -> DeskLeg:
    """A call rings 801 (fxs0); `picker` lifts and dials `code`; the call is bridged."""
    _ring_in(rig)
    await until(lambda: _ringing(rig, "fxs0"), "801 rings")
    _lift(rig, *picker)
    _dial(rig, picker[0], code)
    await until(lambda: _talking(rig), "the call is bridged to the picker")
    taken = rig.core.owners[picker[0]]
    assert isinstance(taken, DeskLeg) and taken.pickup is not None
    return taken


def test_a_group_member_picks_up_the_call_ringing_at_a_colleague(tmp_path: Path) -> None:
    async def scenario() -> None:
        rig = Rig(tmp_path, office(members=("801", "802")))
        taken = await _picked_up(rig, "*40")
        assert rig.fxs["fxs0"].state == "idle" and "fxs0" not in rig.core.owners
        assert taken.name == "fxs1" and taken.number == "802" and taken.answered
        call = _talking(rig)
        assert call["talking_with"] == "802 Desk 2" and call["legs"] == ["gsm0", "fxs1"]
        assert rig.gsm["gsm0"].call is not None and rig.gsm["gsm0"].call.answered
        assert rig.core.agents.answered_on["802"][1] == 1 and "801" not in \
            rig.core.agents.answered_on
        rig.fxs["fxs1"].state = "idle"
        taken.on_onhook()
        await until(lambda: rig.calls() and rig.calls()[-1]["result"] != "in_progress",
                    "the record")
        rec = rig.calls()[-1]
        assert rec["result"] == "answered" and rec["answered_by"] == "802"
        assert rec["agent_id"] == "802"
        legs = [(leg["target"], leg["target_kind"], leg["outcome"], leg["cause"],
                 leg["agent_id"], leg["line"]) for leg in rec["legs"]]
        assert legs == [("801", "extension", "picked_up", "picked up by 802", "801", "fxs0"),
                        ("802", "pickup", "answered", "picked up from 801", "802", "fxs1")]
        assert rec["legs"][1]["agent"] == "Desk 2" and rec["legs"][1]["group"] == "desk"
        rig.close()

    _run(scenario)


def test_directed_pickup_takes_the_call_ringing_at_that_extension(tmp_path: Path) -> None:
    async def scenario() -> None:
        rig = Rig(tmp_path, office(members=("801",)))  # 804 shares no group with 801
        taken = await _picked_up(rig, "*41801", picker=("fxs3", "804"))
        assert taken.pickup.directed and taken.pickup.rang_at == "801"
        assert _talking(rig)["talking_with"] == "804 Desk 4"
        rig.close()

    _run(scenario)


async def _nothing(rig: Rig, code: str, port: str = "fxs1", number: str = "802") -> None:
    desk = _lift(rig, port, number)
    _dial(rig, port, code)
    await until(lambda: (port, "congestion") in rig.audio.tones, "the congestion tone")
    rig.fxs[port].state = "idle"
    desk.on_onhook()
    await until(lambda: port not in rig.core.owners, f"{port} free")


def test_nothing_to_pick_up_is_the_congestion_tone(tmp_path: Path) -> None:
    async def scenario() -> None:
        rig = Rig(tmp_path, office(members=("801", "802")))
        await _nothing(rig, "*40")  # nothing rings at all
        _ring_in(rig)
        await until(lambda: _ringing(rig, "fxs0"), "801 rings")
        await _nothing(rig, "*40", "fxs3", "804")  # 804 is in no ring group
        await _nothing(rig, "*41802", "fxs3", "804")  # 802 does not ring
        assert _ringing(rig, "fxs0") is not None  # the call rings on, untouched
        assert rig.calls()[-1]["result"] == "in_progress"
        rig.close()

    _run(scenario)


def test_the_ringing_phone_answering_first_keeps_the_call(tmp_path: Path) -> None:
    async def scenario() -> None:
        rig = Rig(tmp_path, office(members=("801", "802")))
        _ring_in(rig)
        await until(lambda: _ringing(rig, "fxs0"), "801 rings")
        ringing = _ringing(rig, "fxs0")
        picker = _lift(rig, "fxs1", "802")
        rig.fxs["fxs0"].state = "offhook"  # 801 lifts in the same instant, seen first
        ringing.on_offhook()
        _dial(rig, "fxs1", "*40")
        await until(lambda: ("fxs1", "congestion") in rig.audio.tones, "nothing to pick up")
        await until(lambda: _talking(rig), "801 talks")
        assert _talking(rig)["talking_with"] == "801 Desk 1"
        assert rig.core.owners["fxs0"] is ringing and ringing.pickup is None
        rig.fxs["fxs1"].state = "idle"
        picker.on_onhook()
        rig.close()

    _run(scenario)


def test_the_pickup_first_leaves_the_ringing_phone_a_fresh_dial_tone(tmp_path: Path) -> None:
    async def scenario() -> None:
        rig = Rig(tmp_path, office(members=("801", "802")))
        taken = await _picked_up(rig, "*40")
        # 801's handset comes up a moment after: the call is gone from it, dial tone
        rig.fxs["fxs0"].state = "offhook"
        rig.core._on_offhook(DeskOffHook("fxs0", 0.0, while_ringing=False))
        await until(lambda: ("fxs0", "dial") in rig.audio.tones, "801 hears dial tone")
        assert rig.core.owners["fxs0"] is not taken and rig.core.owners["fxs1"] is taken
        assert _talking(rig)["talking_with"] == "802 Desk 2"
        rig.close()

    _run(scenario)


def test_taking_over_twice_gives_the_call_once(tmp_path: Path) -> None:
    """Two phones dial *40 for one ringing call: the first takes it, the second hears
    the congestion tone."""
    async def scenario() -> None:
        rig = Rig(tmp_path, office(members=("801", "802", "803")))
        _ring_in(rig)
        await until(lambda: _ringing(rig, "fxs0"), "801 rings")
        _lift(rig, "fxs1", "802")
        _lift(rig, "fxs2", "803")
        _dial(rig, "fxs1", "*40")
        _dial(rig, "fxs2", "*40")
        await until(lambda: _talking(rig), "bridged")
        await until(lambda: any(t == ("fxs1", "congestion") or t == ("fxs2", "congestion")
                                for t in rig.audio.tones), "the other one: congestion")
        winners = [p for p in ("fxs1", "fxs2")
                   if getattr(rig.core.owners.get(p), "pickup", None) is not None]
        assert len(winners) == 1
        rig.close()

    _run(scenario)


def test_a_ring_all_call_picked_up_stops_the_other_phones(tmp_path: Path) -> None:
    async def scenario() -> None:
        config = office(members=("801", "802"))
        desk = replace(config.ring_groups[0], strategy=Strategy.RING_ALL)
        everyone = RingGroup(name="all", members=tuple(GroupMember(n) for n in
                                                       ("801", "802", "803")))
        rig = Rig(tmp_path, replace(config, ring_groups=(desk, everyone)))
        _ring_in(rig)
        await until(lambda: _ringing(rig, "fxs0") and _ringing(rig, "fxs1"), "both ring")
        _lift(rig, "fxs2", "803")
        _dial(rig, "fxs2", "*40")
        await until(lambda: _talking(rig), "bridged to 803")
        await until(lambda: rig.fxs["fxs0"].state == rig.fxs["fxs1"].state == "idle",
                    "801 and 802 stop ringing")
        taken = rig.core.owners["fxs2"]
        assert _talking(rig)["talking_with"] == "803 Desk 3"
        rig.fxs["fxs2"].state = "idle"
        taken.on_onhook()
        await until(lambda: rig.calls()[-1]["result"] != "in_progress", "the record")
        legs = sorted((leg["target"], leg["outcome"]) for leg in rig.calls()[-1]["legs"])
        rang_at = taken.pickup.rang_at
        other = "802" if rang_at == "801" else "801"
        assert legs == sorted([(rang_at, "picked_up"), (other, "cancelled"),
                               ("803", "answered")])
        rig.close()

    _run(scenario)


def test_an_internal_call_ringing_a_colleague_is_picked_up(tmp_path: Path) -> None:
    async def scenario() -> None:
        rig = Rig(tmp_path, office(members=("801", "802", "803")))
        caller = _lift(rig, "fxs3", "804")
        _dial(rig, "fxs3", "801")
        await until(lambda: _ringing(rig, "fxs0"), "801 rings for 804")
        _lift(rig, "fxs1", "802")
        _dial(rig, "fxs1", "*40")
        await until(lambda: _talking(rig), "804 talks to 802")
        talking = rig.core.agents.talking
        assert talking.get("802") == 1 and not talking.get("801")  # the picker talks
        rig.fxs["fxs3"].state = "idle"
        caller.on_onhook()
        await until(lambda: rig.calls() and rig.calls()[-1]["result"] != "in_progress",
                    "the record")
        rec = rig.calls()[-1]
        assert rec["direction"] == "internal" and rec["answered_by"] == "802"
        assert [(leg["target"], leg["outcome"]) for leg in rec["legs"]] == \
            [("801", "picked_up"), ("802", "answered")]
        rig.close()

    _run(scenario)


def test_a_caller_leaving_as_the_call_is_picked_up_is_recorded_so(tmp_path: Path) -> None:
    async def scenario() -> None:
        rig = Rig(tmp_path, office(members=("801", "802")))
        _ring_in(rig)
        await until(lambda: _ringing(rig, "fxs0"), "801 rings")
        picker = _lift(rig, "fxs1", "802")
        gsm = rig.gsm["gsm0"]

        async def gone() -> None:  # the caller hangs up as the box answers
            gsm.end("normal")
            raise RuntimeError("no call to answer")

        gsm.answer = gone
        _dial(rig, "fxs1", "*40")
        await until(lambda: rig.calls() and rig.calls()[-1]["result"] != "in_progress",
                    "the record")
        rec = rig.calls()[-1]
        assert rec["result"] == "abandoned" and rec["answered_by"] == ""
        assert [(leg["target"], leg["target_kind"], leg["outcome"], leg["line"])
                for leg in rec["legs"]][-2:] == [("801", "extension", "picked_up", "fxs0"),
                                                 ("802", "pickup", "cancelled", "fxs1")]
        rig.fxs["fxs1"].state = "idle"
        picker.on_onhook()
        rig.close()

    _run(scenario)


# --- which call (routing/pickup.py) ---------------------------------------------------


def _groups_config():
    raw = example_dict()
    groups = [{"name": "sales", "members": ["801", {"group": "north"}]},
              {"name": "north", "members": ["802"]},
              {"name": "support", "members": ["803", "804"]}]
    return config_with(ring_groups=groups, inbound={"ring_group": "sales"},
                       routes=[], extensions=raw["extensions"])


def test_an_extension_rings_in_the_groups_that_nest_its_group() -> None:
    config = _groups_config()
    assert agent_groups(config, "802") == {"sales", "north"}
    assert agent_groups(config, "801") == {"sales"}


def test_the_longest_ringing_call_in_my_groups_first() -> None:
    config = _groups_config()
    ringing = [Ringing("803", 5.0, "c"), Ringing("802", 3.0, "b"), Ringing("801", 1.0, "a")]
    assert choose_pickup(config, "804", ringing).ringing.key == "c"  # support only
    choice = choose_pickup(config, "801", ringing)
    assert choice.ringing.key == "b" and choice.groups == ("sales",)
    assert choose_pickup(config, "802", ringing).ringing.key == "a"


def test_directed_pickup_ignores_groups_and_nothing_is_none() -> None:
    config = _groups_config()
    ringing = [Ringing("803", 5.0, "c")]
    assert choose_pickup(config, "801", ringing, directed="803").ringing.key == "c"
    assert choose_pickup(config, "801", ringing, directed="804").ringing is None
    assert choose_pickup(config, "801", ringing).ringing is None
    assert choose_pickup(config, "801", []).reason.startswith("nothing rings")
