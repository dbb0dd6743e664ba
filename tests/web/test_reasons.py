"""Why a value was refused, in the page's language: every reason code of the box and of
the page has its Chinese (web_ui/messages_reasons.py), a refused save shows it on the
Chinese page and the English on the English page, and the API gives code and params."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest

from firmware.config.reasons import REASONS, placeholders, reason
from firmware.service import QUERY_REASONS, BadQuery, query_reason
from tests.web.client import Client
from web_ui import i18n
from web_ui.messages_reasons import FORM_REASONS, PARAM_WORDS, REASONS_ZH, form_reason

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = json.loads((ROOT / "docs/example-config.json").read_text("utf-8"))
EN = {"Accept-Language": "en"}
ZH = {"Accept-Language": "zh-CN"}
PEOPLE = {"extensions": "801, 前台, fxs0\n802, 王芳, fxs1",
          "bound_numbers": "zhang, 张伟, +8613912345678"}


@pytest.fixture
def box(owner: Client, service) -> Client:
    service.replace_config(EXAMPLE)
    owner.get("/staff")
    return owner


def test_every_box_code_has_chinese_with_the_same_placeholders() -> None:
    box_codes = {**REASONS, **QUERY_REASONS}
    assert not set(REASONS) & set(QUERY_REASONS)
    assert sorted(set(box_codes) - set(REASONS_ZH)) == []  # every code has its Chinese
    assert sorted(set(REASONS_ZH) - set(box_codes)) == []  # and nothing stale is left
    for code, english in box_codes.items():
        assert placeholders(REASONS_ZH[code]) == placeholders(english), code


def test_the_pages_own_codes_in_both_languages() -> None:
    assert not set(FORM_REASONS) & (set(REASONS) | set(QUERY_REASONS))
    for code, (en, zh) in FORM_REASONS.items():
        assert en.strip() and zh.strip() and placeholders(en) == placeholders(zh), code


def test_every_chinese_template_fills_in() -> None:
    for code, template in {**REASONS, **QUERY_REASONS}.items():
        built = reason(code, **dict.fromkeys(placeholders(template), "x")) \
            if code in REASONS else query_reason(code, **dict.fromkeys(placeholders(template),
                                                                        "x"))
        said = i18n.reason_text("zh-CN", built)
        assert (said and said != built.text) or code == "text", code


def test_words_among_the_parameters_read_in_chinese() -> None:
    repeated = reason("repeats", what="ring group", key="sales", first=0)
    assert i18n.reason_text("zh-CN", repeated) == "振铃组“sales”与第 [0] 项重复"
    assert i18n.reason_text("en", repeated) == 'ring group "sales" repeats item [0]'
    duty = reason("duty_overlap", day="sat", hours="09:00-12:00", other=1)
    assert i18n.reason_text("zh-CN", duty) == "星期六 09:00-12:00 与 entries[1] 重叠"
    port = reason("no_fxs_port", port="fxs9", known=["fxs0", "fxs1"])
    assert i18n.reason_text("zh-CN", port) == "没有 FXS 端口“fxs9”（lines.fxs 中有：fxs0、fxs1）"
    assert "（lines.fxs 中有：无）" in i18n.reason_text("zh-CN", reason("no_fxs_port", port="x",
                                                                       known=[]))
    assert i18n.reason_text("zh-CN", "a plain text") == "a plain text"


def test_every_kind_of_repeated_item_has_its_chinese_word() -> None:
    words = set()
    for path in ("firmware/config/validate.py", "firmware/config/validate_rules.py"):
        for call in ast.walk(ast.parse((ROOT / path).read_text("utf-8"))):
            if isinstance(call, ast.Call) and getattr(call.func, "attr",
                                                      getattr(call.func, "id", "")) == "_unique":
                words.add(call.args[1].value)
    assert words and sorted(words - set(PARAM_WORDS["what"])) == []


def _web_modules() -> list[Path]:
    return sorted(p for p in (ROOT / "web_ui").glob("*.py"))


@pytest.mark.parametrize("path", _web_modules(), ids=lambda p: p.name)
def test_the_page_refuses_with_codes_only(path: Path) -> None:
    """A BadQuery the page raises names a code (form_reason or query_reason), so its
    reason can be said in both languages."""
    for call in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(call, ast.Call) and getattr(call.func, "id", "") == "BadQuery":
            why = call.args[1]
            assert isinstance(why, ast.Call), f"{path.name}:{call.lineno}: BadQuery with text"
            builder = getattr(why.func, "id", "")
            catalogue = {"form_reason": FORM_REASONS, "query_reason": QUERY_REASONS}.get(builder)
            code = why.args[0].value if why.args and isinstance(why.args[0], ast.Constant) \
                else None
            assert catalogue is not None and code in catalogue, \
                f"{path.name}:{call.lineno}: {builder}({code!r})"


def test_a_form_reason_needs_a_known_code() -> None:
    with pytest.raises(LookupError):
        form_reason("no_such_code")
    assert BadQuery("x", form_reason("type_reset")).reason.code == "type_reset"
    assert BadQuery("x", "free words").reason.code == "text"


def test_a_refused_save_says_why_in_the_pages_language(box: Client, service) -> None:
    before = service.config()
    people = dict(PEOPLE, bound_numbers="zhang, 张伟, 12345")
    zh = box.post("/staff/people", people, headers=ZH)
    assert zh.status == 422 and "bound_numbers[0].number" in zh.text
    assert "“12345”不是有效的电话号码（国家 CN）" in zh.text
    assert "is not a valid phone number" not in zh.text
    en = box.post("/staff/people", people, headers=EN)
    assert en.status == 422 and "bound_numbers[0].number" in en.text
    assert "&quot;12345&quot; is not a valid phone number (country CN)" in en.text
    assert "不是有效的电话号码" not in en.text
    assert service.config() == before


def test_the_language_switch_decides_and_words_are_translated(box: Client) -> None:
    box.get("/lang/zh-CN")
    people = dict(PEOPLE, extensions="801, 前台, fxs0\n801, 王芳, fxs1")
    page = box.post("/staff/people", people, headers=EN).text  # the switch wins
    assert "extensions[1]" in page and "分机“801”与第 [0] 项重复" in page
    box.get("/lang/en")
    page = box.post("/staff/people", people).text
    assert 'extension &quot;801&quot; repeats item [0]' in page


def test_the_pages_own_field_errors_are_translated(box: Client) -> None:
    group = {"original": "sales", "name": "sales", "strategy": "percentage",
             "members": "801 forty"}
    zh = box.post("/staff/group", group, headers=ZH)
    assert zh.status == 422 and "“801 forty”：应为成员和比例，例如 “801 40”" in zh.text
    en = box.post("/staff/group", group, headers=EN)
    assert "&quot;801 forty&quot;: a member and its share" in en.text
    records = box.get("/records?since=yesterday", headers=ZH)
    assert records.status == 400 and "&#039;yesterday&#039; 不是 ISO 时间" in records.text
    system = box.post("/system/reset", {"confirm": "no"}, headers=ZH)
    assert "请输入 RESET 以确认" in system.text
    raw = box.post("/config/forward_chain", {"value": "[1"}, headers=ZH)
    assert raw.status == 400 and "不是有效的 JSON：" in raw.text


def test_the_api_gives_code_params_and_a_message(box: Client, service) -> None:
    headers = {"Origin": "http://127.0.0.1:8080", "X-CSRF-Token": box.csrf}
    config = service.config()
    bad = dict(config, settings=dict(config["settings"], timezone="Mars/Base"))
    reply = box.api("PUT", "/api/config", bad, headers=headers)
    assert reply.status == 422
    entry = next(e for e in reply.json()["errors"] if e["field"] == "settings.timezone")
    assert entry == {"field": "settings.timezone", "code": "not_timezone",
                     "params": {"value": "Mars/Base"},
                     "reason": '"Mars/Base" is not a known timezone (like "Asia/Shanghai")',
                     "message": '"Mars/Base" is not a known timezone (like "Asia/Shanghai")'}
    zh = box.api("PUT", "/api/config", bad, headers={**headers, **ZH}).json()["errors"]
    entry = next(e for e in zh if e["field"] == "settings.timezone")
    assert entry["reason"].startswith('"Mars/Base" is not a known timezone')  # still English
    assert entry["message"] == "“Mars/Base”不是已知的时区（例如 “Asia/Shanghai”）"
    query = box.api("GET", "/api/records?resutl=answered").json()["errors"][0]
    assert query["field"] == "resutl" and query["code"] == "unknown_parameter"
    assert "result" in query["params"]["known"] and query["reason"].startswith("unknown para")
    limit = box.api("GET", "/api/records?limit=9999", headers=ZH).json()["errors"][0]
    assert limit["code"] == "between" and limit["params"] == {"low": 1, "high": 500}
    assert limit["reason"] == "must be 1 to 500" and limit["message"] == "应为 1 到 500"
    assert service.config() == config
