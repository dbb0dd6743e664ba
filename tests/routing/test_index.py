"""The route index finds the route the plain walk finds (firmware/routing/index.py)."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

import pytest

from firmware.config.rules import CallerMatch
from firmware.config.validate import check_config
from firmware.routing import plan_inbound
from firmware.routing.callers import number_matches
from firmware.routing.index import NumberSet, index_for
from tests.routing.helpers import SHANGHAI, example_dict

PROVINCES = ["北京", "上海", "浙江", "江苏", "广东", "四川", "内蒙古", "广西", "新疆"]
CITIES = ["杭州", "宁波", "南京", "苏州", "广州", "深圳", "成都", "眉山", "资阳"]
AREA_CODES = ["10", "21", "571", "574", "20", "755", "28"]
CARRIERS = ["中国移动", "中国联通", "中国电信", "China Mobile", "china unicom"]
SEGMENTS = ["135", "138", "139", "186", "189", "133", "170", "165"]


def caller(rng: random.Random) -> str | None:
    roll = rng.random()
    if roll < 0.1:
        return None
    if roll < 0.6:
        return f"+86{rng.choice(SEGMENTS)}{rng.randrange(10**8):08d}"
    code = rng.choice(AREA_CODES)
    digits = 8 if len(code) == 2 else 7
    return f"+86{code}{rng.randrange(2 * 10**(digits - 1), 10**digits)}"


def caller_match(rng: random.Random) -> dict:
    if rng.random() < 0.05:
        return {}
    if rng.random() < 0.05:
        return {"withheld": True}
    match: dict = {}
    fields = rng.sample(["numbers", "provinces", "cities", "area_codes", "carriers",
                         "withheld"], rng.randint(1, 3))
    for name in fields:
        if name == "numbers":
            match[name] = [rng.choice([f"+86{rng.choice(SEGMENTS)}*",
                                       f"+86{rng.choice(SEGMENTS)}{rng.randrange(10)}*",
                                       f"+86{rng.choice(AREA_CODES)}*",
                                       f"+86138{rng.randrange(10**8):08d}"])
                           for _ in range(rng.randint(1, 3))]
        elif name == "withheld":
            match[name] = False
        else:
            pool = {"provinces": PROVINCES, "cities": CITIES, "area_codes": AREA_CODES,
                    "carriers": CARRIERS}[name]
            match[name] = rng.sample(pool, rng.randint(1, 2))
    return match


def random_config(rng: random.Random, routes: int) -> dict:
    raw = example_dict()
    names = [r["name"] for r in raw["time_rules"]] + ["office_hours"]
    extra = []
    for i in range(routes):
        route = {"name": f"r{i}", "callers": caller_match(rng),
                 "to": rng.choice(["default", "duty", "busy", "ring_group:sales"])}
        if rng.random() < 0.3:
            route["when"] = rng.choice(names)
        if rng.random() < 0.1:
            route["unless"] = rng.choice(names)
        if rng.random() < 0.1:
            route["lines"] = ["gsm0"]
        extra.append(route)
    raw["routes"] = extra + raw["routes"]
    raw["blocking"]["blacklist"] = [f"+86170{rng.randrange(10**8):08d}" for _ in range(50)] + \
        ["+86165*", "+86139*"][: rng.randint(0, 2)]
    return raw


def shape(plan) -> tuple:
    return (plan.route, plan.blocked, plan.start, tuple(plan.steps), plan.reasons)


@pytest.mark.parametrize("seed", range(6))
def test_the_index_finds_the_route_the_walk_finds(seed):
    rng = random.Random(seed)
    config = check_config(random_config(rng, routes=rng.choice([30, 120, 400])))
    start = datetime(2026, 6, 3, tzinfo=SHANGHAI)
    matched = 0
    for _ in range(250):
        who = caller(rng)
        at = start + timedelta(minutes=rng.randrange(60 * 24 * 30))
        walked = plan_inbound(config, "gsm0", who, at, 2, rng=random.Random(1))
        indexed = plan_inbound(config, "gsm0", who, at, 2, rng=random.Random(1), explain=False)
        assert shape(indexed) == shape(walked), (who, at)
        assert indexed.trials == tuple(t for t in walked.trials if t.kind != "route")
        matched += bool(walked.route)
    assert matched >= 5  # the random routes do match callers, not only the default


def test_explain_still_lists_every_route_tried():
    rng = random.Random(7)
    config = check_config(random_config(rng, routes=30))
    plan = plan_inbound(config, "gsm0", "+8699912345678", datetime(2026, 6, 3, 10,
                        tzinfo=SHANGHAI), 2)
    tried = [t.name for t in plan.trials if t.kind == "route"]
    assert tried == [r.name for r in config.routes][:len(tried)] and len(tried) > 1


@pytest.mark.parametrize("seed", range(4))
def test_number_sets_answer_as_the_list_does(seed):
    rng = random.Random(seed)
    patterns = tuple({rng.choice([f"+86{rng.choice(SEGMENTS)}{'1' * rng.randint(0, 3)}*",
                                  f"+86{rng.choice(SEGMENTS)}1111{rng.randrange(10**4):04d}",
                                  "+86*", f"+861{rng.randrange(10)}*"])
                      for _ in range(40)})
    numbers = NumberSet.of(patterns)
    for _ in range(500):
        e164 = f"+86{rng.choice(SEGMENTS)}111{rng.randrange(10**5):05d}"
        assert numbers.first_match(e164) == number_matches(patterns, e164)
    assert numbers.first_match("") is None


def test_one_index_per_config():
    config = check_config(example_dict())
    assert index_for(config) is index_for(config)
    other = check_config(example_dict())
    assert index_for(other) is not index_for(config)


def test_an_empty_caller_match_is_always_a_candidate():
    from firmware.routing.index import RouteIndex

    index = RouteIndex()
    index.file(0, CallerMatch())
    from firmware.region import WITHHELD
    assert index.candidates(WITHHELD) == [0]
