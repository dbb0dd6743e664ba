"""The analog line's words (issue 11 §3): its settings, the first-run setup's line step on
an analog box, and its health on the dashboard; key -> (English, Simplified Chinese).

Merged into the catalogue at the end of web_ui/messages.py. Words as an office owner
says them: 电话线路 for the line, 电话局 for the exchange, 挂机 for a hang-up.
"""

ANALOG_MESSAGES: dict[str, tuple[str, str]] = {
    # the Settings page and the first-run setup
    "set_fxo_line": ("Analog phone line {name}", "模拟电话线路 {name}"),
    "set_fxo_number": ("The line's own number", "本线路的号码"),
    "set_fxo_number_hint": ("the company number callers dial, like 010 6234 5678",
                            "来电客户拨打的公司号码，例如 010 6234 5678"),
    "set_fxo_profile": ("Telephone exchange", "电话局制式"),
    "set_fxo_profile_hint": ("where the line comes from: ring, tones and caller ID differ",
                             "线路所在地区：振铃、信号音和来电显示的方式不同"),
    "set_profile_cn": ("China", "中国"),
    "set_profile_us": ("North America (US, Canada)", "北美（美国、加拿大）"),
    "set_fxo_disconnect": ("How the box knows the caller hung up", "如何判断对方已挂机"),
    "set_disc_default": ("the exchange's usual: {method}", "按电话局的通常方式：{method}"),
    "set_disc_busy_tone": ("busy tone (most Chinese exchanges)", "忙音（大多数中国电话局）"),
    "set_disc_polarity": ("polarity reversal", "极性反转"),
    "set_disc_loop_current": ("loop current drop", "环路电流中断"),
    "set_fxo_disconnect_hint": (
        "Keep the usual unless calls stay up after the caller hangs up; then ask the telephone "
        "company which hang-up signal the line gives. China's usual: busy tone; North "
        "America's: loop current drop.",
        "一般保持通常方式。如果对方挂机后通话仍未结束，请向电话公司询问线路使用哪种挂机信号。"
        "中国通常为忙音；北美通常为环路电流中断。"),
    "set_no_outside_line": ("This board has no outside line (no GSM line, no analog line).",
                            "本机主板没有外线（没有 GSM 线路，也没有模拟电话线路）。"),
    "wz_step_line_analog": ("Phone line", "电话线路"),
    "wz_hint_line_mixed": ("The number of the SIM card in the box (and its PIN if it has one), "
                           "and of the phone line plugged into the box with its telephone "
                           "exchange.",
                           "本机中 SIM 卡的号码（如有 PIN 码请一并填写），"
                           "以及接入本机的电话线路的号码和电话局制式。"),
    "wz_hint_line_analog": ("The number of the phone line plugged into the box, and the "
                            "telephone exchange it comes from.",
                            "接入本机的电话线路的号码，以及线路所在地区的电话局制式。"),
    # the dashboard's health card
    "analog_lines": ("Analog phone lines", "模拟电话线路"),
    "live_fxo_number": ("Number", "号码"),
    "live_fxo_service": ("In service", "线路状态"),
    "live_fxo_polarity": ("Polarity", "极性"),
    "live_fxo_last_ring": ("Last ring", "最近振铃"),
    "live_fxo_exchange": ("Exchange", "电话局"),
    "live_fxo_in_service": ("in service (battery present)", "正常（线路有电）"),
    "live_fxo_no_battery": ("out of service: no battery on the line (cut or unplugged)",
                            "不可用：线路无电（线路断开或未接）"),
    "live_fxo_fault": ("out of service: port fault", "不可用：端口故障"),
    "live_fxo_fault_why": ("out of service: port fault ({why})", "不可用：端口故障（{why}）"),
    "live_fxo_unknown": ("not known yet", "尚未知"),
    "live_fxo_never": ("not since the box started", "本机启动后未振铃"),
    "live_fxo_state_idle": ("idle", "空闲"),
    "live_fxo_state_ringing": ("ringing", "振铃中"),
    "live_fxo_state_in_use": ("in use", "通话中"),
    "live_fxo_state_fault": ("fault", "故障"),
    "live_fxo_polarity_normal": ("normal", "正常"),
    "live_fxo_polarity_reversed": ("reversed", "反转"),
    "live_reason_no_battery": ("no battery on the line: cut or unplugged",
                               "线路无电：线路断开或未接"),
    "live_reason_port_fault": ("the analog port does not answer", "模拟端口无响应"),
    # the words live.js needs for the profile and disconnect cells (set_* are not live_*)
    "live_fxo_profile_cn": ("China", "中国"),
    "live_fxo_profile_us": ("North America (US, Canada)", "北美（美国、加拿大）"),
    "live_fxo_disc_busy_tone": ("busy tone (most Chinese exchanges)", "忙音（大多数中国电话局）"),
    "live_fxo_disc_polarity": ("polarity reversal", "极性反转"),
    "live_fxo_disc_loop_current": ("loop current drop", "环路电流中断"),
}
