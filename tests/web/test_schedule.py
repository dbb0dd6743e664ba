"""The Schedules page's forms: the duty roster, time rules and the company's own days.

Each form saves through the box's validator: a good one is stored and redirects to its
card, a refused one answers 422 beside its form, names the field, shows what the owner
typed and changes nothing; a form without the session's CSRF token changes nothing.
Renaming a time rule renames it in the routes; a rule a route uses is not deleted.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest

from firmware.service import BoxService
from tests.web.client import Client
from tests.web.conftest import EXAMPLE, example_office


@pytest.fixture
def box(data: Path) -> tuple[Client, BoxService]:
    client, service = example_office(data)
    client.get("/schedule")
    return client, service


def _card(page: str, card: str) -> str:
    """The HTML of one card of the page (`<section ... id="card">`), quotes unescaped."""
    found = re.search(rf'<section class="card" id="{card}">(.*?)</section>', page, re.S)
    assert found, card
    return html.unescape(found.group(1))


def _rule_form(**change: str) -> dict[str, str]:
    form = {"original": "", "name": "lunch", "w_mon": "12:00-13:30", "w_tue": "", "w_wed": "",
            "w_thu": "", "w_fri": "12:00-13:00", "w_sat": "", "w_sun": "", "dates": "",
            "holidays": "closed", "adjusted": "mon"}
    return {**form, **change}


# --- the duty roster -----------------------------------------------------------------------


def test_a_roster_entry_is_added_edited_and_deleted(box) -> None:
    client, service = box
    roster = service.config()["duty_roster"]
    roster["entries"] = roster["entries"][:2]  # free the weekend for the new entry
    service.replace_config({**service.config(), "duty_roster": roster})
    reply = client.post("/schedule/roster", {"index": "", "days": ["sat", "sun"],
                                             "hours": "18:00 – 24:00", "person": "wang"})
    assert reply.status == 303 and reply.location.endswith("/schedule#roster"), reply.text
    entries = service.config()["duty_roster"]["entries"]
    assert entries[-1] == {"days": ["sat", "sun"], "hours": "18:00-24:00", "person": "wang"}
    page = client.get("/schedule").text
    assert "已保存" in page
    edited = client.post("/schedule/roster", {"index": "2", "days": ["sun", "sat"], "hours": "",
                                              "person": "david"})
    assert edited.status == 303
    assert service.config()["duty_roster"]["entries"][2] == {
        "days": ["sat", "sun"], "hours": "00:00-24:00", "person": "david"}
    deleted = client.post("/schedule/roster", {"index": "0", "delete": "1"})
    assert deleted.status == 303
    assert [e["person"] for e in service.config()["duty_roster"]["entries"]] == ["wang", "david"]


def test_an_overlapping_entry_is_refused_beside_the_form_and_kept(box) -> None:
    client, service = box
    client.get("/lang/en?back=/schedule")  # reasons in English (Chinese: test_reasons.py)
    before = service.config()
    reply = client.post("/schedule/roster", {"index": "", "days": ["mon", "fri"],
                                             "hours": "20:00-23:00", "person": "david"})
    assert reply.status == 422
    roster = _card(reply.text, "roster")
    assert "duty_roster.entries[3]" in roster and "overlaps entries[0]" in roster
    new = roster[roster.index('id="roster-new"'):]
    assert 'value="20:00-23:00"' in new
    assert 'value="mon" checked' in new and 'value="fri" checked' in new
    assert 'value="tue" checked' not in new
    assert '<option value="david" selected>' in new
    assert "duty_roster" not in _card(reply.text, "time_rules")  # only beside its own form
    assert service.config() == before


def test_roster_refusals_name_the_field(box) -> None:
    client, service = box
    before = service.config()
    no_days = client.post("/schedule/roster", {"index": "0", "hours": "", "person": "zhang"})
    assert no_days.status == 422 and "duty_roster.entries[0].days" in no_days.text
    assert "请至少填写一天" in no_days.text
    nobody = client.post("/schedule/roster", {"index": "", "days": ["sat"], "person": ""})
    assert nobody.status == 422 and "duty_roster.entries[3].person" in nobody.text
    bad_day = client.post("/schedule/roster", {"index": "", "days": ["someday"],
                                               "person": "zhang"})
    assert bad_day.status == 422 and 'data-field="days"' in bad_day.text
    two = client.post("/schedule/roster", {"index": "", "days": ["sat"], "person": "zhang",
                                           "hours": "08:00-09:00, 10:00-11:00"})
    assert two.status == 422 and "只能填一个时间段" in two.text
    gone = client.post("/schedule/roster", {"index": "9", "days": ["sat"], "person": "zhang"})
    assert gone.status == 422 and "该项已不存在" in gone.text
    assert service.config() == before


def test_the_default_person_or_nobody(box) -> None:
    client, service = box
    client.get("/lang/en?back=/schedule")  # reasons in English (Chinese: test_reasons.py)
    assert client.post("/schedule/roster/default", {"default": "wang"}).status == 303
    assert service.config()["duty_roster"]["default"] == "wang"
    page = client.get("/schedule").text
    assert '<option value="wang" selected>王芳 (wang)</option>' in _card(page, "roster")
    assert client.post("/schedule/roster/default", {"default": ""}).status == 303
    assert service.config()["duty_roster"]["default"] is None
    bad = client.post("/schedule/roster/default", {"default": "ghost"})
    assert bad.status == 422 and 'unknown bound number "ghost"' in _card(bad.text, "roster")
    assert service.config()["duty_roster"]["default"] is None


def test_refused_weekly_hours_keep_what_was_typed(box) -> None:
    client, service = box
    form = {d: "" for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}
    bad = client.post("/schedule", {**form, "mon": "09:00-12:00，13:00-18:00", "tue": "17-9"})
    assert bad.status == 422
    hours = _card(bad.text, "hours")
    assert "schedule.tue[0]" in hours and 'value="17-9"' in hours
    assert 'value="09:00-12:00，13:00-18:00"' in hours
    assert service.config()["schedule"]["tue"] == EXAMPLE["schedule"]["tue"]


# --- time rules ------------------------------------------------------------------------------


def test_a_new_time_rule_with_dates_and_holiday_modes(box) -> None:
    client, service = box
    reply = client.post("/schedule/rule", _rule_form(
        dates="2026-12-24 12:00-12:30\n2026-12-25 休息\n2026-12-31: closed",
        holidays="weekly", adjusted=""))
    assert reply.status == 303 and reply.location.endswith("/schedule#time_rules"), reply.text
    rule = service.config()["time_rules"][-1]
    assert rule["name"] == "lunch" and rule["weekly"]["mon"] == ["12:00-13:30"]
    assert rule["dates"] == [{"date": "2026-12-24", "hours": ["12:00-12:30"]},
                             {"date": "2026-12-25", "hours": []},
                             {"date": "2026-12-31", "hours": []}]
    assert rule["holidays"] == "weekly" and rule["adjusted_workday_hours"] is None
    editor = _card(client.get("/schedule?rule=lunch").text, "time_rules")
    assert 'name="original" value="lunch"' in editor
    assert "2026-12-25 休息" in editor and 'value="12:00-13:30"' in editor
    assert '<option value="" selected>' in editor  # the day's own hours


def test_renaming_a_time_rule_renames_it_in_the_routes(box) -> None:
    client, service = box
    rule = next(r for r in EXAMPLE["time_rules"] if r["name"] == "workdays")
    form = _rule_form(original="workdays", name="weekdays", dates="2026-12-31 08:30-12:00",
                      **{f"w_{d}": ", ".join(rule["weekly"].get(d, [])) for d in
                         ("mon", "tue", "wed", "thu", "fri", "sat", "sun")})
    reply = client.post("/schedule/rule", form)
    assert reply.status == 303, reply.text
    config = service.config()
    assert [r["name"] for r in config["time_rules"]] == ["weekdays", "night"]
    assert config["routes"][0]["when"] == "weekdays"
    assert config["time_rules"][0]["weekly"] == {**rule["weekly"], "sat": [], "sun": []}
    assert "zhejiang customers" in _card(client.get("/schedule").text, "time_rules")


def test_a_time_rule_a_route_uses_is_not_deleted(box) -> None:
    client, service = box
    before = service.config()
    reply = client.post("/schedule/rule", _rule_form(original="night", name="night",
                                                     delete="1"))
    assert reply.status == 422
    rules = _card(reply.text, "time_rules")
    assert "时间规则 night 正被路由 hangzhou landlines at night（时间）使用" in rules
    assert service.config() == before
    client.get("/lang/en?back=/schedule")
    english = client.post("/schedule/rule", _rule_form(original="night", delete="1"))
    assert "Time rule night is used by the route(s) hangzhou landlines at night (When)" \
        in english.text
    assert client.post("/schedule/rule", _rule_form()).status == 303  # "lunch", unused
    assert client.post("/schedule/rule", _rule_form(original="lunch", delete="1")).status == 303
    assert [r["name"] for r in service.config()["time_rules"]] == ["workdays", "night"]


def test_time_rule_refusals_keep_the_editor(box) -> None:
    client, service = box
    before = service.config()
    overlap = client.post("/schedule/rule", _rule_form(w_mon="09:00-12:00, 11:00-13:00"))
    assert overlap.status == 422
    rules = _card(overlap.text, "time_rules")
    assert "time_rules[2].weekly.mon[1]" in rules and "重叠" in rules
    assert 'value="09:00-12:00, 11:00-13:00"' in rules and 'name="name" value="lunch"' in rules
    line = client.post("/schedule/rule", _rule_form(dates="2026-12-31"))
    assert line.status == 422 and 'data-field="dates[0]"' in line.text
    assert "先写日期，再写时间或“休息”" in line.text
    assert ">2026-12-31</textarea>" in line.text
    date = client.post("/schedule/rule", _rule_form(dates="2026-13-01 closed"))
    assert date.status == 422 and "time_rules[2].dates[0].date" in date.text
    taken = client.post("/schedule/rule", _rule_form(name="night"))
    assert taken.status == 422
    assert "时间规则“night”与第 [1] 项重复" in _card(taken.text, "time_rules")
    builtin = client.post("/schedule/rule", _rule_form(name="office_hours"))
    assert builtin.status == 422 and "time_rules[2].name" in builtin.text
    mode = client.post("/schedule/rule", _rule_form(holidays="sometimes"))
    assert mode.status == 422 and 'data-field="holidays"' in mode.text
    gone = client.post("/schedule/rule", _rule_form(original="ghost"))
    assert gone.status == 422 and 'data-field="original"' in gone.text
    assert service.config() == before


# --- the company's own days ------------------------------------------------------------------


def test_company_days_are_added_shown_and_removed(box) -> None:
    client, service = box
    reply = client.post("/schedule/calendar", {"kind": "holiday", "first": "2027-02-06",
                                               "last": "2027-02-08", "name": "春节 Spring"})
    assert reply.status == 303, reply.text
    assert reply.location.endswith("/schedule?day=2027-02-06#calendar")  # that year shown
    assert client.post("/schedule/calendar", {"kind": "workday", "first": "2027-02-13",
                                              "name": ""}).status == 303
    calendar = service.config()["calendar"]
    assert calendar["holidays"] == [
        {"date": "2027-01-04", "name": "盘点 stock-taking"},
        *({"date": f"2027-02-0{d}", "name": "春节 Spring"} for d in (6, 7, 8))]
    assert calendar["workdays"] == [{"date": "2027-01-09", "name": "盘点补班 make-up day"},
                                    "2027-02-13"]
    page = _card(client.get("/schedule?day=2027-02-01").text, "calendar")
    assert "只有公司自定的日期生效" in page
    holidays = page[page.index('id="holidays"'):page.index('id="company_days"')]
    assert '<tr class="holiday company"><td>2027-02-06 – 2027-02-08</td>' in holidays
    assert "公司假日：春节 Spring" in holidays and "本公司" in holidays
    assert '<tr class="workday company"><td>2027-02-13</td>' in holidays
    own = page[page.index('id="company_days"'):]
    assert "2027-02-06 – 2027-02-08 (3 天)" in own and "（未命名）" in own
    renamed = client.post("/schedule/calendar", {"kind": "holiday", "first": "2027-02-07",
                                                 "name": "初一"})
    assert renamed.status == 303
    assert {"date": "2027-02-07", "name": "初一"} in service.config()["calendar"]["holidays"]
    removed = client.post("/schedule/calendar", {"kind": "holiday", "first": "2027-02-06",
                                                 "last": "2027-02-08", "remove": "1"})
    assert removed.status == 303
    assert service.config()["calendar"]["holidays"] == [
        {"date": "2027-01-04", "name": "盘点 stock-taking"}]


def test_the_year_table_marks_package_and_company_days(box) -> None:
    client, _ = box
    assert client.post("/schedule/calendar", {"kind": "workday", "first": "2026-10-01",
                                              "name": "值班"}).status == 303
    page = _card(client.get("/schedule?day=2026-10-01").text, "calendar")
    assert '<tr class="workday company"><td>2026-10-01</td>' in page
    assert "公司上班日：值班" in page
    assert "<td>2026-10-02 – 2026-10-07</td>" in page and "国家法定" in page  # the rest
    assert "数据包没有" not in page


def test_company_day_refusals_keep_the_form(box) -> None:
    client, service = box
    before = service.config()
    both = client.post("/schedule/calendar", {"kind": "workday", "first": "2027-01-04",
                                              "name": "加班"})
    assert both.status == 422
    card = _card(both.text, "calendar")
    assert "calendar.workdays[0].date" in card and "同时是节假日（holidays[0]）" in card
    form = card[card.index('id="own_form"'):]
    assert '<option value="workday" selected>' in form
    assert 'name="first" value="2027-01-04"' in form and 'value="加班"' in form
    for fields, field, words in [
        ({"kind": "holiday", "first": "2027-02-30"}, "first", "不是日期"),
        ({"kind": "holiday", "first": "2027-02-06", "last": "2027-02-01"}, "last",
         "早于开始日期（2027-02-06）"),
        ({"kind": "holiday", "first": "2027-01-01", "last": "2027-12-31"}, "last",
         "一次最多添加 62 天"),
        ({"kind": "party", "first": "2027-02-06"}, "kind", "不是可选项"),
        ({"kind": "holiday", "first": "2027-02-06", "name": "长" * 65},
         "calendar.holidays[1].name", "超过 64 个字符"),
    ]:
        reply = client.post("/schedule/calendar", fields)
        assert reply.status == 422, fields
        assert f'data-field="{field}"' in reply.text and words in reply.text, fields
    assert service.config() == before


# --- every form refuses a post without the session's token ----------------------------------


@pytest.mark.parametrize(("path", "fields"), [
    ("/schedule", {"mon": "10:00-11:00"}),
    ("/schedule/roster", {"index": "0", "delete": "1"}),
    ("/schedule/roster/default", {"default": ""}),
    ("/schedule/rule", _rule_form()),
    ("/schedule/calendar", {"kind": "holiday", "first": "2027-03-01"}),
])
def test_forms_without_the_csrf_token_change_nothing(box, path: str, fields: dict) -> None:
    client, service = box
    before = service.config()
    assert client.post(path, fields, csrf=False).status == 403
    assert client.post(path, {**fields, "csrf": "forged"}).status == 403
    assert client.post(path, fields, origin="http://evil.example").status == 403
    assert service.config() == before


# --- languages, the JSON edit and the API ----------------------------------------------------


def test_the_page_in_both_languages(box) -> None:
    client, _ = box
    zh = client.get("/schedule?day=2027-01-05", headers={"Accept-Language": "zh-CN"}).text
    for words in ("值班表", "新增值班安排", "新建时间规则", "公司自定的假日与上班日",
                  "2027 年节假日与调休上班日", "周六", "公司假日：盘点 stock-taking"):
        assert words in zh, words
    client.get("/lang/en?back=/schedule")
    en = html.unescape(client.get("/schedule?day=2027-01-05").text)
    for words in ("Duty roster", "New entry", "New time rule",
                  "The company's own holidays and working days",
                  "Holidays and adjusted working days of 2027", " Sat</label>",
                  "company holiday: 盘点 stock-taking", "only the company's own days of 2027"):
        assert words in en, words
    assert "值班表" not in en and "Duty roster" not in zh


def test_the_calendar_section_as_json_and_through_the_api(box) -> None:
    client, service = box
    page = client.get("/config/calendar").text
    assert "2027-01-04" in page
    value = json.dumps({"holidays": ["2028-01-03"], "workdays": []})
    assert client.post("/config/calendar", {"value": value}).status == 303
    assert service.config()["calendar"] == {"holidays": ["2028-01-03"], "workdays": []}
    bad = client.post("/config/calendar", {"value": '{"holidays": ["2028-02-30"]}'})
    assert bad.status == 422 and "calendar.holidays[0]" in bad.text
    token = client.app.config["switchboard.web"].owner.add_token("script")
    doc = client.api("GET", "/api/config", token=token).json()
    assert doc["calendar"]["holidays"] == ["2028-01-03"]
    old = {k: v for k, v in doc.items() if k != "calendar"}  # a file from before the section
    assert client.api("PUT", "/api/config", old, token=token).status == 200
    assert service.config()["calendar"] == {"holidays": [], "workdays": []}
    refused = client.api("PUT", "/api/config", {**doc, "calendar": {
        "holidays": ["2028-01-03"], "workdays": ["2028-01-03"]}}, token=token)
    assert refused.status == 422
    assert refused.json()["errors"][0]["field"] == "calendar.workdays[0].date"


def test_explain_says_a_company_holiday_closed_the_time_rule(box) -> None:
    client, _ = box
    doc = client.api("GET", "/api/explain?caller=13588888888&line=gsm0"
                            "&at=2027-01-04T10:00").json()
    route = next(r for r in doc["rules"] if r["name"] == "zhejiang customers")
    assert route["matched"] is False
    assert "2027-01-04 is a company holiday (盘点 stock-taking)" in route["reason"]


# --- office hours follow the calendar; holiday duty (issue 9 §2) --------------------------


def _hours_form(**change: str) -> dict[str, str]:
    form = {d: "" for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}
    return {**form, "mon": "09:00-18:00", "calendar_part": "1", "follow_calendar": "1",
            "adjusted": "mon", **change}


def test_the_calendar_switch_and_adjusted_day_hours_are_saved(box) -> None:
    client, service = box
    page = _card(client.get("/schedule").text, "hours")
    assert 'name="follow_calendar" value="1" checked' in page
    assert "按国家法定节假日安排" in page and "按节假日安排" in page
    off = client.post("/schedule", _hours_form(follow_calendar="", adjusted=""))
    assert off.status == 303, off.text
    schedule = service.config()["schedule"]
    assert schedule["follow_calendar"] is False and schedule["adjusted_workday_hours"] is None
    assert 'name="follow_calendar" value="1" >' in _card(client.get("/schedule").text, "hours")
    on = client.post("/schedule", _hours_form(adjusted="sat", mon="19:00-08:00"))
    assert on.status == 303, on.text
    schedule = service.config()["schedule"]
    assert (schedule["follow_calendar"], schedule["adjusted_workday_hours"]) == (True, "sat")
    assert schedule["mon"] == ["19:00-08:00"]  # past midnight


def test_a_form_without_the_calendar_part_keeps_the_switch(box) -> None:
    client, service = box
    assert client.post("/schedule", _hours_form(follow_calendar="")).status == 303
    days = {d: "" for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}
    assert client.post("/schedule", {**days, "tue": "10:00-11:00"}).status == 303
    assert service.config()["schedule"]["follow_calendar"] is False


def test_bad_calendar_fields_are_refused_by_name(box) -> None:
    client, service = box
    before = service.config()
    client.get("/lang/en?back=/schedule")
    bad = client.post("/schedule", _hours_form(adjusted="someday"))
    assert bad.status == 422 and "someday" in _card(bad.text, "hours")
    spill = client.post("/schedule", _hours_form(mon="19:00-10:00", tue="09:00-12:00"))
    assert spill.status == 422
    assert "runs past midnight into" in _card(spill.text, "hours")
    assert service.config() == before


def test_holiday_duty_is_chosen_shown_and_refused_by_name(box) -> None:
    client, service = box
    page = _card(client.get("/schedule").text, "roster")
    assert "节假日值班" in page
    assert client.post("/schedule/roster/holiday", {"holiday": "david"}).status == 303
    assert service.config()["duty_roster"]["holiday"] == "david"
    page = _card(client.get("/schedule").text, "roster")
    assert '<option value="david" selected>David Chen (david)</option>' in page
    client.get("/lang/en?back=/schedule")
    bad = client.post("/schedule/roster/holiday", {"holiday": "ghost"})
    assert bad.status == 422 and 'unknown bound number "ghost"' in _card(bad.text, "roster")
    assert "Holiday duty" in _card(bad.text, "roster")
    assert client.post("/schedule/roster/holiday", {"holiday": ""}).status == 303
    assert service.config()["duty_roster"]["holiday"] is None


def test_a_roster_entry_past_midnight_is_accepted(box) -> None:
    client, service = box
    roster = service.config()["duty_roster"]
    service.replace_config({**service.config(), "duty_roster": {**roster, "entries": []}})
    reply = client.post("/schedule/roster", {"index": "", "days": ["mon", "tue"],
                                             "hours": "19:00-08:00", "person": "wang"})
    assert reply.status == 303, reply.text
    assert service.config()["duty_roster"]["entries"][0]["hours"] == "19:00-08:00"


def test_test_a_call_on_national_day_says_closed_and_names_the_holiday(box) -> None:
    client, _ = box
    client.post("/schedule/roster/holiday", {"holiday": "david"})
    doc = client.api("GET", "/api/explain?caller=13588888888&line=gsm0"
                            "&at=2026-10-01T10:00").json()
    assert doc["open"] is False and doc["holiday"] == "国庆节 National Day"
    assert doc["on_duty"] == "david"
    assert "2026-10-01 is a public holiday" in doc["office_hours"]
    # a one-line box: the network forwards the call to holiday duty
    assert doc["network_forwarding"]["number"] == "+8613812345678"
    assert doc["targets"] == ["+8613812345678"]
    worked = client.api("GET", "/api/explain?caller=13588888888&line=gsm0"
                               "&at=2026-10-10T10:00").json()
    assert worked["open"] is True and worked["targets"][0] == "801"
    page = client.get("/schedule?at=2026-10-01T10:00").text
    preview = _card(page, "preview_card")
    # the Chinese page: the holiday by its Chinese name, the duty person by the name
    # the owner gave them (the id is for the API)
    assert "非营业时间 · 国庆节 · 值班人: <b>David Chen</b>" in preview
    assert "National Day" not in preview
    assert "无人接听时: 由运营商转接到 +8613812345678" in preview  # not "接通"
    client.get("/lang/en?back=/schedule")
    english = _card(client.get("/schedule?at=2026-10-01T10:00").text, "preview_card")
    assert "closed · National Day · on duty: <b>David Chen</b>" in english


def test_test_a_call_on_the_rules_page_says_the_network_forwards_it(box) -> None:
    client, _ = box
    page = client.get("/rules?caller=13588888888&line=gsm0&at=2026-10-01T10:00").text
    verdict = html.unescape(page)
    assert re.search(r'<p id="verdict">[^<]*非营业时间 \(国庆节\)', verdict)
    assert "National Day" not in verdict
    assert "由运营商网络呼叫转移到 +8613512345678" in verdict  # thursday: wang
    client.get("/lang/en?back=/rules")
    english = html.unescape(client.get("/rules?caller=13588888888&line=gsm0"
                                       "&at=2026-10-01T10:00").text)
    assert "Forwarded by the network to +8613512345678" in english
