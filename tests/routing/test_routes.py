"""Which plan a call gets: routes in order, region, blocking, caps, plan graphs, explain."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

import pytest

from firmware.config.schema import Config
from firmware.routing import Hangup, HangupCause, RingStep, check_plan, explain, plan_inbound
from firmware.routing.answer import route_answer
from firmware.routing.callers import caller_info, match_caller
from firmware.routing.caps import LineUsage, Usage
from firmware.routing.plan import Treatment
from firmware.routing.voicemail_steps import Voicemail
from tests.routing.helpers import SHANGHAI, check_config, example_dict, sh

HANGZHOU_MOBILE = "+8613588888888"  # 浙江省杭州市, China Mobile
BEIJING_MOBILE = "+8613800000000"
MONDAY_10 = sh(2, 10, 0)  # 2026-03-02, open hours


def config(**sections: Any) -> Config:
    raw = example_dict()
    raw.update(sections)
    return check_config(raw)


def no_rules(**sections: Any) -> Config:
    empty: dict[str, Any] = {"routes": [], "plans": [], "time_rules": [], "blocking": {},
                             "caps": []}
    return config(**{**empty, **sections})


def ring_ids(plan) -> list[str]:
    return [t.id for s in plan if isinstance(s, RingStep) for t in s.targets]


# --- 30 real numbers to region (phonenumbers' offline data) ---------------------------

REGIONS = [
    ("010 6552 9988", "北京市", "北京市", ""), ("021 6123 4567", "上海市", "上海市", ""),
    ("022 2345 6789", "天津市", "天津市", ""), ("023 6386 1234", "重庆市", "重庆市", ""),
    ("020 8765 4321", "广东省", "广州市", ""), ("0755 8888 1234", "广东省", "深圳市", ""),
    ("0571 8888 6666", "浙江省", "杭州市", ""), ("025 8468 1234", "江苏省", "南京市", ""),
    ("027 8765 4321", "湖北省", "武汉市", ""), ("028 8555 1234", "四川省", "成都市", ""),
    ("029 8765 4321", "陕西省", "西安市", ""), ("024 2345 6789", "辽宁省", "沈阳市", ""),
    ("0531 8888 1234", "山东省", "济南市", ""), ("0532 8888 1234", "山东省", "青岛市", ""),
    ("0591 8765 4321", "福建省", "福州市", ""), ("0592 5123 456", "福建省", "厦门市", ""),
    ("0731 8888 1234", "湖南省", "长沙市", ""), ("0871 6555 1234", "云南省", "昆明市", ""),
    ("0898 6555 1234", "海南省", "海口市", ""), ("0471 6555 123", "内蒙古自治区", "呼和浩特市", ""),
    ("0991 2555 123", "新疆维吾尔自治区", "乌鲁木齐市", ""),
    ("0891 6333 123", "西藏自治区", "拉萨市", ""),
    ("+86 135 8888 8888", "浙江省", "杭州市", "China Mobile"),
    ("13912345678", "江苏省", "常州市", "China Mobile"),
    ("13800000000", "北京市", "北京市", "China Mobile"),
    ("15012345678", "云南省", "昭通市", "China Mobile"),
    ("18612345678", "北京市", "北京市", "China Unicom"),
    ("18912345678", "江苏省", "常州市", "China Telecom"),
    ("13301234567", "北京市", "北京市", "China Telecom"),
    ("0771 5555 123", "广西壮族自治区", "南宁市", ""),
]


@pytest.mark.parametrize(("number", "province", "city", "carrier"), REGIONS,
                         ids=[r[0] for r in REGIONS])
def test_real_numbers_to_region_and_a_rule_by_province_city_and_carrier(
        number: str, province: str, city: str, carrier: str) -> None:
    info = caller_info(no_rules(), number)
    assert info.region.province == province
    assert city in info.region.city.split("、")
    assert info.region.carrier_en == carrier
    from firmware.config.rules import CallerMatch

    short = province.removesuffix("省").removesuffix("市")
    cfg = check_config({"schema_version": 2, "routes": [
        {"name": "r", "to": "busy", "callers": {"provinces": [short], "cities": [city[:-1]],
                                                 **({"carriers": [carrier]} if carrier else {})}}]})
    ok, why = match_caller(cfg.routes[0].callers, info)
    assert ok, why
    other = CallerMatch(provinces=("黑龙江省",))
    assert match_caller(other, info) == (False, f"province {province} is not 黑龙江省")


def test_region_route_first_match_wins_and_every_rule_tried_is_explained() -> None:
    cfg = no_rules(routes=[
        {"name": "beijing", "callers": {"provinces": ["北京"]}, "to": "forward_chain"},
        {"name": "zhejiang mobiles", "callers": {"provinces": ["浙江省"], "carriers": ["中国移动"]},
         "to": "duty"},
        {"name": "hangzhou", "callers": {"cities": ["杭州"]}, "to": "busy"},
    ])
    plan = plan_inbound(cfg, "gsm0", HANGZHOU_MOBILE, MONDAY_10, 2)
    check_plan(plan)
    assert plan.route == "zhejiang mobiles" and not plan.blocked
    assert [s.kind for s in plan] == ["duty", "forward_chain", "hangup"]
    routes = [(t.name, t.matched) for t in plan.trials if t.kind == "route"]
    assert routes == [("beijing", False), ("zhejiang mobiles", True)]  # hangzhou never tried
    text = explain(plan)
    assert "route: zhejiang mobiles" in text
    assert "- route beijing: no: province 浙江省 is not 北京市" in text
    assert "+ route zhejiang mobiles: matched: province 浙江省, carrier 中国移动" in text


def test_no_route_matches_keeps_todays_plan() -> None:
    cfg = no_rules(routes=[{"name": "vip", "callers": {"numbers": ["+8613000000001"]},
                            "to": "hangup"}])
    plan = plan_inbound(cfg, "gsm0", BEIJING_MOBILE, MONDAY_10, 2)
    assert plan.route == "" and [s.kind for s in plan] == ["ring_group", "forward_chain",
                                                         "hangup"]
    assert "no route matched (1 tried): the default plan" in plan.reasons


def test_route_by_line_prefix_and_time_rule() -> None:
    cfg = no_rules(
        time_rules=[{"name": "lunch", "weekly": {d: ["12:00-13:30"] for d in
                                                 ("mon", "tue", "wed", "thu", "fri")}}],
        routes=[{"name": "lunch mobiles", "lines": ["gsm0"], "callers": {"numbers": ["138*"]},
                 "when": "lunch", "to": "ring_group:sales"}])
    at_lunch = plan_inbound(cfg, "gsm0", BEIJING_MOBILE, sh(3, 12, 30), 2)
    assert at_lunch.route == "lunch mobiles"
    assert at_lunch.trials[-1].reason.startswith("line gsm0; number +86138*; when lunch")
    assert plan_inbound(cfg, "gsm0", BEIJING_MOBILE, sh(3, 14, 0), 2).route == ""
    assert plan_inbound(cfg, "gsm0", "+8613912345678", sh(3, 12, 30), 2).route == ""
    # 2025-06-02 is the Dragon Boat Festival holiday: the rule is closed all day
    holiday = plan_inbound(cfg, "gsm0", BEIJING_MOBILE,
                           datetime(2025, 6, 2, 12, 30, tzinfo=SHANGHAI), 2)
    assert holiday.route == "" and "public holiday (端午节" in holiday.trials[-1].reason


def test_unless_and_office_hours_builtin() -> None:
    cfg = no_rules(routes=[{"name": "after hours", "unless": "office_hours", "to": "hangup"}])
    closed = plan_inbound(cfg, "gsm0", BEIJING_MOBILE, sh(2, 20, 0), 2)
    assert closed.route == "after hours"
    (step,) = list(closed)
    assert isinstance(step, Hangup) and step.treatment is Treatment.HANGUP
    assert plan_inbound(cfg, "gsm0", BEIJING_MOBILE, MONDAY_10, 2).route == ""


def test_withheld_caller_route() -> None:
    cfg = no_rules(routes=[{"name": "anonymous", "callers": {"withheld": True},
                            "to": "announcement"}])
    plan = plan_inbound(cfg, "gsm0", None, MONDAY_10, 2)
    assert plan.route == "anonymous"
    assert next(iter(plan)).treatment is Treatment.ANNOUNCEMENT
    assert plan_inbound(cfg, "gsm0", BEIJING_MOBILE, MONDAY_10, 2).route == ""


# --- blocking (G6) ----------------------------------------------------------------------


@pytest.mark.parametrize(("blocking", "caller", "blocked", "why"), [
    ({"blacklist": ["+8613800000000"]}, BEIJING_MOBILE, True, "blacklisted (+8613800000000)"),
    ({"blacklist": ["138*"]}, BEIJING_MOBILE, True, "blacklisted (+86138*)"),
    ({"blacklist": ["138*"], "whitelist": ["13800000000"]}, BEIJING_MOBILE, False,
     "whitelisted"),
    ({"block_withheld": True}, None, True, "withheld numbers are blocked"),
    ({"deny_regions": {"provinces": ["北京"]}}, BEIJING_MOBILE, True, "region deny list"),
    ({"deny_regions": {"provinces": ["北京"]}}, HANGZHOU_MOBILE, False, "not blocked"),
    ({"allow_regions": {"provinces": ["浙江", "江苏"]}}, BEIJING_MOBILE, True,
     "not in the region allow list: province 北京市 is not 浙江省 / 江苏省"),
    ({"allow_regions": {"provinces": ["浙江"]}}, HANGZHOU_MOBILE, False, "region allow list"),
    ({"allow_regions": {"area_codes": ["0571"]}}, "0571 8888 6666", False, "area code 571"),
    ({"deny_regions": {"carriers": ["China Mobile"]}}, HANGZHOU_MOBILE, True, "中国移动"),
])
def test_blocking(blocking: dict, caller: str | None, blocked: bool, why: str) -> None:
    cfg = no_rules(blocking={"treatment": "announcement", **blocking},
                   routes=[{"name": "all", "to": "default"}])
    plan = plan_inbound(cfg, "gsm0", caller, MONDAY_10, 2)
    assert plan.blocked is blocked
    assert why in plan.trials[0].reason
    if blocked:
        (step,) = list(plan)
        assert isinstance(step, Hangup) and step.cause is HangupCause.BLOCKED
        assert step.treatment is Treatment.ANNOUNCEMENT
        assert not any(t.kind == "route" for t in plan.trials)  # blocking comes first
        assert explain(plan).startswith("route: none: the caller is BLOCKED")
    else:
        assert plan.route == "all"


# --- caps (G7) --------------------------------------------------------------------------

TWO_LINES = {"gsm": [{"name": "gsm0", "number": "+8613800138000"},
                     {"name": "gsm1", "number": "+8613800138001"}],
             "fxs": [{"name": f"fxs{i}"} for i in range(4)]}


def capped(limits: list[dict], line: str = "gsm0") -> Config:
    return no_rules(lines=TWO_LINES, caps=[{"line": line, "limits": limits,
                                            "notify": ["zhang", "+8613512345678"]}])


def usage(**lines: LineUsage) -> Usage:
    return Usage("2025-06", lines)


def test_inbound_calls_cap_reached_rejects_and_tells_the_owner() -> None:
    cfg = capped([{"counter": "inbound_calls", "max": 100, "action": "reject"}])
    plan = plan_inbound(cfg, "gsm0", BEIJING_MOBILE, MONDAY_10, 2,
                        usage=usage(gsm0=LineUsage(inbound_calls=100)))
    (step,) = list(plan)
    assert isinstance(step, Hangup) and step.cause is HangupCause.CAP_REACHED
    (hit,) = plan.cap_hits
    assert (hit.line, hit.counter, hit.used, hit.limit, hit.month) == (
        "gsm0", "inbound_calls", 100, 100, "2025-06")
    assert hit.notify == ("+8613912345678", "+8613512345678")
    below = plan_inbound(cfg, "gsm0", BEIJING_MOBILE, MONDAY_10, 2,
                         usage=usage(gsm0=LineUsage(inbound_calls=99)))
    assert not below.cap_hits and below.start.startswith("ring_group")
    assert "cap gsm0 inbound_calls: 99 of 100, not reached" in below.reasons
    assert [(t.kind, t.name, t.matched) for t in below.trials][1] == (
        "cap", "gsm0 inbound_calls", False)
    # a call on the other line is not counted against gsm0's inbound cap
    other = plan_inbound(cfg, "gsm1", BEIJING_MOBILE, MONDAY_10, 2,
                         usage=usage(gsm0=LineUsage(inbound_calls=500)))
    assert not other.cap_hits


def test_voicemail_action_takes_a_message_in_the_caps_box() -> None:
    cfg = capped([{"counter": "inbound_minutes", "max": 10, "action": "voicemail"}])
    cfg = replace(cfg, caps=(replace(cfg.caps[0], voicemail="801"),))
    plan = plan_inbound(cfg, "gsm0", BEIJING_MOBILE, MONDAY_10, 2,
                        usage=usage(gsm0=LineUsage(inbound_minutes=12.5)))
    (step,) = list(plan)
    assert isinstance(step, Voicemail) and step.box == "801" and step.id == "cap_voicemail"
    assert step.exits == {} and step.ending() == "voicemail for 801"
    assert plan.cap_hits[0].action == "voicemail"  # the owner is still told
    assert "cap reached: to voicemail for 801 (the line's caps name box 801)" in plan.reasons, \
        plan.reasons


def test_voicemail_action_without_a_box_uses_the_inbound_group_else_refuses() -> None:
    cfg = capped([{"counter": "inbound_calls", "max": 10, "action": "voicemail"}])
    reached = usage(gsm0=LineUsage(inbound_calls=10))
    (step,) = list(plan_inbound(cfg, "gsm0", BEIJING_MOBILE, MONDAY_10, 2, usage=reached))
    assert isinstance(step, Voicemail) and step.box == cfg.inbound.ring_group
    no_group = replace(cfg, inbound=replace(cfg.inbound, ring_group=None))
    (step,) = list(plan_inbound(no_group, "gsm0", BEIJING_MOBILE, MONDAY_10, 2, usage=reached))
    assert isinstance(step, Hangup) and step.cause is HangupCause.CAP_REACHED
    assert "no voicemail box: refused (neither the line's caps nor an inbound" in step.reason


def test_outbound_cap_on_the_other_line_stops_mobiles_only() -> None:
    cfg = capped([{"counter": "outbound_minutes", "max": 60, "action": "no_mobiles"}],
                 line="gsm1")
    plan = plan_inbound(cfg, "gsm0", BEIJING_MOBILE, MONDAY_10, 2,
                        usage=usage(gsm1=LineUsage(outbound_minutes=61)))
    assert ring_ids(plan) == ["801", "802", "804"]  # zhang and the chain left out
    assert plan.avoid_lines == ("gsm1",)
    assert any("outbound minutes cap reached on gsm1: no calls to mobiles" in r
               for r in plan.reasons)
    closed = plan_inbound(cfg, "gsm0", BEIJING_MOBILE, sh(2, 20, 0), 2,
                          usage=usage(gsm1=LineUsage(outbound_minutes=61)))
    (step,) = list(closed)
    assert step.cause is HangupCause.CLOSED and "cap reached" in step.reason


def test_no_usage_means_caps_are_not_checked() -> None:
    cfg = capped([{"counter": "inbound_calls", "max": 1}])
    plan = plan_inbound(cfg, "gsm0", BEIJING_MOBILE, MONDAY_10, 2)
    assert not plan.cap_hits and "caps: usage not known, not checked" in plan.reasons


# --- plan graphs --------------------------------------------------------------------------


def test_plan_graph_exits_and_fall_through() -> None:
    cfg = no_rules(
        plans=[{"name": "p", "steps": [
            {"id": "desk", "do": "ring_group:sales", "on": {"busy": "duty", "no_answer": "chain"}},
            {"id": "chain", "do": "forward_chain", "on": {"busy": "sorry"}},
            {"id": "duty", "do": "duty"},
            {"id": "sorry", "do": "announcement"}]}],
        routes=[{"name": "all", "to": "plan:p"}])
    plan = plan_inbound(cfg, "gsm0", BEIJING_MOBILE, MONDAY_10, 2)
    check_plan(plan, loops=True)
    desk, chain, duty, sorry = (plan.step(i) for i in ("desk", "chain", "duty", "sorry"))
    assert desk.exits["busy"] == "duty" and desk.exits["no_answer"] == "chain"
    assert desk.exits["all_unavailable"] == "chain"  # not named: the next step
    assert chain.exits["busy"] == "sorry" and chain.exits["no_answer"] == "duty"
    assert duty.exits["no_answer"] == "sorry"  # falls through to the next in the list
    assert isinstance(sorry, Hangup) and sorry.treatment is Treatment.ANNOUNCEMENT
    assert "end" not in plan.steps  # every path ends at "sorry": no implicit hang-up needed


def test_plan_graph_with_a_loop_that_has_an_exit_is_accepted_and_ends() -> None:
    cfg = no_rules(
        plans=[{"name": "again", "steps": [
            {"id": "a", "do": "ring_group:sales", "on": {"no_answer": "b", "busy": "b"}},
            {"id": "b", "do": "duty", "on": {"no_answer": "a", "busy": "a"}}]}],
        routes=[{"name": "all", "to": "plan:again"}])
    answer = route_answer(cfg, "gsm0", BEIJING_MOBILE, MONDAY_10, 2)
    assert answer.targets == ("801", "802", "804", "+8613912345678")  # zhang rings once
    assert answer.ending.startswith("hang up (nobody_answered")


def test_route_answer_json() -> None:
    cfg = config()  # the documented example: a Zhejiang route on workdays
    doc = route_answer(cfg, "gsm0", HANGZHOU_MOBILE, sh(3, 9, 0), 2).to_json()
    assert doc["route"] == "zhejiang customers" and doc["blocked"] is False
    assert doc["targets"][:3] == ["801", "802", "804"]
    assert doc["rules"][0] == {"kind": "blocking", "name": "blocking", "matched": False,
                               "reason": "not blocked"}
    blocked = route_answer(cfg, "gsm0", "+8616512345678", sh(3, 9, 0), 2).to_json()
    assert blocked["blocked"] is True and blocked["targets"] == []
    assert blocked["route"] is None


@pytest.mark.parametrize("to", ["ring_group:sales", "plan:p"])
def test_a_vip_on_a_route_to_a_group_still_rings_their_staff_first(to: str) -> None:
    cfg = no_rules(
        vip={"numbers": [BEIJING_MOBILE], "targets": ["803"], "ring_time": 15},
        plans=[{"name": "p", "steps": [{"id": "desk", "do": "ring_group:sales"},
                                       {"id": "chain", "do": "forward_chain"}]}],
        routes=[{"name": "all", "to": to}])
    plan = plan_inbound(cfg, "gsm0", BEIJING_MOBILE, MONDAY_10, 2)
    check_plan(plan, loops=True)
    first = plan.step(plan.start)
    assert first.kind == "preferred" and [t.id for t in first.targets] == ["803"]
    assert first.exits["answered"] == "done"
    after = plan.step(first.exits["no_answer"])
    assert after.kind == "ring_group" and first.exits["busy"] == after.id
    others = plan_inbound(cfg, "gsm0", HANGZHOU_MOBILE, MONDAY_10, 2)
    assert others.step(others.start).kind == "ring_group"  # not a VIP: the group first
    assert plan.vip and not others.vip
