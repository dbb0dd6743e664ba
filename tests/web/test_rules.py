"""The Rules and Schedules pages: VIP callers, designated agents and block lists saved
through the box's validator (a refusal names the field and changes nothing), the routes
listed in order, the monthly caps with this month's counters from the call records,
"test a call" with the routing engine's own answer, the holiday calendar, time rules."""

from __future__ import annotations

import copy
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from firmware.cdr.store import CdrStore, records_path
from firmware.routing import Usage, route_answer
from firmware.service import BoxService
from tests.cdr.helpers import end, start
from tests.web.client import Client
from tests.web.conftest import EXAMPLE, NOW, example_office

SHANGHAI = ZoneInfo("Asia/Shanghai")
HOSTILE = '<script>alert("x")</script>'


@pytest.fixture
def box(data: Path) -> tuple[Client, BoxService]:
    return example_office(data)


def _vip_form(**change: str) -> dict[str, str]:
    form = {"vip_numbers": "13700001111\n+8613700002222", "vip_prefixes": "+86135000",
            "vip_targets": "803, david", "vip_ring_time": "25",
            "designated": "0571 8888 8888, 804", "returning_caller_days": "7"}
    return {**form, **change}


def test_the_rules_page_shows_the_vip_and_block_lists(box) -> None:
    client, _ = box
    page = client.get("/rules").text
    assert 'name="vip_numbers"' in page and "+8613700001111" in page
    assert "+8657188888888, david" in page
    assert 'name="returning_caller_days" value="30"' in page
    assert "+86165*" in page and 'name="deny_regions.provinces"' in page
    assert '<option value="busy" selected>' in page


def test_saving_the_vip_list(box) -> None:
    client, service = box
    reply = client.post("/rules/vip", _vip_form())
    assert reply.status == 303, reply.text
    config = service.config()
    assert config["vip"] == {"numbers": ["+8613700001111", "+8613700002222"],
                             "prefixes": ["+86135000"], "targets": ["803", "david"],
                             "ring_time": 25}
    assert config["designated"] == [{"caller": "+8657188888888", "agent": "804"}]
    assert config["returning_caller_days"] == 7
    assert "已保存" in client.get("/rules").text


@pytest.mark.parametrize(("change", "field"), [
    ({"vip_targets": "803, nobody"}, "vip.targets[1]"),
    ({"vip_ring_time": "2"}, "vip.ring_time"),
    ({"vip_ring_time": "soon"}, "vip_ring_time"),
    ({"vip_ring_time": "²"}, "vip_ring_time"),  # str.isdigit() says yes, int() says no
    ({"returning_caller_days": "٣"}, "returning_caller_days"),  # an Arabic-Indic three
    ({"designated": "0571 8888 8888"}, "designated[0]"),
    ({"returning_caller_days": "-1"}, "returning_caller_days"),
])
def test_a_refused_vip_form_names_the_field_and_changes_nothing(box, change, field) -> None:
    client, service = box
    before = service.config()
    reply = client.post("/rules/vip", _vip_form(**change))
    assert reply.status == 422
    assert f'data-field="{field}' in reply.text
    assert service.config() == before
    typed = next(iter(change.values()))
    assert typed in reply.text  # what the owner typed comes back


def test_saving_the_block_lists(box) -> None:
    client, service = box
    reply = client.post("/rules/blocking", {
        "blacklist": "17000000000\n+86165*", "whitelist": "+8613912345678",
        "block_withheld": "1", "deny_regions.provinces": "浙江, 上海",
        "allow_regions.area_codes": "", "treatment": "announcement"})
    assert reply.status == 303, reply.text
    blocking = service.config()["blocking"]
    assert blocking["blacklist"] == ["+8617000000000", "+86165*"]
    assert blocking["block_withheld"] is True
    assert blocking["deny_regions"]["provinces"] == ["浙江省", "上海市"]
    assert not any(blocking["allow_regions"].values())
    assert blocking["treatment"] == "announcement"
    # the caller it now denies is refused by the routing engine itself
    api = client.api("GET", "/api/explain?caller=13588888888&line=gsm0&at=2026-06-02T10:00")
    assert api.json()["blocked"] is True


def test_a_refused_block_list_changes_nothing(box) -> None:
    client, service = box
    before = service.config()
    reply = client.post("/rules/blocking", {"blacklist": "not a number", "treatment": "busy"})
    assert reply.status == 422
    assert 'data-field="blocking.blacklist[0]' in reply.text
    assert "not a number" in reply.text
    bad = client.post("/rules/blocking", {"treatment": "shout"})
    assert bad.status == 422 and 'data-field="treatment' in bad.text
    assert service.config() == before


def test_the_forms_need_the_csrf_token(box) -> None:
    client, service = box
    before = service.config()
    assert client.post("/rules/vip", _vip_form(), csrf=False).status == 403
    assert client.post("/rules/blocking", {"treatment": "busy"}, csrf=False).status == 403
    assert service.config() == before


def test_the_routes_are_listed_in_order(box) -> None:
    client, _ = box
    page = client.get("/rules").text
    first, second = page.index("zhejiang customers"), page.index("hangzhou landlines at night")
    assert first < second
    assert "省份 浙江省" in page and "呼叫方案 zhejiang" in page
    assert 'href="/config/routes"' in page


def test_test_a_call_shows_the_routing_engines_answer(box) -> None:
    client, service = box
    page = client.get("/rules?caller=13588888888&line=gsm0&at=2026-06-02T10:00").text
    expected = route_answer(service.config_object(), "gsm0", "+8613588888888",
                            datetime(2026, 6, 2, 10, 0, tzinfo=SHANGHAI),
                            usage=Usage("2026-06"))  # no records: nothing used
    assert "<b>zhejiang customers</b>" in page
    assert "801, 802, 804" in page
    assert 'id="trials"' in page
    assert expected.route == "zhejiang customers"
    api = client.api("GET", "/api/explain?caller=13588888888&line=gsm0&at=2026-06-02T10:00")
    doc = api.json()
    assert doc["route"] == "zhejiang customers"
    assert doc["targets"] == list(expected.targets)
    assert doc["ending"] == expected.ending
    assert doc["answer"] == expected.text()
    assert doc["open"] is True and doc["steps"][0] == "ring_group"  # the fields it had
    bad = client.get("/rules?caller=1&at=someday")
    assert bad.status == 400 and 'data-field="at' in bad.text


@pytest.fixture
def counted(box) -> tuple[Client, BoxService]:
    """Three inbound calls on gsm0 this month (one of them blocked: not counted), one
    last month; the inbound cap is 2."""
    client, service = box
    config = copy.deepcopy(EXAMPLE)
    config["caps"][0]["limits"][0]["max"] = 2
    service.replace_config(config)
    with CdrStore(records_path(service.data_dir), preload_regions=False) as store:
        times = [NOW - timedelta(days=3), NOW - timedelta(days=2), NOW - timedelta(days=1),
                 NOW - timedelta(days=20)]
        for i, at in enumerate(times):
            call = store.begin_call(start("13588888888", at, line="gsm0", call_id=f"c{i}"))
            result = "blocked" if i == 2 else "answered"
            store.end_call(call, end(at + timedelta(seconds=90), result,
                                     talk_s=0 if i == 2 else 60))
    return client, service


def test_caps_show_this_months_counters(counted) -> None:
    client, service = counted
    usage = service.month_usage()
    assert usage["month"] == "2026-06"
    assert usage["lines"]["gsm0"]["inbound_calls"] == 2
    page = client.get("/rules").text
    assert "<b>2 / 2</b>" in page and 'class="limit reached' in page
    assert "<b>0 / 1000</b>" in page
    client.get("/lang/en?back=/rules")
    english = client.get("/rules").text
    assert "inbound calls" in english and "reached" in english


def test_a_reached_cap_shows_in_test_a_call(counted) -> None:
    client, _ = counted
    doc = client.api("GET", "/api/explain?caller=13588888888&line=gsm0"
                            "&at=2026-06-15T11:00").json()
    assert doc["caps_reached"] and "gsm0" in doc["caps_reached"][0]
    assert doc["blocked"] is False and doc["targets"] == []
    # next month the counters start again
    july = client.api("GET", "/api/explain?caller=13588888888&line=gsm0"
                             "&at=2026-07-01T10:00").json()
    assert july["caps_reached"] == []


def test_a_voicemail_cap_shows_the_box_in_test_a_call(counted) -> None:
    client, service = counted
    config = service.config()
    config["caps"][0]["limits"][0]["action"] = "voicemail"
    config["caps"][0]["voicemail"] = "801"
    service.replace_config(config)
    doc = client.api("GET", "/api/explain?caller=13588888888&line=gsm0"
                            "&at=2026-06-15T11:00").json()
    assert doc["blocked"] is False and doc["targets"] == []
    assert doc["ending"] == "voicemail for 801", doc
    page = client.get("/rules?caller=13588888888&line=gsm0&at=2026-06-15T11:00").text
    assert "已达到上限：转到 801 的语音信箱（该线路的上限设置指定了信箱 801）" in page


def test_the_holiday_calendar_of_the_year(box) -> None:
    client, _ = box
    page = client.get("/schedule?day=2026-03-01").text
    assert 'id="holidays"' in page
    assert "2026-02-15 – 2026-02-23" in page and "春节" in page
    assert "2026-02-14" in page and "调休上班日" in page
    assert "2026-10-01 – 2026-10-07" in page
    bad = client.get("/schedule?day=someday")
    assert 'data-field="day' in bad.text
    far = client.get("/schedule?day=2099-05-01").text
    assert "2099" in far and "每天按星期计算" in far


def test_the_time_rules_are_listed(box) -> None:
    client, _ = box
    client.get("/lang/en?back=/schedule")
    page = client.get("/schedule").text
    assert "workdays" in page and "Monday 08:30-18:00" in page
    assert "2026-12-31 08:30-12:00" in page
    assert 'href="/config/time_rules"' in page


def test_values_from_outside_are_escaped(box) -> None:
    client, service = box
    config = copy.deepcopy(EXAMPLE)
    config["routes"][0]["name"] = HOSTILE
    service.replace_config(config)
    page = client.get("/rules?caller=" + "%3Cb%3E" + "&at=2026-06-02T10:00").text
    assert HOSTILE not in page and "&lt;script&gt;" in page
    assert 'value="&lt;b&gt;"' in page
