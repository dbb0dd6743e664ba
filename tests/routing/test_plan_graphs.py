"""Plan graphs the owner draws: refused with the reason when broken; every accepted plan
runs to an end for every sequence of outcomes (property test)."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from firmware.errors import ConfigError
from firmware.routing import DONE, Exit, Hangup, RingStep, next_ring, plan_inbound
from tests.routing.helpers import check_config, example_dict, sh

AT = sh(3, 10, 0)
ACTIONS = ["ring_group:sales", "duty", "forward_chain", "busy", "hangup", "announcement"]
EXITS = ("busy", "no_answer", "unavailable")


def with_plan(steps: list[dict[str, Any]]) -> Any:
    raw = example_dict()
    raw.update(plans=[{"name": "p", "steps": steps}], routes=[{"name": "all", "to": "plan:p"}])
    return check_config(raw)


@pytest.mark.parametrize(("steps", "field", "reason"), [
    ([{"id": "a", "do": "ring_group:sales", "on": {"busy": "nowhere"}}],
     "plans[0].steps[0].on.busy", 'no step "nowhere" in plan p'),
    ([{"id": "a", "do": "hangup"}, {"id": "b", "do": "duty"}],
     "plans[0].steps", "no exit leads to step(s) b"),
    ([{"id": "a", "do": "duty", "on": {"busy": "b", "no_answer": "b", "unavailable": "b"}},
      {"id": "b", "do": "forward_chain", "on": {"busy": "a", "no_answer": "a",
                                                "unavailable": "a"}}],
     "plans[0].steps", "steps a, b loop with no exit"),
    ([{"id": "a", "do": "duty", "on": {"unavailable": "b"}},
      {"id": "b", "do": "forward_chain", "on": {"unavailable": "a"}}],
     "plans[0].steps", "the unavailable exits loop (a -> b -> a)"),
    ([{"id": "a", "do": "busy", "on": {"busy": "a"}}],
     "plans[0].steps[0].on", "ends the call: it has no exits"),
    ([{"id": "a", "do": "ring_group:support"}], "plans[0].steps[0].do",
     'unknown ring group "support"'),
    ([{"id": "a", "do": "fax"}], "plans[0].steps[0].do", "is not a step"),
    ([], "plans[0].steps", "at least one step"),
    ([{"id": "a", "do": "duty"}, {"id": "a", "do": "hangup"}], "plans[0].steps[1]",
     'step id "a" repeats'),
])
def test_broken_plans_are_refused_with_the_reason(steps: list, field: str, reason: str) -> None:
    with pytest.raises(ConfigError) as refused:
        with_plan(steps)
    assert any(f == field and reason in r for f, r in refused.value.errors), \
        refused.value.errors


def test_a_route_to_an_unknown_plan_is_refused() -> None:
    raw = example_dict()
    raw["routes"] = [{"name": "r", "to": "plan:nope"}]
    with pytest.raises(ConfigError, match=r'routes\[0\].to: unknown plan "nope"'):
        check_config(raw)


@st.composite
def graphs(draw: Any) -> list[dict[str, Any]]:
    n = draw(st.integers(1, 6))
    ids = [f"s{i}" for i in range(n)]
    steps = []
    for step_id in ids:
        do = draw(st.sampled_from(ACTIONS))
        step: dict[str, Any] = {"id": step_id, "do": do}
        if do not in ("busy", "hangup", "announcement"):
            on = {e: draw(st.sampled_from(ids)) for e in EXITS if draw(st.booleans())}
            if on:
                step["on"] = on
        steps.append(step)
    return steps


OUTCOMES = st.sampled_from(["answered", "busy", "no_answer", "unavailable"])


def run(plan: Any, outcomes: Any) -> tuple[str, int]:
    """Run `plan` as the call controller does, drawing each target's outcome."""
    rung: set[str] = set()
    step_id, steps = plan.start, 0
    while step_id != DONE:
        steps += 1
        assert steps < 200, "the plan did not end"
        step = plan.step(step_id)
        if isinstance(step, Hangup):
            return step.id, steps
        assert isinstance(step, RingStep)
        seen, position, exit = [], 0, None
        while (ring := next_ring(step, position, 0.0, rung)) is not None:
            position = ring.position + 1
            rung.add(ring.target.key)
            outcome = outcomes.draw(OUTCOMES)
            if outcome == "answered":
                exit = Exit.ANSWERED
                break
            seen.append(outcome)
        if exit is None:
            rang = [o for o in seen if o != "unavailable"]
            exit = (Exit.ALL_UNAVAILABLE if not rang else
                    Exit.BUSY if all(o == "busy" for o in rang) else Exit.NO_ANSWER)
        step_id = step.next(exit)
    return DONE, steps


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(graphs(), st.data())
def test_every_accepted_plan_ends_for_every_outcome_sequence(steps: list, data: Any) -> None:
    try:
        cfg = with_plan(steps)
    except ConfigError as refused:
        reasons = " ".join(r for _f, r in refused.errors)
        assert any(word in reasons for word in ("loop", "can never run")), reasons
        return
    plan = plan_inbound(cfg, "gsm0", "+8613800000000", AT, 2)
    assert plan.route == "all"
    end, _ = run(plan, data)
    assert end == DONE or isinstance(plan.step(end), Hangup)
