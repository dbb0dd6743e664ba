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
    # the calendar in the office hours, the routes' time decision, network forwarding
    ("office closed: 2026-10-01 is a public holiday (国庆节 National Day): closed all day "
     "(thu 2026-10-01 10:00 CST)",
     "非营业时间：2026-10-01 是法定节假日（国庆节）：全天休息（周四 2026-10-01 10:00）"),
    ("office open: 2026-10-10 is an adjusted working day (a weekend day worked): mon "
     "09:00-12:00 matched (sat 2026-10-10 10:00 CST): calls ring the office",
     "营业中：2026-10-10 是调休上班日：按周一的时间 09:00-12:00（周六 2026-10-10 10:00）："
     "来电打到公司"),
    ("office open: fri 19:00-02:00 matched on 2026-06-12 and runs past midnight "
     "(sat 2026-06-13 01:00 CST)",
     "营业中：2026-06-12 周五的 19:00-02:00 跨过午夜（周六 2026-06-13 01:00）"),
    ("office closed: thu hours are 09:00-12:00 (2026-10-01 is a public holiday (国庆节 "
     "National Day), but the office hours do not follow the calendar) (thu 2026-10-01 "
     "20:00 CST)",
     "非营业时间：周四的营业时间是 09:00-12:00（2026-10-01 是法定节假日（国庆节），"
     "但营业时间不按节假日安排）（周四 2026-10-01 20:00）"),
    ("duty person david (David Chen) by holiday duty (2026-10-01 is a public holiday "
     "(国庆节 National Day))",
     "值班人 David Chen（david），依据节假日值班（2026-10-01 是法定节假日（国庆节））"),
    ("time rule night: off; 2026-10-10 is an adjusted working day (a weekend day worked): "
     "mon hours: 22:00-07:00 (sat 2026-10-10 10:00 CST)",
     "时间规则 night：不在时间内；2026-10-10 是调休上班日：周一的时间：22:00-07:00"
     "（周六 2026-10-10 10:00）"),
    ("province 浙江省; when workdays: time rule workdays: 08:30-18:00 matched by wed hours "
     "(2027-03-03: the holiday calendar has no data for 2027; only the company's own days "
     "of 2027 count) (wed 2027-03-03 10:00 CST)",
     "省份 浙江省；时间 workdays：时间规则 workdays：08:30-18:00 符合周三的时间（2027-03-03："
     "节假日数据没有 2027 年的；只按公司自己设定的 2027 年日期）（周三 2027-03-03 10:00）"),
    ("route nights (when night: time rule night: 22:00-07:00 matched by mon hours "
     "(mon 2026-06-15 22:00 CST)): calls go to the forward chain, but no forward chain is "
     "set: forwarding off; until tue 2026-06-16 07:00 CST",
     "路由 nights（时间 night：时间规则 night：22:00-07:00 符合周一的时间（周一 2026-06-15 "
     "22:00））：来电转到转接号码链，但没有设置转接号码链：不转移；直到 周二 2026-06-16 07:00"),
    ("cap reached: to voicemail for sales (the line's caps name box sales)",
     "已达到上限：转到 sales 的语音信箱（该线路的上限设置指定了信箱 sales）"),
    ("cap reached: to voicemail for desk (the inbound ring group's box desk (the caps name "
     "none))", "已达到上限：转到 desk 的语音信箱（入站振铃组的信箱 desk（上限设置未指定信箱））"),
    ("cap reached, no voicemail box: refused (neither the line's caps nor an inbound ring "
     "group name a voicemail box)",
     "已达到上限，没有语音信箱：拒接（上限设置和入站振铃组都没有指定语音信箱）"),
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
