"""The Settings page's and the first-run setup's words: key -> (English, Simplified Chinese).

Merged into the catalogue at the end of web_ui/messages.py. Words as DESIGN.md keeps
them: line 线路, extension 分机, ring group 振铃组, forward chain 转接号码链,
bound number 绑定号码, duty 值班.
"""

SETTINGS_MESSAGES: dict[str, tuple[str, str]] = {
    "nav_settings": ("Settings", "设置"),
    "set_intro": ("The company, its lines and who answers. Changes apply from the next call on.",
                  "公司信息、线路和接听安排。修改从下一个来电开始生效。"),
    "set_wizard_link": ("First-run setup, step by step", "首次设置向导"),
    "set_company": ("Company", "公司"),
    "set_company_name": ("Company name", "公司名称"),
    "set_country": ("Country", "国家/地区"),
    "set_country_hint": ("how local numbers are read: CN, HK, US ...",
                         "用于识别本地号码：CN、HK、US 等"),
    "set_timezone": ("Time zone", "时区"),
    "set_timezone_hint": ("office hours and duty follow it, like Asia/Shanghai",
                          "营业时间和值班按此时区计算，例如 Asia/Shanghai"),
    "set_prefix": ("Outside-line prefix", "外线前缀"),
    "set_prefix_hint": ("what a desk phone dials first to call out (empty, or up to 3 digits)",
                        "分机拨打外线前先拨的号码（留空，或最多 3 位数字）"),
    "set_holidays": ("Public holidays", "法定节假日"),
    "set_cal_CN": ("China's holidays and adjusted working days", "中国法定节假日和调休上班日"),
    "set_cal_none": ("none (every day is what its weekday says)", "不使用（每天按星期几计算）"),
    "set_lines": ("Lines", "线路"),
    "set_lines_hint": ("The lines come from the box's board ({board}): its GSM modems, its "
                       "analog phone lines (FXO) and its analog (FXS) ports for desk phones.",
                       "线路来自本机主板（{board}）：GSM 模块、模拟电话线路（FXO）和连接座机的"
                       "模拟（FXS）端口。"),
    "set_no_gsm": ("This board has no GSM line.", "本机主板没有 GSM 线路。"),
    "set_no_fxs": ("This board has no FXS port.", "本机主板没有 FXS 端口。"),
    "set_gsm_line": ("GSM line {name}", "GSM 线路 {name}"),
    "set_sim_number": ("The SIM's own number", "SIM 卡号码"),
    "set_sim_number_hint": ("the company number callers dial, like 139 0000 0001",
                            "来电客户拨打的公司号码，例如 139 0000 0001"),
    "set_sim_pin": ("SIM PIN", "SIM 卡 PIN 码"),
    "set_pin_set": ("a PIN is set; leave empty to keep it", "已设置 PIN 码；留空则保持不变"),
    "set_pin_none": ("no PIN set; 4 to 8 digits if the SIM asks for one",
                     "未设置 PIN 码；如 SIM 卡需要，请填写 4 到 8 位数字"),
    "set_pin_keep": ("unchanged", "保持不变"),
    "set_pin_clear": ("Remove the PIN", "清除 PIN 码"),
    "set_fxs_ports": ("FXS ports in use (desk phones)", "使用中的 FXS 端口（座机）"),
    "set_inbound": ("Who answers the company line", "公司来电由谁接听"),
    "set_inbound_hint": ("In office hours a ring group rings, or a plan takes the call; when "
                         "the office is closed, the person on duty. Routes on the Rules page "
                         "come first.",
                         "营业时间内由振铃组接听，或按处理方案处理；非营业时间由值班人接听。"
                         "“规则”页面中的路由优先。"),
    "set_nobody": ("nobody", "无人"),
    "set_answers": ("In open hours, calls go to", "营业时间来电转给"),
    "set_ring_groups": ("Ring groups", "振铃组"),
    "set_plans": ("Plans (a route \"inbound plan\" in office hours)",
                  "处理方案（营业时间内的路由“inbound plan”）"),
    "set_inbound_plan": ("Ring groups are made on the Staff page; calls that need a plan "
                         "(menus of steps, by caller or time) are routed on the Rules page.",
                         "振铃组在“员工与号码”页面中设置；需要处理方案（按来电号码或时间分步骤处理）的来电"
                         "在“规则”页面中设置路由。"),
    "set_forward_hint": ("When the one rung is busy or does not answer, these are tried in "
                         "order: 4 to 10 numbers or bound-number ids, one a line; empty: off.",
                         "被呼叫方占线或无人接听时，依次尝试以下号码：4 到 10 个号码或绑定号码 ID，"
                         "每行一个；留空表示关闭。"),
    "set_forward_entries": ("Numbers in order", "按顺序的号码"),
    "set_forward_ids": ("Bound numbers:", "绑定号码："),
    "set_json": ("Edit as JSON:", "以 JSON 编辑："),
    "staff_ports": ("The box's desk-phone ports: {ports}; free: {free}.",
                    "本机的座机端口：{ports}；空闲：{free}。"),
    # the first-run setup
    "wz_title": ("Set up the box", "设置本机"),
    "wz_steps": ("Setup steps", "设置步骤"),
    "wz_step_company": ("Company", "公司"),
    "wz_step_line": ("SIM card", "SIM 卡"),
    "wz_step_hours": ("Office hours", "营业时间"),
    "wz_step_phones": ("Desk phones", "座机分机"),
    "wz_step_after_hours": ("After hours", "非营业时间"),
    "wz_step_done": ("Done", "完成"),
    "wz_hint_company": ("Your company's name, and the time zone office hours follow.",
                        "公司名称，以及营业时间所用的时区。"),
    "wz_hint_line": ("The number of the SIM card in the box, and its PIN if it has one.",
                     "本机中 SIM 卡的号码，如有 PIN 码请一并填写。"),
    "wz_hint_hours": ("When the office is open, like 09:00-12:00, 13:30-18:00; an empty day "
                      "is closed.",
                      "营业时间，例如 09:00-12:00, 13:30-18:00；留空的日子不营业。"),
    "wz_hint_phones": ("An extension number (2 to 6 digits) and a name for each desk phone; "
                       "they ring together for company calls in office hours.",
                       "为每部座机填写分机号（2 到 6 位数字）和名称；"
                       "营业时间内公司来电时它们同时振铃。"),
    "wz_hint_after_hours": ("Who takes the company's calls when the office is closed.",
                            "非营业时间由谁接听公司来电。"),
    "wz_hint_done": ("The box takes calls as set. Everything can be changed later on the "
                     "Settings, Staff and numbers, and Schedules pages.",
                     "本机已按设置接听来电。以后可以在“设置”、“员工与号码”和“时间安排”页面中修改。"),
    "wz_language": ("Language:", "语言："),
    "wz_pin_hint": ("only if the SIM asks for one (4 to 8 digits)",
                    "仅当 SIM 卡需要时填写（4 到 8 位数字）"),
    "wz_port": ("Port", "端口"),
    "wz_extension": ("Extension", "分机号"),
    "wz_name": ("Name", "名称"),
    "wz_desk": ("Desk {n}", "座机 {n}"),
    "wz_group_name": ("desk phones", "座机"),
    "wz_who": ("After hours, calls go to", "非营业时间来电转给"),
    "wz_nobody": ("nobody (callers hear the office is closed)", "无人（来电者听到已下班提示）"),
    "wz_new_person": ("this person's mobile:", "以下人员的手机："),
    "wz_mobile": ("Mobile number", "手机号码"),
    "wz_next": ("Save and continue", "保存并继续"),
    "wz_skip": ("Skip this step", "跳过此步"),
    "wz_later_button": ("Finish later", "稍后完成"),
    "wz_later": ("The setup waits for you: Settings, then First-run setup.",
                 "设置尚未完成：可在“设置”页面中点击“首次设置向导”继续。"),
    "wz_back": ("Back", "上一步"),
    "wz_to_dashboard": ("Go to the dashboard", "前往总览"),
}
