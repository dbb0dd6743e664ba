"""Why a value was refused, in Chinese: a template for every reason code.

The box's reasons (firmware/config/reasons.py `REASONS`, the config validator's, and
firmware/service.py `QUERY_REASONS`, the facade's query values) come to the page as
`Reason`s: English text with a code and parameters. `REASONS_ZH` has the Chinese
template of each of those codes, with the same `{placeholders}`; `FORM_REASONS` the
page's own reasons (a form or query value it refuses before asking the box), in
English and Chinese; `form_reason(code, **params)` builds one. `i18n.reason_text`
says a reason in the page's language; tests/web/test_reasons.py checks that every
code has its Chinese, with the same placeholders, and nothing stale is left here.

Parameters are mostly what the owner typed, shown as typed. `PARAM_WORDS` puts the
few that are words (a weekday key, the kind of a repeated item, a JSON type) into
Chinese; a list parameter joins with "、" ("无" when empty).
Words: ring group 振铃组, extension 分机, bound number 绑定号码, line 线路 (DESIGN.md).
"""

from __future__ import annotations

from firmware.service import Catalogue

REASONS_ZH: dict[str, str] = {
    "text": "{text}",
    "wrong_type": "应为{wanted}，实际为{got}",
    "not_one_of": "{value} 不是以下之一：{choices}",
    "missing": "缺少此项",
    "unknown_field": "未知字段",
    "unknown_field_suggest": "未知字段（是否想写“{suggestion}”？）",
    "wrong_version": "本固件读取版本 {reads}，实际为 {got}",
    "no_migration": "无法从版本 {version} 升级",
    "version_missing": "缺少此项（本固件写入版本 {target}）",
    "version_not_number": "应为不小于 1 的整数，实际为 {value}",
    "version_too_new": "此配置来自较新的固件（版本 {version}）；本固件最多读取版本 {target}："
                       "请先升级固件",
    "prompt_name": "“{value}”不是提示音名称：只能用 a-z、0-9、_ 和 -，最多 40 个字符，以字母开头",
    "prompt_lang": "“{value}”不是提示音语言：zh 或 en",
    "prompt_not_audio": "不是 WAV 或 MP3 文件",
    "prompt_unreadable": "无法读取音频：{error}",
    "prompt_too_big": "{size} MiB：提示音文件最大 {max} MiB",
    "prompt_too_long": "时长 {minutes} 分钟：提示音最长 {max} 分钟",
    "prompt_silent": "没有声音",
    "prompt_text_long": "{n} 个字符：朗读文本最多 {max} 个字符",
    "prompt_unknown": "没有{lang}提示音“{name}”",
    "prompt_in_use": "正在被 {where} 使用：请先在那里选择其它提示音",
    "prompt_default": "默认提示音不能删除；上传或生成同名提示音即可替换",
    "prompt_tool": "本机无法{what}：{error}",
    "empty": "不能为空",
    "too_long": "超过 {max} 个字符",
    "too_many_days": "{what}有 {n} 个：最多 {max} 个",
    "holiday_and_workday": "“{date}”同时是节假日（holidays[{index}]）：一天只能是节假日或上班日，"
                           "不能两者都是",
    "out_of_range": "{value} 不在 {low}..{high} 范围内",
    "not_country": "“{value}”不是可识别的国家代码（例如 “CN”）",
    "not_timezone": "“{value}”不是已知的时区（例如 “Asia/Shanghai”）",
    "not_outside_prefix": "“{value}”应为空或最多 3 位数字",
    "not_gsm_name": "“{value}”不是 GSM 线路名称（例如 “gsm0”）",
    "not_sim_pin": "“{value}”不是 SIM 卡 PIN 码（4 到 8 位数字）",
    "sim_pin_digits": "应为 4 到 8 位数字",
    "not_fxo_name": "“{value}”不是模拟线路名称（例如 “fxo0”）",
    "not_fxs_name": "“{value}”不是 FXS 端口名称（例如 “fxs0”）",
    "not_extension_number": "“{value}”不是分机号（2 到 6 位数字）",
    "not_id": "“{value}”不是有效的 ID（以字母开头，后接字母、数字或 _ . -）",
    "not_bound_id": "“{value}”不是绑定号码 ID",
    "not_name": "“{value}”不是有效的名称（以字母开头，后接字母、数字或 _ . -）",
    "not_step_id": "“{value}”不是有效的步骤 ID（以字母开头，后接字母、数字或 _ . -）",
    "not_vip_prefix": "“{value}”不是号码前缀（例如 “+86138”）",
    "not_phone": "“{value}”不是电话号码",
    "not_valid_phone": "“{value}”不是有效的电话号码（国家 {country}）",
    "not_number_prefix": "“{value}”不是号码前缀（例如 “+86135*” 或 “0571*”）",
    "not_member_target": "“{value}”既不是分机号，也不是绑定号码 ID",
    "repeats": "{what}“{key}”与第 [{first}] 项重复",
    "not_time_range": "“{value}”不是时间段（例如 “{example}”）",
    "not_time_of_day": "“{value}”：{time} 不是有效的时间",
    "range_starts_at_24": "“{value}”：时间段不能从 24:00 开始",
    "range_ends_before_start": "“{value}”：结束时间早于开始时间",
    "range_empty": "“{value}”：时间段为空（全天请写 00:00-24:00）",
    "overlaps": "“{range}”与“{other}”重叠",
    "not_weekday": "“{value}”不是星期（{days}）",
    "no_weekday": "请至少填写一天",
    "not_date": "“{value}”不是日期（例如 “2026-10-01”）",
    "not_holiday_calendar": "“{value}”不是节假日日历（CN 或 none）",
    "builtin_time_name": "“{name}”是每周营业时间自己的名称",
    "duty_overlap": "{day} {hours} 与 entries[{other}] 重叠",
    "spills_into": "{day} 的“{range}”跨过午夜，与 {next} 的“{other}”重叠",
    "forward_chain_length": "需要 4 到 10 个号码（留空则关闭转接），实际为 {count} 个",
    "no_members": "振铃组至少需要一个成员",
    "shares_needed": "按比例分配时每个成员都需要填写比例",
    "shares_total": "比例合计为 {total}，不是 100",
    "shares_unused": "只有按比例分配才使用比例",
    "total_ring_time_short": "短于每人振铃时间（{ring_time} 秒）",
    "target_or_group": "请填写一个目标（分机或绑定号码 ID）或一个振铃组，二者选一",
    "group_contains_itself": "振铃组包含了自己：{path}",
    "unknown_ring_group": "未知的振铃组“{name}”",
    "unknown_bound_number": "未知的绑定号码“{name}”",
    "unknown_extension": "未知的分机“{name}”",
    "unknown_plan": "未知的处理方案“{name}”",
    "no_fxs_port": "没有 FXS 端口“{port}”（lines.fxs 中有：{known}）",
    "port_taken": "{port} 已用于分机 {extension}",
    "starts_with_outside_prefix": "以外线前缀“{prefix}”开头（见 settings）",
    "no_line": "没有线路“{line}”（lines 中有：{known}）",
    "not_on_board": "本机主板“{board}”没有线路“{line}”（它有：{known}）",
    "no_gsm_line": "没有 GSM 线路“{line}”",
    "no_outside_line_named": "没有外线“{line}”（配置中有：{known}）",
    "no_time_rule": "没有时间规则“{name}”（应为 time_rules 中的名称或 “{builtin}”）",
    "not_province": "“{value}”不是中国的省份（例如 “浙江省” 或 “浙江”）",
    "not_area_code": "“{value}”不是区号（2 到 4 位数字，例如 “571” 或 “0571”）",
    "not_destination": "“{value}”不是去向（{choices}、“ring_group:名称” 或 “plan:名称”）",
    "not_step": "“{value}”不是步骤（{choices} 或 “ring_group:名称”）",
    "withheld_and_number": "隐藏号码的来电没有号码、省份、城市、区号或运营商",
    "no_steps": "处理方案至少需要一个步骤",
    "step_has_no_exits": "步骤 {action} 会结束通话：它没有出口",
    "no_such_step": "处理方案 {plan} 中没有步骤“{step}”",
    "steps_unreachable": "没有出口通向步骤 {steps}：它们永远不会执行",
    "steps_loop": "步骤 {steps} 构成没有出口的循环：无人接听时来电会一直循环",
    "unavailable_loop": "“不可接听”出口构成循环（{cycle}）：所有人都振铃过后来电会一直循环",
    "no_limits": "请至少填写一项限额",
    "step_needs": "“{action}”步骤需要填写“{field}”设置",
    "step_setting_unused": "“{field}”设置只用于“{field}”步骤，不能用于“{action}”",
    "exit_not_of_step": "“{action}”步骤没有出口“{exit}”（它的出口有：{exits}）",
    "idle_loop": "步骤在来电者不按键的情况下构成循环（{cycle}）：不按键的来电者会一直循环",
    "not_menu_digit": "“{value}”不是按键（0-9、* 或 #）",
    "not_prompt_name": "“{value}”不是提示音名称（小写字母开头，后接小写字母、数字、_ 或 -；"
                       "最多 40 个字符）",
    "not_pin": "“{value}”不是 1 到 {max} 位数字的密码",
    "pin_needs_source": "请填写正确的密码：“pins”，或带各自密码的“callers”",
    "verify_needs_source": "请填写可通过的号码（“numbers”），或要询问的“hook”",
    "not_digits": "“{value}”不是 {low} 到 {high} 位数字",
    "min_over_max": "min_digits {min} 大于 max_digits {max}",
    "not_hook_url": "“{value}”不是 http:// 或 https:// 网址",
    "exit_name_taken": "“{name}”是每个验证步骤都有的出口：请换一个名称",
    "not_step_exit": "“{value}”不是此步骤的出口（{exits}）",
    "key_repeats": "按键“{key}”已用于第 [{first}] 项",
    "exit_repeats": "出口“{name}”已用于第 [{first}] 项",
    "listed_twice": "有号码重复列出",
    "not_voicemail_box": "“{value}”不是语音信箱：应为分机号或振铃组名称（字母、数字、_ 或 -，"
                         "最多 40 个字符）",
    "unknown_voicemail_box": "没有名为“{name}”的分机或振铃组可作此语音信箱",
    "not_voicemail_pin": "“{value}”不是 4 到 12 位数字的语音信箱密码",
    "not_feature_code": "“{value}”不是功能码：* 加 2 或 3 位数字，例如 *97",
    "not_in_call_code": "“{value}”不是通话中功能码：* 加 1 或 2 位数字，例如 *8",
    "feature_code_taken": "“{value}”与功能码 {taken} 冲突",
    "file_not_json": "不是有效的 JSON：{error}；文件未做改动",
    "file_not_utf8": "不是 UTF-8 文本：{error}；文件未做改动",
    "file_not_database": "不是 TinyDB 数据库（应为对象）；文件未做改动",
    "file_document_not_object": "配置文档不是对象；文件未做改动",
    "no_config_sent": '没有配置：请发送 {{"config": {{...}}}}',
    "config_too_big": "{size} 字节：配置最多 {limit} 字节（1 MiB）",
    "json_too_deep": "列表和对象嵌套超过 {limit} 层",
    "not_unicode": "含有无效的 Unicode 文本（例如单独的代理字符 \\ud800）",
    "not_utf8": "不是 UTF-8 文本（第 {position} 字节）",
    "json_syntax": "不是有效的 JSON：{error}（第 {line} 行第 {column} 列）",
    # the facade's query values (firmware/service.py QUERY_REASONS)
    "needs_offset": "需要时区偏移",
    "results_unknown": "{results} 不是以下之一：{choices}",
    "between": "应为 {low} 到 {high}",
    "not_negative": "应为 0 或更大",
    "until_before_since": "必须晚于开始时间",
}

# The notifications section's (issue 12).
from web_ui.messages_notify import NOTIFY_REASONS_ZH  # noqa: E402

REASONS_ZH.update(NOTIFY_REASONS_ZH)
from web_ui.messages_queue import QUEUE_REASONS_ZH  # noqa: E402

REASONS_ZH.update(QUEUE_REASONS_ZH)
from web_ui.messages_recording import RECORDING_REASONS_ZH  # noqa: E402  (call recording)

REASONS_ZH.update(RECORDING_REASONS_ZH)

# The page's own reasons: code -> (English, Chinese).
FORM_REASONS: dict[str, tuple[str, str]] = {
    "parts": ('"{line}": expected {n} parts separated by commas',
              "“{line}”：应为用逗号分隔的 {n} 项"),
    "not_seconds": ('"{value}" is not a whole number of seconds', "“{value}”不是整数秒数"),
    "not_days": ('"{value}" is not a whole number of days', "“{value}”不是整数天数"),
    "not_choice": ("{value} is not one of {choices}", "{value} 不是以下之一：{choices}"),
    "member_share": ('"{line}": a member and its share, like "801 40"',
                     "“{line}”：应为成员和比例，例如 “801 40”"),
    "member_one": ('"{line}": one extension, bound-number id or group:NAME a line',
                   "“{line}”：每行一个分机、绑定号码 ID 或 group:名称"),
    "member_ring": ('"{line}": a ring time is written like ring=15',
                    "“{line}”：单独的振铃时间写作 ring=15"),
    "not_iso_time": ("{value} is not an ISO time like 2024-05-01 or 2024-05-01T09:30",
                     "{value} 不是 ISO 时间（例如 2024-05-01 或 2024-05-01T09:30）"),
    "not_iso_date": ("{value} is not a date like 2026-10-01",
                     "{value} 不是日期（例如 2026-10-01）"),
    "not_whole_number": ("{value} is not a whole number", "{value} 不是整数"),
    "report_too_long": ("a report covers at most {days} days", "报表最多涵盖 {days} 天"),
    "unknown_parameter": ("unknown parameter; known: {known}", "未知参数；可用的参数：{known}"),
    "availability_body": ('the body must be {{"available": true}} or {{"available": false}}',
                          '请求内容必须是 {{"available": true}} 或 {{"available": false}}'),
    "at_most_chars": ("at most {max} characters", "最多 {max} 个字符"),
    "not_json": ("not JSON: {error}", "不是 JSON：{error}"),
    "not_json_config": ("not a JSON config: {error}", "不是 JSON 格式的配置：{error}"),
    "token_name_length": ("1 to 40 characters", "1 到 40 个字符"),
    "type_reset": ("type RESET to confirm", "请输入 RESET 以确认"),
    "pin_digits": ("a SIM PIN is 4 to 8 digits", "SIM 卡 PIN 码应为 4 到 8 位数字"),
}

FORM_REASONS.update({  # the notifications API's bodies (web_ui/notify_pages.py)
    "retry_body": ('the body must be {{}} (all) or {{"id": N}}',
                   '请求内容必须是 {{}}（全部）或 {{"id": N}}'),
    "test_body": ('the body must be {{}} or {{"to": "an e-mail address"}}',
                  '请求内容必须是 {{}} 或 {{"to": "电子邮件地址"}}'),
})

from web_ui.messages_queue import QUEUE_FORM_REASONS  # noqa: E402  (the callback API)

FORM_REASONS.update(QUEUE_FORM_REASONS)
form_reason = Catalogue({code: en for code, (en, _zh) in FORM_REASONS.items()})

_WEEKDAYS = {"mon": "星期一", "tue": "星期二", "wed": "星期三", "thu": "星期四",
             "fri": "星期五", "sat": "星期六", "sun": "星期日"}

# Parameters that are words: placeholder -> {English word: Chinese}.
PARAM_WORDS: dict[str, dict[str, str]] = {
    "wanted": {"true or false": " true 或 false", "a string": "文本", "a whole number": "整数",
               "a list": "列表", "an object": "对象"},
    "got": {"an object": "对象", "a list": "列表", "a string": "文本", "true/false": "true/false",
            "a number": "数字", "null": "null"},
    "what": {"line": "线路", "port": "端口", "extension": "分机", "id": "ID", "number": "号码",
             "member": "成员", "ring group": "振铃组", "weekday": "星期", "prefix": "前缀",
             "target": "目标", "caller": "主叫号码", "time rule": "时间规则", "route": "路由",
             "plan": "处理方案", "step id": "步骤 ID", "counter": "计数项", "date": "日期",
             "carrier": "运营商", "holidays": "节假日", "working days": "上班日",
             "address": "地址"},
    "day": _WEEKDAYS,
    "action": {"busy": "忙音", "announcement": "提示音", "hangup": "挂断"},
}
# the prompts' reasons (firmware/prompts): a prompt's language, what the box could not do
PARAM_WORDS["lang"] = {"zh": "中文", "en": "英文"}
PARAM_WORDS["what"].update({"convert audio": "转换音频", "speak text": "朗读文本",
                            "store the prompt": "保存提示音"})
