"""Issue 9 §3 in routing: callers matched by their normalised number whatever form the
network sends, nested groups' legs know their own group, and `route_answer` with the
running box's agent state (nothing advanced)."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest

from firmware.region import caller_number
from firmware.routing import RingStep, plan_inbound, route_answer
from firmware.routing.stats import (
    AgentStats,
    BadStats,
    LastAnswer,
    SplitCounts,
    stats_from_json,
    stats_to_json,
)
from tests.routing.helpers import config_with, sh

VIP = "+8613911112222"
MONDAY_10 = sh(2, 10, 0)
# How Chinese networks and trunks send one mobile's number in +CLIP / caller ID.
FORMS = ["13911112222", "013911112222", "8613911112222", "+8613911112222", "008613911112222",
         "+86 139 1111 2222"]


def _group(strategy: str = "sequential", members: list | None = None, **more):
    groups = [{"name": "sales", "members": members or ["801", "802"], "strategy": strategy,
               "ring_time": 20, "total_ring_time": 300}, *more.pop("groups", [])]
    return config_with(ring_groups=groups, **more)


def _rung(plan, kind: str) -> list[str]:
    step = next(s for s in plan if s.kind == kind)
    assert isinstance(step, RingStep)
    return [t.id for t in step.targets]


@pytest.mark.parametrize("sent", FORMS)
def test_one_normaliser_for_every_form_a_network_sends(sent: str) -> None:
    assert caller_number(sent, "CN") == VIP
    assert caller_number("10086", "CN") == "10086"  # a short number stays as it is
    assert caller_number("", "CN") is None and caller_number("anonymous", "CN") is None


@pytest.mark.parametrize("sent", FORMS)
def test_a_vip_in_national_form_gets_vip_treatment(sent: str) -> None:
    config = _group(vip={"numbers": [VIP], "targets": ["803"], "ring_time": 10})
    plan = plan_inbound(config, "gsm0", sent, MONDAY_10, 2)
    assert plan.vip and _rung(plan, "preferred") == ["803"]
    assert any(f"{VIP} is a VIP caller" in r for r in plan.reasons)
    prefixed = _group(vip={"prefixes": ["+86139111"], "targets": ["804"]})
    assert plan_inbound(prefixed, "gsm0", sent, MONDAY_10, 2).vip


def test_designated_and_returning_callers_match_the_national_form() -> None:
    config = _group(members=["801", "802", "803"], returning_caller_days=7,
                    designated=[{"caller": "139 1111 2222", "agent": "802"}])  # stored E.164
    stats = AgentStats(last_answered={VIP: LastAnswer("803", MONDAY_10 - timedelta(days=1))})
    plan = plan_inbound(config, "gsm0", "13911112222", MONDAY_10, 2, stats=stats)
    assert _rung(plan, "preferred") == ["802", "803"]


def test_blocking_and_routes_read_the_same_normalised_number() -> None:
    config = _group(blocking={"blacklist": [VIP]})
    plan = plan_inbound(config, "gsm0", "013911112222", MONDAY_10, 2)
    assert plan.blocked


def test_a_nested_groups_targets_name_their_own_group_too() -> None:
    config = _group(members=["801", {"group": "north"}],
                    groups=[{"name": "north", "members": ["802", "803"],
                             "strategy": "sequential", "ring_time": 20}])
    plan = plan_inbound(config, "gsm0", "+8613800000000", MONDAY_10, 2)
    step = next(s for s in plan if s.kind == "ring_group")
    assert [(t.id, t.groups) for t in step.targets] == \
        [("801", ("sales",)), ("802", ("sales", "north")), ("803", ("sales", "north"))]


def test_the_state_crosses_the_socket_as_json() -> None:
    stats = AgentStats(idle_since={"801": MONDAY_10}, answered_today={"801": 3},
                       last_answered={VIP: LastAnswer("802", MONDAY_10)},
                       unavailable=frozenset({"803"}), talking=frozenset({"804"}),
                       rotation={"sales": 2},
                       split={"mix": SplitCounts((("801", 60), ("802", 40)), (3, 2))})
    assert stats_from_json(stats_to_json(stats)) == stats
    for bad in (None, [], {"rotation": {"sales": "two"}}, {"idle_since": {"801": "09:00"}}):
        with pytest.raises(BadStats):
            stats_from_json(bad)


def test_explain_with_the_box_state_says_so_and_advances_nothing() -> None:
    config = _group("rotating", ["801", "802", "803"])
    stats = AgentStats(rotation={"sales": 1}, unavailable=frozenset({"803"}))
    before = stats_to_json(stats)
    answers = [route_answer(config, "gsm0", "+8613800000000", MONDAY_10, 2, stats=stats)
               for _ in range(2)]
    assert answers[0].targets[:2] == answers[1].targets[:2] == ("802", "801")
    assert stats_to_json(stats) == before
    doc = answers[0].to_json()
    assert doc["agent_state"]["source"] == "box"
    assert doc["agent_state"]["unavailable"] == ["803"]
    assert doc["agent_state"]["rotation"] == {"sales": 1}
    text = answers[0].text()
    assert "call starts at member 2 of 3" in text and "803 is unavailable" in text
    assert "rings first: 802" in text and "the running box's" in text
    fresh = route_answer(config, "gsm0", "+8613800000000", MONDAY_10, 2,
                         rng=random.Random(0))
    assert fresh.targets[:3] == ("801", "802", "803")
    assert fresh.to_json()["agent_state"]["source"] == "fresh"
    assert "fresh (the box is not running)" in fresh.text()
