"""The routing engine's reasons in Chinese (web_ui/explain_shapes.py, explain_text.py):
every shape has both languages with the same placeholders, reasons as the engine
writes them read back into Chinese (nested ones too), and a reason of unknown shape is
kept."""

from __future__ import annotations

import string

import pytest

from web_ui.explain_shapes import SHAPES
from web_ui.explain_text import holiday_name, read, say, step_name, when_text
from web_ui.i18n import translator


def _fields(template: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(template) if f}


@pytest.mark.parametrize("code", sorted(SHAPES))
def test_each_shape_has_chinese_with_the_same_placeholders(code):
    english, chinese = SHAPES[code]
    assert _fields(english) == _fields(chinese)
    assert chinese.strip() and not any(ch.isascii() and ch.isalpha() for ch in
                                       chinese.replace("VIP", "").format(
                                           **{f: "" for f in _fields(chinese)}))


@pytest.mark.parametrize(("text", "said"), [
    ("not blocked", "未拦截"),
    ("+8613700001111 is a VIP caller (R7)", "+8613700001111 是 VIP 客户"),
    ("803 is unavailable (R12), not rung", "803 已暂停接听，不呼叫"),
    ("route zhejiang customers matched: province 浙江省; when workdays: time rule workdays: "
     "08:30-18:00 matched by mon hours (mon 2026-06-15 10:00 CST)",
     "路由 zhejiang customers 匹配：省份 浙江省；时间 workdays：时间规则 workdays：08:30-18:00 "
     "符合周一的时间（周一 2026-06-15 10:00）"),
    ("closed, and a single outside line cannot bridge the call to a mobile: after hours the "
     "network forwards this line's calls instead",
     "非营业时间，且只有一条外线无法把来电转到手机：下班后由运营商呼叫转移这条线路的来电"),
    ("cap gsm0 inbound_calls: 1 of 3000, not reached",
     "gsm0 的呼入次数上限：已用 1 / 上限 3000，未达到"),
    ("province (unknown) is not 浙江省", "省份 未知 不是 浙江省"),
    ("time rule night: off; thu hours (2026-10-01 is a public holiday (国庆节 National Day), "
     "rule keeps weekly hours): 22:00-07:00 (thu 2026-10-01 10:00 CST)",
     "时间规则 night：不在时间内；周四的时间（2026-10-01 是法定节假日（国庆节），"
     "规则按星期的时间）：22:00-07:00（周四 2026-10-01 10:00）"),
])
def test_reasons_in_chinese(text, said):
    assert say("zh-CN", text) == said
    assert say("en", text) == text  # English as the engine (and the CLI) says it


def test_a_reason_of_unknown_shape_is_kept():
    assert read("the moon is made of cheese") is None
    assert say("zh-CN", "the moon is made of cheese") == "the moon is made of cheese"


def test_words_of_the_account():
    _ = translator("zh-CN")
    assert step_name(_, "ring_group:sales") == "振铃组 sales"
    assert step_name(_, "forward_chain") == "转接号码链"
    assert step_name(_, "chain") == "chain"  # a step the owner named
    assert when_text("thu 2026-10-01 10:00 CST") == "周四 2026-10-01 10:00"
    assert holiday_name("zh-CN", "国庆节 National Day") == "国庆节"
    assert holiday_name("en", "国庆节 National Day") == "National Day"
    assert holiday_name("zh-CN", "盘点") == "盘点"
