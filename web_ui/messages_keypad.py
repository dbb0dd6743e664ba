"""The plan form's steps that answer the call (keypad_forms.py): menu, PIN,
verification, greeting. English and Chinese."""

from __future__ import annotations

KEYPAD_MESSAGES: dict[str, tuple[str, str]] = {
    "rf_to_menu": ("a voice menu (press 1 for ...)", "语音菜单（按 1 …）"),
    "rf_to_pin": ("ask for a PIN", "输入密码"),
    "rf_to_verify": ("check an account or order number", "验证账号或订单号"),
    "rf_to_greeting": ("play a greeting", "播放欢迎语"),
    "rf_to_queue": ("wait in the queue with music", "排队等候并播放音乐"),
    "rf_to_voicemail": ("take a voicemail", "语音留言"),
    "rf_to_sms_caller": ("text the caller that nobody is free, then hang up",
                         "短信告知来电者无人接听，然后挂断"),
    "rf_exit_timeout": ("If no key (after the last try)", "无按键时（最后一次之后）"),
    "rf_exit_invalid": ("If a wrong key (after the last try)", "按错键时（最后一次之后）"),
    "rf_exit_ok": ("If right", "验证通过时"),
    "rf_exit_failed": ("If wrong every time (blank: hang up)", "每次都错误时（留空：挂断）"),
    "rf_exit_next": ("Then", "然后"),
    "kf_prompt": ("Prompt", "提示音"),
    "kf_pick_prompt": ("(pick a prompt)", "（请选择提示音）"),
    "kf_greeting_by_schedule": ("the greeting for the time of the call (open, closed, holiday)",
                                "按来电时间播放（上班、下班、节假日）欢迎语"),
    "kf_greeting_hint": ("The box answers and plays it. Set the open, closed and holiday "
                         "greetings on the Prompts page; a key the caller presses skips it "
                         "when a menu follows.",
                         "总机接听并播放。上班、下班、节假日欢迎语在“提示音”页设置；"
                         "后面是语音菜单时，来电者按键可跳过欢迎语。"),
    "kf_timeout_s": ("Seconds to wait for a key", "等待按键秒数"),
    "kf_max_tries": ("Plays in all", "最多播放次数"),
    "kf_direct_dial": ("An extension number keyed rings that extension",
                       "来电者可直接拨分机号"),
    "kf_choices": ("Choices: key -> step", "选项：按键 -> 步骤"),
    "kf_key": ("Key {digit}", "按键 {digit}"),
    "kf_no_choice": ("(no choice)", "（不是选项）"),
    "kf_pins": ("PINs", "密码"),
    "kf_pins_kept": ("{n} PIN(s) kept; type new ones to replace them",
                     "已保存 {n} 个密码；输入新密码将替换"),
    "kf_pins_hint": ("PINs are never shown: left blank, the saved PINs stay. Separate "
                     "several with commas.", "密码不会显示：留空则保留已保存的密码。"
                     "多个密码用逗号分隔。"),
    "kf_max_digits": ("Most digits", "最多位数"),
    "kf_min_digits": ("Fewest digits", "最少位数"),
    "kf_tries": ("Tries", "尝试次数"),
    "kf_numbers": ("Numbers that pass (separated by commas)", "可通过的号码（用逗号分隔）"),
    "kf_hook_url": ("Check with a web address (HTTP hook, optional)",
                    "通过网址验证（HTTP 接口，可选）"),
    "kf_hook_timeout_s": ("Hook: seconds to wait", "接口等待秒数"),
    "kf_hook_retries": ("Hook: retries", "接口重试次数"),
    "kf_when_down": ("When the hook does not answer", "接口无响应时"),
    "kf_exit_ok": ("as passed", "视为通过"),
    "kf_exit_failed": ("as failed", "视为未通过"),
    "kf_fill_settings": ("fill in this step's settings below, then save",
                         "请先填写下面此步骤的设置，再保存"),
}

# "test a call" and the records: a greeting step (explain_text.py)
KEYPAD_MESSAGES.update({
    "ex_step_greeting": ("greeting: {schedule}, prompt {prompt}",
                         "欢迎语：{schedule}，提示音 {prompt}"),
    "ex_greeting_own": ("the step's own", "此步骤指定"),
    "ex_greeting_skip": ("; a key skips it into the menu", "；按键可跳过并进入菜单"),
    "ex_route_greeting": ("greeting {id}", "欢迎语 {id}"),
    "ex_exit_open": ("open hours", "上班时间"),
    "ex_exit_closed": ("closed", "下班时间"),
    "ex_exit_holiday": ("holiday", "节假日"),
    "ex_exit_next": ("then", "然后"),
})

# a refused field's name (field_names.py: "步骤 › 第 2 项 › 语音菜单 › 提示音")
KEYPAD_MESSAGES.update({
    "fld_menu": ("Voice menu", "语音菜单"),
    "fld_pin": ("PIN", "密码验证"),
    "fld_verify": ("Verification", "号码验证"),
    "fld_greeting": ("Greeting", "欢迎语"),
    "fld_prompt": ("Prompt", "提示音"),
    "fld_invalid_prompt": ("Prompt after a wrong key", "按错键提示音"),
    "fld_timeout_prompt": ("Prompt after no key", "未按键提示音"),
    "fld_wrong_prompt": ("Prompt after a wrong entry", "输入错误提示音"),
    "fld_failed_prompt": ("Prompt when every try failed", "全部失败提示音"),
    "fld_timeout_s": ("Seconds to wait", "等待秒数"),
    "fld_max_tries": ("Plays in all", "最多播放次数"),
    "fld_direct_dial": ("Direct dialling", "直拨分机"),
    "fld_choices": ("Choices", "选项"),
    "fld_key": ("Key", "按键"),
    "fld_pins": ("PINs", "密码"),
    "fld_tries": ("Tries", "尝试次数"),
    "fld_max_digits": ("Most digits", "最多位数"),
    "fld_min_digits": ("Fewest digits", "最少位数"),
    "fld_hook": ("HTTP hook", "HTTP 接口"),
    "fld_url": ("Address", "网址"),
    "fld_retries": ("Retries", "重试次数"),
    "fld_when_down": ("When it does not answer", "无响应时"),
    "fld_next": ("Then", "然后"),
})

# the dashboard's word for a caller the box answered and who hears a greeting or keys a
# menu, PIN or number (status "keypad"): a greeting counts too since the greeting step
KEYPAD_MESSAGES["live_call_keypad"] = ("greeting or voice menu", "欢迎语或语音菜单")
