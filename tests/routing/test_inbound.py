"""plan_inbound: open and closed, one and two lines, forward chain, duty, reasons."""

from __future__ import annotations

from firmware.routing import (
    DONE,
    Duty,
    Exit,
    ForwardChain,
    Hangup,
    HangupCause,
    Plan,
    RingGroup,
    RingStep,
    TargetKind,
    check_plan,
    explain,
    plan_inbound,
    planned_rings,
)
from firmware.routing.plan import Target
from tests.routing.helpers import config_with, example, example_dict, sh

CALLER = "+8613800000000"
MONDAY_10 = sh(2, 10, 0)
MONDAY_20 = sh(2, 20, 0)


def kinds(plan: Plan) -> list[str]:
    return [step.kind for step in plan]


def ids(step: RingStep) -> list[str]:
    return [t.id for t in step.targets]


def outside_targets(plan: Plan) -> list[Target]:
    return [t for s in plan if isinstance(s, RingStep) for t in s.targets if t.outside]


def test_open_two_lines_rings_the_group_in_order_then_the_forward_chain() -> None:
    plan = plan_inbound(example(), "gsm0", CALLER, MONDAY_10, outside_lines=2)
    check_plan(plan)
    assert kinds(plan) == ["ring_group", "forward_chain", "hangup"]
    group, chain, hangup = list(plan)
    assert isinstance(group, RingGroup) and ids(group) == ["801", "802", "804", "zhang"]
    assert [t.port for t in group.targets[:3]] == ["fxs0", "fxs1", "fxs3"]
    assert group.targets[3].number == "+8613912345678"
    assert (group.ring_time_s, group.total_ring_time_s) == (20, 90)
    assert all(t.ring_time_s == 20 for t in group.targets)
    assert plan.start == group.id
    assert {group.next(e) for e in (Exit.BUSY, Exit.NO_ANSWER, Exit.ALL_UNAVAILABLE)} \
        == {chain.id}
    assert group.next(Exit.ANSWERED) == DONE and chain.next(Exit.NO_ANSWER) == hangup.id
    assert isinstance(hangup, Hangup) and hangup.cause is HangupCause.NOBODY_ANSWERED


def test_forward_chain_resolves_ids_and_numbers_to_e164() -> None:
    raw = example_dict()
    raw["bound_numbers"][1]["number"] = "13512345678"  # wang, written as people write it
    plan = plan_inbound(config_with(bound_numbers=raw["bound_numbers"]), "gsm0", CALLER,
                        MONDAY_10, 2)
    chain = next(s for s in plan if isinstance(s, ForwardChain))
    assert [(t.kind, t.id, t.number) for t in chain.targets] == [
        (TargetKind.MOBILE, "zhang", "+8613912345678"),
        (TargetKind.MOBILE, "wang", "+8613512345678"),
        (TargetKind.MOBILE, "david", "+8613812345678"),
        (TargetKind.NUMBER, "+862161234567", "+862161234567"),  # "021 6123 4567"
    ]
    assert any("zhang is also in step ring_group:sales" in r for r in plan.reasons)


def test_total_ring_time_cuts_the_group() -> None:
    raw = example_dict()
    raw["ring_groups"][0]["total_ring_time"] = 50
    plan = plan_inbound(config_with(ring_groups=raw["ring_groups"]), "gsm0", CALLER,
                        MONDAY_10, 2)
    rings = planned_rings(next(s for s in plan if isinstance(s, RingGroup)))
    assert [(r.target.id, r.ring_s) for r in rings] == [("801", 20), ("802", 20), ("804", 10)]
    text = explain(plan)
    assert "cut by the total ring time" in text and "not reached" in text


def test_open_one_line_rings_only_extensions_and_skips_the_chain() -> None:
    plan = plan_inbound(example(), "gsm0", CALLER, MONDAY_10, outside_lines=1)
    check_plan(plan)
    assert kinds(plan) == ["ring_group", "hangup"]
    assert ids(next(iter(plan))) == ["801", "802", "804"]  # type: ignore[arg-type]
    assert outside_targets(plan) == []
    why = "\n".join(plan.reasons)
    assert "zhang left out: a single outside line cannot bridge" in why
    assert "forward chain skipped: a single outside line" in why


def test_closed_two_lines_rings_the_duty_person_then_the_chain() -> None:
    plan = plan_inbound(example(), "gsm0", CALLER, MONDAY_20, outside_lines=2)
    check_plan(plan)
    assert kinds(plan) == ["duty", "forward_chain", "hangup"]
    duty = next(iter(plan))
    assert isinstance(duty, Duty) and ids(duty) == ["zhang"]  # zhang is also the default
    assert "duty person zhang (张伟) by roster entry #1" in "\n".join(plan.reasons)


def test_closed_duty_falls_back_to_the_roster_default() -> None:
    plan = plan_inbound(example(), "gsm0", CALLER, sh(5, 20, 0), outside_lines=3)  # thu
    duty = next(iter(plan))
    assert isinstance(duty, Duty) and ids(duty) == ["wang", "zhang"]
    assert "duty fallback: the roster default zhang" in plan.reasons


def test_closed_one_line_hangs_up_and_says_network_forwarding_should_be_on() -> None:
    plan = plan_inbound(example(), "gsm0", CALLER, MONDAY_20, outside_lines=1)
    check_plan(plan)
    assert kinds(plan) == ["hangup"]
    hangup = next(iter(plan))
    assert isinstance(hangup, Hangup) and hangup.cause is HangupCause.CLOSED
    why = "\n".join(plan.reasons)
    assert "single outside line" in why
    assert "network forwarding should be on to +8613912345678" in why


def test_no_inbound_group_goes_to_the_chain_or_hangs_up() -> None:
    plan = plan_inbound(config_with(inbound={"ring_group": None}), "gsm0", None, MONDAY_10, 2)
    assert kinds(plan) == ["forward_chain", "hangup"]
    assert "no inbound ring group" in plan.reasons
    assert "from a withheld number" in plan.reasons[0]
    alone = plan_inbound(config_with(inbound={"ring_group": None}), "gsm0", None, MONDAY_10, 1)
    assert kinds(alone) == ["hangup"]
    assert next(iter(alone)).cause is HangupCause.NO_ROUTE  # type: ignore[attr-defined]


def test_a_group_of_mobiles_on_one_line_has_nobody_left() -> None:
    raw = example_dict()
    raw["ring_groups"][0]["members"] = ["zhang", "wang"]
    plan = plan_inbound(config_with(ring_groups=raw["ring_groups"]), "gsm0", CALLER,
                        MONDAY_10, 1)
    assert kinds(plan) == ["hangup"]
    assert "ring group sales: nobody left to ring" in plan.reasons


def test_nobody_on_duty_and_no_chain_hangs_up_with_no_route() -> None:
    plan = plan_inbound(config_with(duty_roster={"entries": [], "default": None},
                                    forward_chain=[]), "gsm0", CALLER, MONDAY_20, 2)
    assert kinds(plan) == ["hangup"]
    assert next(iter(plan)).cause is HangupCause.NO_ROUTE  # type: ignore[attr-defined]
    assert "forward chain: none configured" in plan.reasons


def test_random_without_a_random_source_rings_in_order_and_says_so() -> None:
    raw = example_dict()
    raw["ring_groups"][0]["strategy"] = "random"
    plan = plan_inbound(config_with(ring_groups=raw["ring_groups"]), "gsm0", CALLER,
                        MONDAY_10, 2)
    group = next(iter(plan))
    assert isinstance(group, RingGroup) and group.strategy.value == "random"
    assert ids(group) == ["801", "802", "804", "zhang"]
    assert any("no random source" in r for r in plan.reasons)


def test_explain_tells_why_and_every_step() -> None:
    text = explain(plan_inbound(example(), "gsm0", CALLER, MONDAY_10, 2))
    for part in ("office open: mon 09:00-12:00 matched", "call on gsm0 from +8613800000000",
                 "ring group sales, sequential, 20 s each, 90 s in all",
                 "801 前台 Reception (fxs0)  0-20 s", "zhang 张伟 (+8613912345678)  60-80 s",
                 "+862161234567  60-80 s", "hang up (nobody_answered)",
                 "answered -> done (connected); busy, no_answer, all_unavailable -> "
                 "forward_chain"):
        assert part in text
