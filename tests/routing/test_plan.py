"""The plan model: ring order, total ring time truncation, exits, termination checks."""

from __future__ import annotations

import pytest

from firmware.routing import (
    DONE,
    Exit,
    ForwardChain,
    Hangup,
    HangupCause,
    Plan,
    PlanError,
    RingGroup,
    Target,
    TargetKind,
    check_plan,
    next_ring,
    planned_rings,
)
from firmware.routing.plan import PlanBuilder


def ext(number: str, ring: int = 20) -> Target:
    return Target(TargetKind.EXTENSION, number, f"desk {number}", ring, port=f"fxs{number[-1]}")


def mobile(ident: str, number: str, ring: int = 20) -> Target:
    return Target(TargetKind.MOBILE, ident, ident.title(), ring, number=number)


def group(*targets: Target, total: int | None = 60) -> RingGroup:
    return RingGroup(id="g", name="sales", targets=targets, ring_time_s=20,
                     total_ring_time_s=total)


A, B, C = ext("801"), ext("802"), ext("803")
ZHANG = mobile("zhang", "+8613912345678")


@pytest.mark.parametrize(("total", "expected"), [
    (90, [("801", 0, 20), ("802", 20, 20), ("803", 40, 20), ("zhang", 60, 20)]),
    (80, [("801", 0, 20), ("802", 20, 20), ("803", 40, 20), ("zhang", 60, 20)]),
    (50, [("801", 0, 20), ("802", 20, 20), ("803", 40, 10)]),  # 803 cut, zhang not reached
    (40, [("801", 0, 20), ("802", 20, 20)]),
    (5, [("801", 0, 5)]),
    (None, [("801", 0, 20), ("802", 20, 20), ("803", 40, 20), ("zhang", 60, 20)]),
])
def test_sequential_order_and_total_ring_time(total: int | None, expected: list) -> None:
    rings = planned_rings(group(A, B, C, ZHANG, total=total))
    assert [(r.target.id, r.start_s, r.ring_s) for r in rings] == expected


def test_a_busy_member_leaves_time_for_the_next_ones() -> None:
    step = group(A, B, C, ZHANG, total=50)
    first = next_ring(step, 0, 0.0)
    assert first is not None and first.target == A
    # 801 was busy after 2 s: 802 rings at 2 s for its full 20 s.
    second = next_ring(step, first.position + 1, 2.0)
    assert second is not None and (second.target, second.ring_s) == (B, 20)
    third = next_ring(step, second.position + 1, 22.0)
    assert third is not None and (third.target, third.ring_s) == (C, 20)
    last = next_ring(step, third.position + 1, 42.0)
    assert last is not None and (last.target, last.ring_s) == (ZHANG, 8)  # cut at 50 s
    assert next_ring(step, last.position + 1, 50.0) is None


def test_time_used_up_ends_the_step() -> None:
    assert next_ring(group(A, B, total=30), 1, 30.0) is None
    assert next_ring(group(A, B, total=30), 1, 31.5) is None


def test_targets_already_rung_in_this_call_are_passed_over() -> None:
    chain = ForwardChain(id="f", targets=(ZHANG, mobile("wang", "+8613512345678")))
    ring = next_ring(chain, 0, 0.0, rung={ZHANG.key})
    assert ring is not None and ring.target.id == "wang" and ring.position == 1
    assert next_ring(chain, 0, 0.0, rung={ZHANG.key, "+8613512345678"}) is None
    assert [r.target.id for r in planned_rings(chain, rung={ZHANG.key})] == ["wang"]


def test_target_keys_and_outside() -> None:
    assert (A.key, A.outside) == ("fxs1", False)
    assert (ZHANG.key, ZHANG.outside) == ("+8613912345678", True)
    assert "zhang" in str(ZHANG) and "+8613912345678" in str(ZHANG)


def test_builder_wires_unanswered_exits_to_the_next_step() -> None:
    builder = PlanBuilder()
    builder.note("because")
    builder.add(group(A, B))
    builder.add(ForwardChain(id="f", targets=(ZHANG,)))
    plan = builder.finish(Hangup(id="h", cause=HangupCause.NOBODY_ANSWERED))
    assert plan.start == "g" and [s.id for s in plan] == ["g", "f", "h"]
    assert plan.step("g").next(Exit.ANSWERED) == DONE
    assert {plan.step("g").next(e) for e in (Exit.BUSY, Exit.NO_ANSWER,
                                            Exit.ALL_UNAVAILABLE)} == {"f"}
    assert plan.step("f").next(Exit.NO_ANSWER) == "h"
    assert plan.reasons == ("because",)


def test_builder_makes_repeated_step_ids_unique() -> None:
    builder = PlanBuilder()
    builder.add(group(A))
    builder.add(group(B))
    plan = builder.finish(Hangup(id="h", cause=HangupCause.NOBODY_ANSWERED))
    assert [s.id for s in plan] == ["g", "g#2", "h"]
    assert plan.step("g").next(Exit.BUSY) == "g#2"


def _plan(*steps, start: str = "g") -> Plan:
    return Plan(start, {s.id: s for s in steps})


ALL_TO = {e: "h" for e in Exit}


def test_check_plan_accepts_a_well_formed_plan() -> None:
    g = RingGroup(id="g", name="s", targets=(A,), exits={**ALL_TO, Exit.ANSWERED: DONE})
    check_plan(_plan(g, Hangup(id="h", cause=HangupCause.NO_ROUTE)))


@pytest.mark.parametrize(("exits", "message"), [
    ({**ALL_TO, Exit.BUSY: "nowhere"}, "unknown step 'nowhere'"),
    ({Exit.ANSWERED: DONE}, "has exits"),
    ({**ALL_TO, Exit.NO_ANSWER: "g"}, "loops: g -> g"),
])
def test_check_plan_refuses_broken_exits(exits: dict, message: str) -> None:
    g = RingGroup(id="g", name="s", targets=(A,), exits=exits)
    with pytest.raises(PlanError, match=message):
        check_plan(_plan(g, Hangup(id="h", cause=HangupCause.NO_ROUTE)))


def test_check_plan_finds_a_longer_loop_and_a_bad_start() -> None:
    g = RingGroup(id="g", name="s", targets=(A,), exits={**ALL_TO, Exit.BUSY: "f"})
    f = ForwardChain(id="f", targets=(ZHANG,), exits={**ALL_TO, Exit.NO_ANSWER: "g"})
    hangup = Hangup(id="h", cause=HangupCause.NO_ROUTE)
    with pytest.raises(PlanError, match="loops: g -> f -> g"):
        check_plan(_plan(g, f, hangup))
    with pytest.raises(PlanError, match="starts at 'x'"):
        check_plan(_plan(hangup, start="x"))
    with pytest.raises(PlanError, match="no step 'x'"):
        _plan(hangup, start="h").step("x")
    with pytest.raises(PlanError, match="no exit"):
        hangup.next(Exit.BUSY)
