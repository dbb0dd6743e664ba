"""Ring-group strategies (R1-R6, R11-R13), preferred agents (R7, R8) and availability (R12).

Unit tests for each strategy, then property tests (hypothesis): rotating gives every
member equal counts within one over any number of calls; the percentage split is within
one call of every exact share after every call; longest idle picks the longest idle
available agent; unavailable agents are never rung.
"""

from __future__ import annotations

import random
from datetime import timedelta
from fractions import Fraction
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from firmware.config.schema import Config
from firmware.routing import Plan, RingGroup, RingStep, plan_inbound
from firmware.routing.stats import AgentStats, LastAnswer, SplitCounts, Turn
from tests.routing.helpers import config_with, sh

CALLER = "+8613800000000"
MONDAY_10 = sh(2, 10, 0)
AGENTS = ["801", "802", "803", "804", "zhang", "wang", "david"]


def group_config(strategy: str, members: list[Any], **more: Any) -> Config:
    groups = [{"name": "sales", "members": members, "strategy": strategy, "ring_time": 20,
               "total_ring_time": 300}, *more.pop("groups", [])]
    return config_with(ring_groups=groups, **more)


def plan(config: Config, stats: AgentStats | None = None, caller: str | None = CALLER,
         rng: random.Random | None = None, at=MONDAY_10) -> Plan:
    return plan_inbound(config, "gsm0", caller, at, 2, rng=rng, stats=stats)


def rung(p: Plan, kind: str = "ring_group") -> list[str]:
    step = next(s for s in p if s.kind == kind)
    assert isinstance(step, RingStep)
    return [t.id for t in step.targets]


def apply(stats: AgentStats, turns: tuple[Turn, ...]) -> AgentStats:
    """What the call core does with a plan's turns."""
    rotation, split = dict(stats.rotation), dict(stats.split)
    for turn in turns:
        if turn.rotation is not None:
            rotation[turn.group] = turn.rotation
        if turn.split is not None:
            split[turn.group] = turn.split
    return AgentStats(rotation=rotation, split=split, unavailable=stats.unavailable)


# --- one strategy at a time -------------------------------------------------------


def test_rotating_starts_one_further_each_call() -> None:
    config = group_config("rotating", ["801", "802", "803"])
    stats = AgentStats()
    seen = []
    for _ in range(4):
        p = plan(config, stats)
        seen.append(rung(p))
        stats = apply(stats, p.turns)
    assert seen == [["801", "802", "803"], ["802", "803", "801"], ["803", "801", "802"],
                    ["801", "802", "803"]]


def test_random_uses_the_rng_and_rings_everyone_once() -> None:
    config = group_config("random", ["801", "802", "803", "804"])
    orders = {tuple(rung(plan(config, rng=random.Random(seed)))) for seed in range(30)}
    assert len(orders) > 3
    assert all(sorted(o) == ["801", "802", "803", "804"] for o in orders)
    assert rung(plan(config, rng=random.Random(7))) == rung(plan(config, rng=random.Random(7)))


def test_ring_all_keeps_every_member_and_says_so() -> None:
    p = plan(group_config("ring_all", ["801", "802", "zhang"]))
    step = next(iter(p))
    assert isinstance(step, RingGroup) and step.strategy.value == "ring_all"
    assert rung(p) == ["801", "802", "zhang"]


def test_percentage_across_numbers_follows_the_shares_exactly() -> None:
    config = group_config("percentage", [{"target": "801", "share": 70},
                                         {"target": "802", "share": 30}])
    stats, firsts = AgentStats(), []
    for _ in range(10):
        p = plan(config, stats)
        firsts.append(rung(p)[0])
        assert len(rung(p)) == 2  # the other one still rings if the first does not answer
        stats = apply(stats, p.turns)
    assert firsts.count("801") == 7 and firsts.count("802") == 3


def test_percentage_across_groups_rings_the_chosen_group_by_its_own_strategy() -> None:
    config = group_config("percentage", [{"group": "desks", "share": 50},
                                         {"group": "mobiles", "share": 50}],
                          groups=[{"name": "desks", "members": ["801", "802"]},
                                  {"name": "mobiles", "members": ["zhang", "wang"],
                                   "ring_time": 15}])
    first = plan(config)
    stats = apply(AgentStats(), first.turns)
    second = plan(config, stats)
    assert {rung(first)[0], rung(second)[0]} == {"801", "zhang"}
    step = next(iter(second))
    assert isinstance(step, RingStep)
    assert {t.id: t.ring_time_s for t in step.targets} == \
        {"801": 20, "802": 20, "zhang": 15, "wang": 15}


def test_percentage_counts_start_again_when_the_split_changes() -> None:
    old = SplitCounts((("801", 50), ("802", 50)), (3, 2))
    config = group_config("percentage", [{"target": "801", "share": 80},
                                         {"target": "802", "share": 20}])
    p = plan(config, AgentStats(split={"sales": old}))
    assert rung(p)[0] == "801"
    assert p.turns[0].split == SplitCounts((("801", 80), ("802", 20)), (1, 0))


def test_longest_idle_first_and_never_called_before_all() -> None:
    config = group_config("longest_idle", ["801", "802", "803"])
    stats = AgentStats(idle_since={"801": sh(2, 9, 50), "802": sh(2, 9, 10),
                                   "803": sh(2, 9, 30)})
    assert rung(plan(config, stats)) == ["802", "803", "801"]
    fresh = AgentStats(idle_since={"801": sh(2, 9, 50), "802": sh(2, 9, 10)})
    assert rung(plan(config, fresh)) == ["803", "802", "801"]


def test_agents_on_a_call_ring_last() -> None:
    config = group_config("longest_idle", ["801", "802"])
    stats = AgentStats(idle_since={"801": sh(2, 9, 0), "802": sh(2, 9, 30)},
                       talking=frozenset({"801"}))
    assert rung(plan(config, stats)) == ["802", "801"]


def test_fewest_answered_today_first_then_longest_idle() -> None:
    config = group_config("fewest_answered", ["801", "802", "803"])
    stats = AgentStats(answered_today={"801": 4, "802": 1, "803": 1},
                       idle_since={"802": sh(2, 9, 40), "803": sh(2, 9, 20)})
    assert rung(plan(config, stats)) == ["803", "802", "801"]


def test_longest_idle_flattens_nested_groups() -> None:
    config = group_config("longest_idle", ["801", {"group": "mobiles"}],
                          groups=[{"name": "mobiles", "members": ["zhang", "wang"]}])
    stats = AgentStats(idle_since={"801": sh(2, 9, 0), "zhang": sh(2, 9, 30)})
    assert rung(plan(config, stats)) == ["wang", "801", "zhang"]


def test_an_agent_in_two_nested_groups_rings_once() -> None:
    config = group_config("sequential", [{"group": "a"}, {"group": "b"}],
                          groups=[{"name": "a", "members": ["801", "802"]},
                                  {"name": "b", "members": ["802", "803"]}])
    assert rung(plan(config)) == ["801", "802", "803"]


def test_ring_time_per_member_overrides_the_group() -> None:
    config = group_config("sequential", [{"target": "801", "ring_time": 8}, "802"])
    step = next(iter(plan(config)))
    assert isinstance(step, RingStep)
    assert [t.ring_time_s for t in step.targets] == [8, 20]


def test_unavailable_agents_are_left_out_with_a_reason() -> None:
    config = group_config("sequential", ["801", "802", "803"])
    p = plan(config, AgentStats(unavailable=frozenset({"802"})))
    assert rung(p) == ["801", "803"]
    assert any("802 is unavailable" in r for r in p.reasons)


def test_nobody_available_goes_on_to_the_forward_chain() -> None:
    config = group_config("sequential", ["801", "802"])
    p = plan(config, AgentStats(unavailable=frozenset({"801", "802"})))
    assert [s.kind for s in p] == ["forward_chain", "hangup"]


# --- preferred agents: designated, returning caller, VIP ---------------------------------


def test_designated_agent_rings_before_the_group() -> None:
    config = group_config("sequential", ["801", "802"],
                          designated=[{"caller": CALLER, "agent": "802"}])
    p = plan(config)
    assert [s.kind for s in p][:2] == ["preferred", "ring_group"]
    assert rung(p, "preferred") == ["802"]
    assert plan(config, caller="+8613811111111").start == "ring_group:sales"


def test_returning_caller_rings_the_last_agent_within_the_days() -> None:
    config = group_config("sequential", ["801", "802", "803"], returning_caller_days=7)
    stats = AgentStats(last_answered={CALLER: LastAnswer("803", MONDAY_10 - timedelta(days=6))})
    assert rung(plan(config, stats), "preferred") == ["803"]
    old = AgentStats(last_answered={CALLER: LastAnswer("803", MONDAY_10 - timedelta(days=8))})
    p = plan(config, old)
    assert p.start == "ring_group:sales"
    assert any("more than 7 days ago" in r for r in p.reasons)
    off = group_config("sequential", ["801", "802", "803"], returning_caller_days=0)
    assert plan(off, stats).start == "ring_group:sales"


def test_vip_rings_dedicated_staff_first_by_number_or_prefix() -> None:
    vip = {"numbers": [CALLER], "prefixes": ["+86139"], "targets": ["804", "david"],
           "ring_time": 10}
    config = group_config("sequential", ["801", "802"], vip=vip)
    p = plan(config)
    assert rung(p, "preferred") == ["804", "david"]
    step = next(iter(p))
    assert isinstance(step, RingStep) and step.targets[0].ring_time_s == 10
    assert rung(plan(config, caller="+8613912345670"), "preferred") == ["804", "david"]
    assert plan(config, caller="+8613711111111").start == "ring_group:sales"
    assert plan(config, caller=None).start == "ring_group:sales"
    assert p.vip and plan(config, caller="+8613912345670").vip  # the call core's flag
    assert not plan(config, caller="+8613711111111").vip and not plan(config, caller=None).vip


def test_designated_then_returning_then_vip_each_once() -> None:
    config = group_config("sequential", ["801", "802"], returning_caller_days=30,
                          designated=[{"caller": CALLER, "agent": "802"}],
                          vip={"numbers": [CALLER], "targets": ["802", "803"]})
    stats = AgentStats(last_answered={CALLER: LastAnswer("801", MONDAY_10)},
                       unavailable=frozenset({"803"}))
    p = plan(config, stats)
    assert rung(p, "preferred") == ["802", "801"]
    assert any("803 is unavailable" in r for r in p.reasons)


# --- properties ---------------------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(n_members=st.integers(1, 6), calls=st.integers(1, 40))
def test_rotating_gives_every_member_equal_counts_within_one(n_members: int, calls: int) -> None:
    config = group_config("rotating", AGENTS[:n_members])
    stats, firsts = AgentStats(), {a: 0 for a in AGENTS[:n_members]}
    for _ in range(calls):
        p = plan(config, stats)
        firsts[rung(p)[0]] += 1
        stats = apply(stats, p.turns)
        assert max(firsts.values()) - min(firsts.values()) <= 1


@st.composite
def splits(draw: Any) -> list[int]:
    k = draw(st.integers(1, 7))
    cuts = sorted(draw(st.lists(st.integers(1, 99), min_size=k - 1, max_size=k - 1,
                                unique=True)))
    return [b - a for a, b in zip([0, *cuts], [*cuts, 100], strict=True)]


@settings(max_examples=60, deadline=None)
@given(shares=splits(), calls=st.integers(1, 230))
def test_percentage_stays_within_one_call_of_every_share(shares: list[int], calls: int
                                                          ) -> None:
    members = [{"target": a, "share": s} for a, s in zip(AGENTS, shares, strict=False)]
    config = group_config("percentage", members)
    stats, got = AgentStats(), dict.fromkeys(AGENTS[:len(shares)], 0)
    for n in range(1, calls + 1):
        p = plan(config, stats)
        got[rung(p)[0]] += 1
        stats = apply(stats, p.turns)
        for agent, share in zip(AGENTS, shares, strict=False):
            assert abs(Fraction(n * share, 100) - got[agent]) <= 1, (n, got)
        if n % 100 == 0:
            assert [got[a] * 100 // n for a in got] == shares


@st.composite
def idle_stats(draw: Any) -> AgentStats:
    agents = AGENTS[:draw(st.integers(1, 7))]
    idle = {a: MONDAY_10 - timedelta(minutes=draw(st.integers(0, 600)))
            for a in agents if draw(st.booleans())}
    out = frozenset(a for a in agents if draw(st.booleans()))
    return AgentStats(idle_since=idle, unavailable=out)


@settings(max_examples=100, deadline=None)
@given(stats=idle_stats(), n=st.integers(1, 7))
def test_longest_idle_picks_the_longest_idle_available_agent(stats: AgentStats, n: int
                                                              ) -> None:
    members = AGENTS[:n]
    p = plan(group_config("longest_idle", members), stats)
    available = [a for a in members if a not in stats.unavailable]
    if not available:
        assert all(s.kind != "ring_group" for s in p)
        return
    first = rung(p)[0]
    never = [a for a in available if a not in stats.idle_since]
    if never:
        assert first == never[0]
    else:
        assert stats.idle_since[first] == min(stats.idle_since[a] for a in available)


@settings(max_examples=100, deadline=None)
@given(strategy=st.sampled_from(["sequential", "random", "rotating", "ring_all",
                                 "longest_idle", "fewest_answered"]),
       n=st.integers(1, 7), out=st.sets(st.sampled_from(AGENTS)), seed=st.integers(0, 99),
       vip=st.booleans(), nested=st.booleans())
def test_unavailable_agents_are_never_rung(strategy: str, n: int, out: set[str], seed: int,
                                           vip: bool, nested: bool) -> None:
    members: list[Any] = list(AGENTS[:n])
    groups = []
    if nested:
        members.append({"group": "more"})
        groups = [{"name": "more", "members": AGENTS[n:] or ["801"], "strategy": "rotating"}]
    more: dict[str, Any] = {"groups": groups, "returning_caller_days": 3,
                            "designated": [{"caller": CALLER, "agent": AGENTS[seed % 7]}]}
    if vip:
        more["vip"] = {"numbers": [CALLER], "targets": AGENTS[::2]}
    config = group_config(strategy, members, **more)
    stats = AgentStats(unavailable=frozenset(out),
                       last_answered={CALLER: LastAnswer(AGENTS[seed % 5], MONDAY_10)})
    p = plan(config, stats, rng=random.Random(seed))
    for step in p:
        if step.kind in ("ring_group", "preferred"):
            assert isinstance(step, RingStep)
            assert not {t.id for t in step.targets} & out
