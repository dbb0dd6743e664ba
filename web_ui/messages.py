"""The web page's message catalogue: key -> (English, Simplified Chinese).

Every word the pages show comes from here; tests/web/test_i18n.py checks that each
key a template or the code uses is here, in both languages, with the same
`{placeholders}`. Telephony words keep one meaning across the code and the page
(DESIGN.md): ring group 振铃组, extension 分机, bound number 绑定号码, line 线路.
"""

MESSAGES: dict[str, tuple[str, str]] = {
    "product": ("Switchboard", "总机"),
    "error_page": ("This page cannot be shown", "无法显示此页面"),
    # navigation
    "nav_dashboard": ("Dashboard", "总览"),
    "nav_staff": ("Staff and numbers", "员工与号码"),
    "nav_schedule": ("Schedules", "时间安排"),
    "nav_rules": ("Rules", "规则"),
    "nav_records": ("Call records", "通话记录"),
    "nav_reports": ("Reports", "报表"),
    "nav_system": ("System", "系统"),
    "logout": ("Log out", "退出"),
    # first run and login
    "setup_title": ("Set the owner's password", "设置管理员密码"),
    "setup_intro": ("This box has no password yet. Choose one now; nothing else works until "
                    "it is set.", "本机尚未设置密码。请先设置密码，设置之前其它功能均不可用。"),
    "setup_button": ("Set password", "设置密码"),
    "setup_done": ("Password set. Welcome.", "密码已设置，欢迎使用。"),
    "password": ("Password", "密码"),
    "password_again": ("Password again", "再次输入密码"),
    "current_password": ("Current password", "当前密码"),
    "pw_rules": ("At least 10 characters with letters, digits and symbols mixed, or a "
                 "passphrase of 16 characters or more.",
                 "至少 10 个字符，混合字母、数字和符号；或使用 16 个字符以上的短语。"),
    "pw_short": ("The password is too short: at least 10 characters.",
                 "密码太短：至少需要 10 个字符。"),
    "pw_common": ("The password is too easy to guess (a common password or the company's name).",
                  "密码太容易被猜到（常用密码或公司名称）。"),
    "pw_pattern": ("The password is a pattern (repeated or consecutive characters).",
                   "密码是简单规律（重复或连续的字符）。"),
    "pw_kinds": ("Mix at least three of: lower case, upper case, digits, symbols "
                 "(or use 16 characters or more).",
                 "请至少混合小写字母、大写字母、数字、符号中的三种（或使用 16 个字符以上）。"),
    "pw_mismatch": ("The two passwords are not the same.", "两次输入的密码不一致。"),
    "login_title": ("Log in", "登录"),
    "login_button": ("Log in", "登录"),
    "login_wrong": ("Wrong password.", "密码错误。"),
    "login_wait": ("Too many wrong passwords. Try again in {s} s.",
                   "密码错误次数过多，请 {s} 秒后再试。"),
    "password_changed": ("Password changed. Other sessions were logged out.",
                         "密码已修改，其它登录已退出。"),
    # refusals
    "err_host": ("Unknown Host header: open the box by its IP address or its own name.",
                 "未知的主机名：请用本机的 IP 地址或本机名称访问。"),
    "err_first_run": ("Set the owner's password first (open the page in a browser).",
                      "请先在浏览器中设置管理员密码。"),
    "err_login": ("Log in first.", "请先登录。"),
    "err_token": ("That API token is not valid.", "API 令牌无效。"),
    "err_origin": ("Refused: the request did not come from this box's page.",
                   "已拒绝：请求不是来自本机的页面。"),
    "err_csrf": ("Refused: the form has expired. Reload the page and try again.",
                 "已拒绝：表单已过期，请刷新页面后重试。"),
    "err_box": ("The box is not answering right now; try again in a moment.",
                "主机暂时没有响应，请稍后再试。"),
    # common
    "save": ("Save", "保存"),
    "saved": ("Saved. It applies from the next call; calls in progress go on.",
              "已保存。从下一个来电开始生效，进行中的通话不受影响。"),
    "not_saved": ("Not saved; nothing was changed:", "未保存，没有任何改动："),
    "delete": ("Delete", "删除"),
    "edit": ("Edit", "编辑"),
    "edit_raw": ("Edit as text", "以文本编辑"),
    "show": ("Show", "显示"),
    "search": ("Search", "搜索"),
    "test": ("Test", "测试"),
    "any": ("any", "全部"),
    "state": ("State", "状态"),
    "reason": ("Reason", "原因"),
    "nobody": ("nobody", "无人"),
    "open": ("open", "营业中"),
    "closed": ("closed", "非营业时间"),
    "prev": ("Previous", "上一页"),
    "next": ("Next", "下一页"),
    "no_data": ("No calls in this period.", "此期间没有通话。"),
    # dashboard
    "lines": ("Lines", "线路"),
    "line": ("Line", "线路"),
    "signal": ("Signal", "信号"),
    "registration": ("Network", "网络注册"),
    "sim": ("SIM", "SIM 卡"),
    "calls_now": ("Calls in progress", "进行中的通话"),
    "call": ("Call", "通话"),
    "legs": ("Legs", "通话段"),
    "no_calls": ("No calls right now.", "当前没有通话。"),
    "agents": ("Agents", "坐席"),
    "agent": ("Agent", "坐席"),
    "answered_today": ("Answered today", "今日接听"),
    "missed_today": ("Missed today", "今日未接"),
    "leds": ("Box lights", "指示灯"),
    "sys_ready": ("ready", "就绪"),
    "sys_booting": ("starting", "启动中"),
    "sys_offline": ("box not running", "主机未运行"),
    "sys_not_answering": ("box not answering", "主机无响应"),
    "agent_idle": ("free", "空闲"),
    "agent_in_call": ("on a call", "通话中"),
    "agent_out_of_service": ("out of service", "不可用"),
    "agent_mobile": ("mobile", "手机"),
    # staff
    "ring_groups": ("Ring groups", "振铃组"),
    "groups_hint": ("Who rings for a call, and in what order. Changes apply to the next call.",
                    "来电时振铃的人员和顺序。修改从下一个来电开始生效。"),
    "new_group": ("New ring group", "新建振铃组"),
    "group_name": ("Name", "名称"),
    "strategy": ("Strategy", "分配方式"),
    "strategy_sequential": ("one after the other", "顺序振铃"),
    "strategy_random": ("random", "随机"),
    "strategy_rotating": ("rotating", "轮流"),
    "strategy_ring_all": ("all at once", "同时振铃"),
    "strategy_percentage": ("percentage split", "按比例分配"),
    "strategy_longest_idle": ("longest idle first", "空闲最久优先"),
    "strategy_fewest_answered": ("fewest answered today first", "今日接听最少优先"),
    "ring_time": ("Ring time each (s)", "每人振铃时间（秒）"),
    "total_ring_time": ("Total ring time (s)", "总振铃时间（秒）"),
    "members": ("Members", "成员"),
    "members_hint": ("one a line: an extension (801), a bound-number id or another group "
                     "(group:sales); with the percentage split add the share: 801 40; its own "
                     "ring time: 801 ring=15",
                     "每行一个：分机号（801）、绑定号码 ID 或另一个振铃组（group:sales）；"
                     "按比例分配时加上比例：801 40；单独的振铃时间：801 ring=15"),
    "people": ("Extensions and bound numbers", "分机与绑定号码"),
    "extensions": ("Extensions", "分机"),
    "extensions_hint": ("one a line: number, name, port (801, 前台, fxs0)",
                        "每行一个：号码, 名称, 端口（801, 前台, fxs0）"),
    "bound_numbers": ("Bound numbers", "绑定号码"),
    "bound_hint": ("one a line: id, name, number (zhang, 张伟, 13912345678)",
                   "每行一个：ID, 姓名, 号码（zhang, 张伟, 13912345678）"),
    # schedules
    "weekly_hours": ("Weekly open hours", "每周营业时间"),
    "hours_hint": ("Ranges separated by commas, like 09:00-12:00, 13:30-18:00; empty: closed.",
                   "用逗号分隔时间段，例如 09:00-12:00, 13:30-18:00；留空表示休息。"),
    "day_mon": ("Monday", "星期一"), "day_tue": ("Tuesday", "星期二"),
    "day_wed": ("Wednesday", "星期三"), "day_thu": ("Thursday", "星期四"),
    "day_fri": ("Friday", "星期五"), "day_sat": ("Saturday", "星期六"),
    "day_sun": ("Sunday", "星期日"),
    "duty_roster": ("Duty roster", "值班表"),
    "days": ("Days", "日期"),
    "hours": ("Hours", "时间"),
    "person": ("Person", "值班人"),
    "duty_default": ("When no entry matches", "无匹配时的值班人"),
    "duty_preview": ("Who is on duty at…", "查看某一时间的值班人"),
    "at_time": ("Time", "时间"),
    "on_duty": ("on duty", "值班人"),
    # rules
    "inbound_route": ("Inbound calls", "来电路由"),
    "inbound_group": ("Ring group in open hours", "营业时间振铃组"),
    "forward_chain": ("Forward chain", "转接号码链"),
    "edit_forward": ("Edit the forward chain", "编辑转接号码链"),
    "test_call": ("Test a call", "模拟来电"),
    "caller": ("Caller", "主叫号码"),
    # records
    "since": ("From", "开始日期"),
    "until": ("To", "结束日期"),
    "region": ("Region", "地区"),
    "result": ("Result", "结果"),
    "export_csv": ("Export CSV", "导出 CSV"),
    "n_calls": ("{n} calls", "共 {n} 个通话"),
    "started": ("Started", "开始时间"),
    "answered_by": ("Answered by", "接听人"),
    "talk": ("Talk", "通话时长"),
    "route": ("Route", "路由"),
    "withheld": ("withheld", "未显示号码"),
    "result_answered": ("answered", "已接听"),
    "result_missed": ("missed", "未接"),
    "result_abandoned": ("abandoned", "来电放弃"),
    "result_busy": ("busy", "忙"),
    "result_failed": ("failed", "失败"),
    "result_blocked": ("blocked", "已拦截"),
    "result_forwarded": ("forwarded", "已转接"),
    "result_voicemail": ("voicemail", "语音留言"),
    "result_in_progress": ("in progress", "进行中"),
    "result_interrupted": ("interrupted", "中断"),
    # reports
    "totals": ("Totals", "汇总"),
    "col_calls": ("Calls", "来电"),
    "col_answered": ("Answered", "接听"),
    "col_missed": ("Missed", "未接"),
    "col_busy": ("Busy", "忙"),
    "col_abandoned": ("Abandoned", "放弃"),
    "col_blocked": ("Blocked", "拦截"),
    "col_talk_s": ("Talk time", "通话总时长"),
    "col_avg_talk_s": ("Average talk", "平均通话时长"),
    "by_day": ("By day", "按日期"),
    "by_week": ("By week", "按周"),
    "by_hour": ("By hour of day", "按时段"),
    "by_agent": ("By agent", "按坐席"),
    "by_group": ("By ring group", "按振铃组"),
    "by_region": ("By region", "按地区"),
    # system
    "health": ("Line and modem health", "线路与模块状态"),
    "backup": ("Backup and restore", "备份与恢复"),
    "download_backup": ("Download the whole config", "下载完整配置"),
    "restore": ("Restore from a backup file", "从备份文件恢复"),
    "restore_hint": ("The file is checked first; if anything is wrong nothing is replaced. "
                     "The password and API tokens are not in a backup.",
                     "文件会先被检查；有任何错误都不会替换现有配置。备份中不含密码和 API 令牌。"),
    "restore_button": ("Restore", "恢复"),
    "restored": ("Restored. It applies from the next call.", "已恢复，从下一个来电开始生效。"),
    "change_password": ("Change password", "修改密码"),
    "api_tokens": ("API tokens", "API 令牌"),
    "token_name": ("Name", "名称"),
    "make_token": ("Make a token", "创建令牌"),
    "token_once": ("Token \"{name}\" (copy it now, it is shown only once):",
                   "令牌“{name}”（请立即复制，只显示这一次）："),
    "api_hint": ("Send it as Authorization: Bearer TOKEN. The API is described at",
                 "请求时使用 Authorization: Bearer 令牌。接口说明见"),
    "advanced": ("Edit a config section as text", "以文本编辑配置"),
    "section_title": ("Config: {name}", "配置：{name}"),
    "section_intro": ("The section as JSON; it is checked before it is saved.",
                      "以 JSON 表示的配置段；保存前会被检查。"),
    "factory_reset": ("Factory reset", "恢复出厂设置"),
    "type_reset": ("Type RESET to confirm", "输入 RESET 以确认"),
    # --- rules and schedules pages (VIP, block lists, routes, caps, calendar) ---
    "yes": ("yes", "是"),
    "no": ("no", "否"),
    "rules_vip": ("VIP callers and their own agents", "VIP 客户与专属坐席"),
    "rules_vip_hint": ("A VIP's call rings the dedicated targets first, one after the other, "
                       "then the inbound ring group.",
                       "VIP 客户来电先依次呼叫专属坐席，然后再呼叫来电振铃组。"),
    "rules_vip_numbers": ("VIP numbers", "VIP 号码"),
    "rules_vip_prefixes": ("VIP number prefixes", "VIP 号码前缀"),
    "rules_vip_targets": ("Dedicated targets", "专属坐席"),
    "rules_vip_ring_time": ("Ring time each (s)", "每人振铃时间（秒）"),
    "rules_one_a_line": ("one a line (or separated by commas)", "每行一个（或用逗号分隔）"),
    "rules_prefix_hint": ("+ and digits, like +86135000", "以 + 开头的数字，例如 +86135000"),
    "rules_targets_hint": ("extension numbers or bound-number ids, rung in this order",
                           "分机号或绑定号码 ID，按此顺序振铃"),
    "rules_designated": ("Designated agents", "指定坐席"),
    "rules_designated_hint": ("one a line: caller, agent (0571 8888 8888, 804)",
                              "每行一个：主叫号码, 坐席（0571 8888 8888, 804）"),
    "rules_returning_days": ("Returning callers (days)", "回头客（天）"),
    "rules_returning_hint": ("a caller answered within this many days rings the same agent "
                             "first; 0: off",
                             "在此天数内接听过的来电先呼叫上次接听的坐席；0 表示关闭"),
    "rules_blocking": ("Block lists", "黑白名单与地区限制"),
    "rules_blocking_hint": ("Checked in this order: whitelist, blacklist, withheld numbers, "
                            "denied regions, allowed regions.",
                            "检查顺序：白名单、黑名单、隐藏号码、拒绝地区、允许地区。"),
    "rules_blacklist": ("Blacklist", "黑名单"),
    "rules_whitelist": ("Whitelist (never refused)", "白名单（从不拒绝）"),
    "rules_list_hint": ("numbers, or prefixes ending in * (+86165*), one a line",
                        "号码，或以 * 结尾的前缀（+86165*），每行一个"),
    "rules_block_withheld": ("Refuse callers who withhold their number", "拒绝隐藏号码的来电"),
    "rules_deny_regions": ("Refuse callers from", "拒绝以下地区的来电"),
    "rules_allow_regions": ("Only take callers from (empty: everyone)",
                            "只接以下地区的来电（留空：全部）"),
    "rules_match_numbers": ("Numbers or prefixes", "号码或前缀"),
    "rules_match_provinces": ("Provinces (浙江省)", "省份（浙江省）"),
    "rules_match_cities": ("Cities (杭州市)", "城市（杭州市）"),
    "rules_match_area_codes": ("Area codes (0571)", "区号（0571）"),
    "rules_match_carriers": ("Carriers (中国移动)", "运营商（中国移动）"),
    "rules_treatment": ("A refused caller gets", "被拒绝的来电"),
    "treatment_busy": ("busy tone", "忙音"),
    "treatment_announcement": ("an information tone, then hang up", "提示音后挂断"),
    "treatment_hangup": ("answered and hung up", "接通后立即挂断"),
    "rules_routes_hint": ("The first route that matches gives the call its plan; none matches: "
                          "the default plan (open hours: the ring group; closed: duty).",
                          "第一条匹配的路由决定来电的处理方式；都不匹配时使用默认方式"
                          "（营业时间：振铃组；非营业时间：值班人）。"),
    "rules_route": ("Route", "路由"),
    "rules_lines": ("Lines", "线路"),
    "rules_callers": ("Callers", "主叫"),
    "rules_when": ("When", "时间"),
    "rules_unless": ("unless", "除了"),
    "rules_to": ("Goes to", "转到"),
    "rules_no_routes": ("No routes: every call gets the default plan.",
                        "没有路由：所有来电使用默认方式。"),
    "rules_edit_routes": ("Edit the routes", "编辑路由"),
    "rules_edit_time_rules": ("Edit the time rules", "编辑时间规则"),
    "rules_caps": ("Monthly caps", "每月限额"),
    "rules_caps_hint": ("Counted from the call records since 00:00 on the 1st of this month.",
                        "根据通话记录从本月 1 日 00:00 起计算。"),
    "rules_counter": ("Counter", "计数项"),
    "rules_used": ("Used this month / cap", "本月已用 / 限额"),
    "rules_action": ("When reached", "达到后"),
    "rules_notify": ("Told by SMS", "短信通知"),
    "rules_reached": ("reached", "已达到"),
    "counter_inbound_calls": ("inbound calls", "呼入次数"),
    "counter_inbound_minutes": ("inbound minutes", "呼入分钟数"),
    "counter_outbound_minutes": ("outbound minutes", "呼出分钟数"),
    "cap_action_reject": ("refuse the call", "拒接来电"),
    "cap_action_voicemail": ("to voicemail", "转语音信箱"),
    "cap_action_no_mobiles": ("ring desk phones only", "只呼叫座机"),
    "rules_default_plan": ("none (the default plan)", "无（默认方式）"),
    "rules_blocked": ("blocked", "已拦截"),
    "rules_ring_order": ("Ring order", "振铃顺序"),
    "rules_ending": ("If nobody answers", "无人接听时"),
    "rules_caps_reached": ("Caps reached", "已达到的限额"),
    "rules_rule": ("Rule", "规则"),
    "rules_matched": ("Matched", "匹配"),
    "cal_date": ("Date", "日期"),
    "cal_holiday": ("public holiday", "法定节假日"),
    "cal_length": ("Days", "天数"),
    "cal_n_days": ("{n} d", "{n} 天"),
    "cal_around": ("Year of", "所在年份的日期"),
    "tr_title": ("Time rules", "时间规则"),
    "tr_hint": ("Named hours a route's \"when\" or \"unless\" can name.",
                "路由的“时间”或“除了”可以引用的命名时间段。"),
    "tr_name": ("Name", "名称"),
    "tr_weekly": ("Weekly hours", "每周时间"),
    "tr_dates": ("Dates", "特定日期"),
    "tr_holidays": ("On holidays", "节假日"),
    "tr_holidays_closed": ("closed", "休息"),
    "tr_holidays_weekly": ("the weekday's hours", "按星期的时间"),
    "tr_adjusted_own": ("the day's own weekly hours", "当天自己的每周时间"),
    "tr_none": ("No time rules.", "没有时间规则。"),
    # --- live dashboard: calls in progress, state words, agent availability (issue #5) ---
    "live_caller": ("Caller", "来电号码"),
    "live_region": ("Region", "归属地"),
    "live_who": ("Ringing / talking with", "振铃 / 通话对象"),
    "live_duration": ("Duration", "时长"),
    "live_withheld": ("withheld", "未显示号码"),
    "live_takes_calls": ("Takes calls", "接听来电"),
    "live_yes": ("yes", "是"),
    "live_no": ("no", "否"),
    "live_set_available": ("set available", "设为可接听"),
    "live_set_unavailable": ("set unavailable", "设为暂停接听"),
    "agent_set_available": ("The agent takes calls again from the next call on.",
                            "该坐席从下一通来电起恢复接听。"),
    "agent_set_unavailable": ("The agent is passed over from the next call on.",
                              "该坐席从下一通来电起暂停接听。"),
    "live_call_setup": ("setting up", "建立中"),
    "live_call_ringing": ("ringing", "振铃中"),
    "live_call_keypad": ("in the voice menu", "语音菜单中"),
    "live_call_talking": ("talking", "通话中"),
    "live_line_starting": ("starting", "启动中"),
    "live_line_ready": ("ready", "就绪"),
    "live_line_no_sim": ("no SIM", "无 SIM 卡"),
    "live_line_pin_required": ("SIM PIN needed", "需要 SIM 卡 PIN 码"),
    "live_line_sim_error": ("SIM error", "SIM 卡故障"),
    "live_line_not_registered": ("not registered", "未注册"),
    "live_line_out_of_service": ("out of service", "不可用"),
    "live_port_idle": ("idle", "空闲"),
    "live_port_ringing": ("ringing", "振铃中"),
    "live_port_in_use": ("in use", "使用中"),
    "live_port_fault": ("fault", "故障"),
    "live_sim_ready": ("ready", "就绪"),
    "live_sim_absent": ("absent", "未插卡"),
    "live_sim_pin": ("PIN needed", "需要 PIN 码"),
    "live_sim_puk": ("PUK needed", "需要 PUK 码"),
    "live_sim_error": ("error", "故障"),
    "live_reg_0": ("not registered", "未注册"),
    "live_reg_1": ("home network", "本地网络"),
    "live_reg_2": ("searching", "搜索网络中"),
    "live_reg_3": ("refused", "注册被拒"),
    "live_reg_4": ("unknown", "未知"),
    "live_reg_5": ("roaming", "漫游"),
    # --- end of the live dashboard block ---
}

from web_ui.messages_agents import AGENT_MESSAGES  # noqa: E402  (availability words)

MESSAGES.update(AGENT_MESSAGES)

from web_ui.messages_diagnosis import DIAGNOSIS_MESSAGES  # noqa: E402  ("calls now", reset)

MESSAGES.update(DIAGNOSIS_MESSAGES)

from web_ui.messages_schedule import SCHEDULE_MESSAGES  # noqa: E402

MESSAGES.update(SCHEDULE_MESSAGES)

MESSAGES.update({
    "audio_health": ("Call audio", "通话音频"),
    "audio_health_hint": (
        "Since the box started. Each line's audio moves in 20 ms frames; a frame a line "
        "delivered too late for its tick, or a tick of the box's own clock that came late, "
        "is a short click in a call. A few a day are normal; many mean the box is overloaded "
        "or a modem's USB link is unsteady.",
        "自本机启动以来。每条线路的音频以 20 毫秒为一帧传送；线路送来的帧赶不上节拍，或本机时钟"
        "的节拍迟到，通话中就会有一声短促的咔嗒声。每天少量属正常；数量很多说明本机负载过重或"
        "调制解调器的 USB 连接不稳定。"),
    "audio_frames": ("Frames sent to lines", "发往线路的音频帧"),
    "audio_underruns": ("Frames a line delivered too late", "线路送达过晚的帧"),
    "audio_late": ("Late ticks of the box's clock (over 50 ms)",
                   "本机时钟迟到的节拍（超过 50 毫秒）"),
    "audio_longest": ("Longest gap between two ticks", "两次节拍的最长间隔"),
    "audio_cushions": ("Times a line took a 20 ms cushion against jitter",
                       "线路为抗抖动增加 20 毫秒缓冲的次数"),
})

from web_ui.messages_rules import RULES_MESSAGES  # noqa: E402

MESSAGES.update(RULES_MESSAGES)

from web_ui.messages_security import SECURITY_MESSAGES  # noqa: E402  (the page's defences)

MESSAGES.update(SECURITY_MESSAGES)
from web_ui.messages_prompts import PROMPT_MESSAGES  # noqa: E402  (the Prompts page)

MESSAGES.update(PROMPT_MESSAGES)
from web_ui.messages_settings import SETTINGS_MESSAGES  # noqa: E402

MESSAGES.update(SETTINGS_MESSAGES)
from web_ui.messages_notify import NOTIFY_MESSAGES  # noqa: E402  (issue 12 notifications)

MESSAGES.update(NOTIFY_MESSAGES)
from web_ui.messages_records import RECORD_MESSAGES  # noqa: E402  (end reasons, forwarding)

MESSAGES.update(RECORD_MESSAGES)
from web_ui.messages_i18n import I18N_MESSAGES  # noqa: E402  (issue 9 §8)

MESSAGES.update(I18N_MESSAGES)
from web_ui.messages_lines import LINE_MESSAGES  # noqa: E402  (why a line is not ready)

MESSAGES.update(LINE_MESSAGES)
from web_ui.messages_analog import ANALOG_MESSAGES  # noqa: E402  (the analog line, issue 11)

MESSAGES.update(ANALOG_MESSAGES)
from web_ui.messages_keypad import KEYPAD_MESSAGES  # noqa: E402  (plan form: menu, PIN, greeting)

MESSAGES.update(KEYPAD_MESSAGES)
from web_ui.messages_planform import PLANFORM_MESSAGES  # noqa: E402  (plan form: queue, voicemail)

MESSAGES.update(PLANFORM_MESSAGES)
from web_ui.messages_voicemail import VOICEMAIL_MESSAGES  # noqa: E402  (the Voicemail page)

MESSAGES.update(VOICEMAIL_MESSAGES)
from web_ui.messages_queue import QUEUE_MESSAGES  # noqa: E402  (issue 12 hold queue)

MESSAGES.update(QUEUE_MESSAGES)
from web_ui.messages_warnings import WARNING_MESSAGES  # noqa: E402  (dashboard warnings)

MESSAGES.update(WARNING_MESSAGES)
from web_ui.messages_feature_codes import FEATURE_CODE_MESSAGES  # noqa: E402  (issue 13)

MESSAGES.update(FEATURE_CODE_MESSAGES)
from web_ui.messages_recording import RECORDING_MESSAGES  # noqa: E402  (call recording, T6)

MESSAGES.update(RECORDING_MESSAGES)
from web_ui.messages_transfer import TRANSFER_MESSAGES  # noqa: E402  (issue 13 transfers)

MESSAGES.update(TRANSFER_MESSAGES)
from web_ui.messages_attended import ATTENDED_MESSAGES  # noqa: E402  (attended transfer)

MESSAGES.update(ATTENDED_MESSAGES)
