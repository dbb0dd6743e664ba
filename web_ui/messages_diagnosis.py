"""The dashboard's "can the box route calls?" card and the factory reset, in English and
Chinese.

`DIAGNOSIS_MESSAGES`: page words, key -> (English, Chinese), merged into
web_ui/messages.py `MESSAGES`. `FINDINGS_ZH`: the Chinese template of every finding
code of firmware/routing/diagnose.py `FINDINGS` (same placeholders; a test checks),
`PARTS_ZH` the parts of `{details}`, `FINDING_WORDS` the parameters that are words.
`finding_text(lang, finding)` says a finding (its JSON form: code, params, text) in
`lang`; web_ui/diagnosis.py `office_text` says the office now.
"""

from __future__ import annotations

from typing import Any

from firmware.service import say

DIAGNOSIS_MESSAGES: dict[str, tuple[str, str]] = {
    "diag_title": ("Calls now", "来电处理"),
    "diag_ok": ("The box routes calls as configured.", "本机按配置处理来电。"),
    "diag_offline": ("The box is not running: what it would do cannot be checked.",
                     "主机未运行：无法检查来电处理。"),
    "diag_severity_error": ("Calls are refused", "来电被拒绝"),
    "diag_severity_warning": ("Check", "请检查"),
    "diag_severity_info": ("Now", "当前"),
    "office_open": ("Office open", "营业中"),
    "office_closed": ("Office closed", "已下班"),
    "office_holiday": ("Closed for a holiday: {name}", "节假日休息：{name}"),
    "office_until": ("until {time}", "至 {time}"),
    "office_holiday_open": ("today is a public holiday ({name})", "今天是节假日（{name}）"),
    "office_adjusted": ("today is an adjusted working day", "今天是调休上班日"),
    "reset_backup_first": ("Download a backup of the config first: the reset cannot be undone.",
                           "请先下载配置备份：恢复出厂设置后无法撤销。"),
    "reset_clears": ("Clears the config, the password, sessions and API tokens, every call "
                     "record, who is unavailable (*62) and the ring groups' rotation and "
                     "percentage positions, returning callers, this month's cap counters "
                     "and your own prompts.",
                     "将清除配置、密码、登录会话和 API 令牌、全部通话记录、暂停接听状态（*62）、"
                     "振铃组的轮询和比例位置、回头客记录、本月的限额计数以及自定义提示音。"),
    "reset_word_hint": ("Type RESET exactly (capital letters).", "请准确输入 RESET（大写字母）。"),
}

FINDINGS_ZH: dict[str, str] = {
    "no_outside_line": "没有外线：本机既没有 GSM 线路，也没有模拟线路（FXO），来电无法接入",
    "all_lines_down": "现在没有线路能接听来电：{lines}",
    "line_down": "线路 {line} 现在不能接听来电：{state}",
    "no_inbound_group": "没有分机接听来电：未设置来电振铃组",
    "inbound_group_missing": "没有分机接听来电：来电振铃组 {group} 不存在",
    "inbound_group_empty": "没有分机接听来电：振铃组 {group} 没有成员",
    "inbound_group_nobody": "没有分机接听来电：振铃组 {group} 现在没有人能振铃（{details}）",
    "no_open_hours": "所有来电都被拒绝：没有营业时间，也没有值班人员",
    "never_open": "没有营业时间：所有来电都转给值班人员",
    "route_refuses_all": "所有来电都被拒绝：路由 {route} 接收所有来电（{action}）",
    "closed_nobody": "下班后 {start} 至 {end} 没有人接听：没有值班人员，也没有转接链",
    "needs_second_line": "手机、值班和转接链需要第二条线路：只有一条外线时，本机无法呼叫{details}；"
                         "下班后改由运营商把来电转给值班人员",
    "network_forwarding": "下班期间由运营商转接到 {number}（{person}），至 {until}",
    "forwarding_pending": "线路 {line} 转接到 {number} 尚未得到运营商确认",
    "refused_now": "现在的来电没有人振铃：{cause}",
}

# `{details}`: the list parameters that are not empty, each with its part (as PARTS in
# firmware/routing/diagnose.py), joined with "；".
PARTS_ZH: dict[str, dict[str, str]] = {
    "inbound_group_nobody": {"unavailable": "暂停接听：{items}",
                             "out_of_service": "故障：{items}",
                             "mobiles": "单线路无法呼叫的手机：{items}"},
    "needs_second_line": {"mobiles": "手机（{items}）", "forward_chain": "转接链（{items}）",
                          "routes": "路由（{items}）中的值班或转接链",
                          "plans": "处理方案（{items}）中的值班或转接链"},
}

# Parameters that are words: placeholder -> {English: Chinese}.
FINDING_WORDS: dict[str, dict[str, str]] = {
    "state": {"no_sim": "无 SIM 卡", "pin_required": "需要 SIM 卡 PIN 码",
              "sim_error": "SIM 卡故障", "not_registered": "未注册", "out_of_service": "不可用",
              "no_battery": "电话线无电（线路断开或未接）", "fault": "线路故障"},
    "action": {"busy": "忙音", "announcement": "提示音", "hangup": "挂断"},
    "cause": {"closed, and nobody takes calls after hours": "已下班，且下班后无人接听",
              "nobody to ring": "没有可振铃的人",
              "a monthly cap of the line is reached": "线路已达到本月限额",
              "a route refuses it": "路由拒绝了来电"},
    "start": {}, "end": {"-": "本周以后"}, "until": {"-": "无变化"},
}
_WEEKDAYS = {"mon": "周一", "tue": "周二", "wed": "周三", "thu": "周四", "fri": "周五",
             "sat": "周六", "sun": "周日"}


def finding_text(lang: str, found: dict[str, Any]) -> str:
    """A finding ({"code", "params", "text"}) in `lang`; English, or a code this page
    does not know, as the box wrote it."""
    code = str(found.get("code"))
    template = FINDINGS_ZH.get(code)
    if lang == "en" or template is None:
        return str(found.get("text", ""))
    try:
        return say(template, PARTS_ZH.get(code, {}), found.get("params") or {},
                   part_sep="；", item_sep="、", word=_zh_word)
    except (KeyError, IndexError, ValueError, AttributeError):  # another firmware's params
        return str(found.get("text", ""))


def _zh_word(name: str, value: str) -> str:
    word = FINDING_WORDS.get(name, {}).get(value)
    if word is not None:
        return word
    if name in ("start", "end", "until") and value[:3] in _WEEKDAYS:
        return f"{_WEEKDAYS[value[:3]]}{value[3:]}"
    return value
