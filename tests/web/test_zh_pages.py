"""Every page of the example office read in Chinese, as its owner sees it: no English
word the owner did not type (the names the config gives), and no internal code of the
firmware ("ring_group:sales", "(R7)", "blocking blocking", "no_answer"). The test a
call and duty preview answers are read for many callers and times: the routing
engine's every reason on them must have its Chinese (web_ui/explain_shapes.py)."""

from __future__ import annotations

import html
import re
from datetime import timedelta
from urllib.parse import quote

import pytest

from firmware.cdr.store import CdrStore, records_path
from tests.cdr.helpers import T0, end, leg, start
from tests.web.conftest import EXAMPLE, example_office

INTERNAL = ("ring_group:", "(R7)", "(R12)", "blocking blocking", "no_answer",
            "all_unavailable", "nobody_answered", "forward_chain", "in_call",
            "out_of_service", "inbound_calls", "outbound_minutes", "hang up (")
# words an owner reads in Chinese too: units, product names, what they type as syntax
KNOWN = {"SIM", "PIN", "PUK", "VIP", "API", "JSON", "CSV", "GSM", "USB", "ID", "RESET",
         "English", "Authorization", "Bearer", "TOKEN", "openapi", "json", "api", "CST",
         "gsm", "fxs", "ring", "group", "Excel",
         "MP", "Opus", "WAV"}  # the recording formats (MP3: its letters)
CALLERS = ("+8613588888888", "", "+8613700001111", "0571 8888 8888", "+862161234567",
           "+8616512345678", "13912345678", "+14155552671")
TIMES = ("2026-06-15T10:00", "2026-06-15T22:00", "2026-06-13T10:00", "2026-10-01T10:00",
         "2026-06-16T03:00", "2026-09-27T10:00", "2026-10-10T10:00")


def _owners_words() -> set[str]:
    """Every English word the example config's owner typed: names, ids, notes."""
    typed: set[str] = set()

    def walk(value: object) -> None:
        if isinstance(value, str):
            typed.update(re.findall(r"[A-Za-z]+", value))
        elif isinstance(value, dict):
            for k, v in value.items():
                if k not in ("strategy", "to", "do", "treatment", "action", "counter"):
                    walk(v)
        elif isinstance(value, list):
            for v in value:
                walk(v)

    for section in ("extensions", "bound_numbers", "ring_groups", "routes", "plans",
                    "time_rules", "settings", "calendar"):
        walk(EXAMPLE.get(section))
    return typed


ALLOWED = KNOWN | _owners_words()


def visible_text(page: str) -> str:
    """What the owner reads: text and the titles, labels and placeholders of fields."""
    page = re.sub(r"(?s)<(script|style)\b.*?</\1>", " ", page)
    said = re.findall(r'(?:title|placeholder|aria-label)="([^"]*)"', page)
    options = re.findall(r"(?s)<option[^>]*>(.*?)</option>", page)
    text = re.sub(r"(?s)<textarea\b.*?</textarea>", " ", page)  # what the owner typed
    text = re.sub(r"<[^>]+>", " ", text)
    return html.unescape(" ".join([text, *said, *options]))


def leftovers(page: str) -> tuple[set[str], list[str]]:
    text = visible_text(page)
    english = {w for w in re.findall(r"[A-Za-z][A-Za-z']+", text)
               if w not in ALLOWED and len(w) > 1}
    return english, [t for t in INTERNAL if t in text]


@pytest.fixture
def office(data):
    client, _service = example_office(data)
    with CdrStore(records_path(data), preload_regions=False) as store:
        for i, caller in enumerate(("13588888888", "+862161234567", "")):
            at = T0 + timedelta(minutes=10 * i)
            call = store.begin_call(start(caller, at, call_id=f"c{i}"))
            store.set_route(call, ("route zhejiang customers > sales > duty",
                                   "ring_group:sales > forward_chain > hangup",
                                   "blocked")[i])
            store.add_leg(call, leg("801", at, ring=5, talk=30 if i != 1 else None,
                                    agent="801 前台 Reception", group="sales"))
            store.end_call(call, end(at + timedelta(seconds=40),
                                     "missed" if i == 1 else "answered",
                                     answered_by="" if i == 1 else "801", talk_s=30, ring_s=5))
    return client


@pytest.mark.parametrize("path", ["/", "/staff", "/schedule", "/rules", "/records",
                                  "/reports?since=2024-05-01&until=2024-05-02", "/system",
                                  "/feature-codes"])
def test_every_page_in_chinese_has_no_english_left_and_no_internal_codes(office, path):
    reply = office.get(path)
    assert reply.status == 200
    english, internal = leftovers(reply.text)
    assert internal == [] and english == set(), path


@pytest.mark.parametrize("at", TIMES)
def test_test_a_call_and_the_duty_preview_in_chinese(office, at):
    for caller in CALLERS:
        reply = office.get(f"/rules?caller={quote(caller)}&line=gsm0&at={at}")
        assert reply.status == 200 and 'id="explanation"' in reply.text
        english, internal = leftovers(reply.text)
        assert (internal, english) == ([], set()), (caller, at)
    preview = office.get(f"/schedule?at={at}").text
    assert 'id="explanation"' in preview
    english, internal = leftovers(preview)
    assert (internal, english) == ([], set()), at


def test_the_test_a_call_answer_says_names_and_words(office):
    page = office.get("/rules?caller=%2B8613588888888&line=gsm0&at=2026-06-15T10:00").text
    text = " ".join(visible_text(page).split())
    assert "振铃顺序: 801 前台 Reception、802 王芳、804 李娜 (Sales)" in text
    assert "挂断（无人接听；来电者听到：拒接）" in text
    assert "路由 zhejiang customers" in text and "黑白名单与地区限制" in text
    assert "每月限额：gsm0 呼入次数" in text
    office.get("/lang/en?back=/rules")
    english = office.get("/rules?caller=%2B8613588888888&line=gsm0&at=2026-06-15T10:00").text
    assert "route: zhejiang customers" in english  # the engine's own text, as the CLI's


def test_the_duty_preview_names_the_person(office):
    text = " ".join(visible_text(office.get("/schedule?at=2026-06-15T22:00").text).split())
    assert "值班人: 张伟" in text


def test_a_refusal_names_the_field_as_the_form_calls_it(office):
    office.get("/staff")
    reply = office.post("/staff/people", {"extensions": "801, 前台, fxs0\n8x2, 王芳, fxs1",
                                          "bound_numbers": ""})
    assert reply.status == 422
    text = " ".join(visible_text(reply.text).split())
    assert "分机 › 第 2 项 › 号码 : “8x2”不是分机号" in text
    assert "振铃组 › 第 1 项 › 成员 › 第 2 项" in text
    english, internal = leftovers(reply.text)
    assert internal == [] and "extensions" not in english


def test_a_records_route_in_words(office):
    text = " ".join(visible_text(office.get("/records").text).split())
    assert "路由 zhejiang customers > sales > 值班" in text
    assert "30 秒" in text
    assert "振铃组 sales > 转接号码链 > 挂断" in text
    csv = office.get("/records.csv").body.decode("utf-8-sig")
    assert "振铃组 sales > 转接号码链 > 挂断" in csv and "ring_group:" not in csv


def test_report_times_read_as_durations(office):
    text = " ".join(visible_text(office.get("/reports?since=2024-05-01&until=2024-05-02")
                                 .text).split())
    totals = text[text.index("汇总"):text.index("按日期")]
    assert "通话总时长 1:30" in totals and "平均通话时长" in totals  # 3 calls of 30 s
    assert " s " not in text
