"""The Rules page's editors for inbound routes, plans and monthly caps: key -> (English,
Simplified Chinese). Merged into `messages.MESSAGES` at the end of messages.py.

Words as elsewhere on the page (DESIGN.md): ring group 振铃组, extension 分机, bound
number 绑定号码, line 线路, route 呼入路由, plan 呼叫方案, duty 值班, forward chain 转接链,
monthly cap 月度上限, time rule 时间规则.
"""

RULES_MESSAGES: dict[str, tuple[str, str]] = {
    # routes
    "rf_routes": ("Inbound routes, in order", "呼入路由（按顺序）"),
    "rf_route_new": ("New route", "新建呼入路由"),
    "rf_route_edit": ("Edit route: {name}", "编辑呼入路由：{name}"),
    "rf_new_route_link": ("+ a new route instead", "+ 改为新建呼入路由"),
    "rf_name": ("Name", "名称"),
    "rf_up": ("Move up", "上移"),
    "rf_down": ("Move down", "下移"),
    "rf_lines_hint": ("none ticked: any line", "都不勾选：任何线路"),
    "rf_no_lines": ("No outside lines (GSM or analog) are configured.",
                    "尚未配置外线（GSM 或模拟线路）。"),
    "rf_callers_hint": ("separate entries with commas; every filled field must match, "
                        "all empty: every caller",
                        "多项用逗号分隔；填写的每一项都要符合，全部留空表示所有来电"),
    "rf_m_numbers": ("numbers", "号码"),
    "rf_m_provinces": ("provinces", "省份"),
    "rf_m_cities": ("cities", "城市"),
    "rf_m_area_codes": ("area codes", "区号"),
    "rf_m_carriers": ("carriers", "运营商"),
    "rf_withheld": ("Withheld numbers", "隐藏号码"),
    "rf_withheld_any": ("any caller", "不限"),
    "rf_withheld_only": ("only callers who withhold their number", "仅限隐藏号码的来电"),
    "rf_withheld_never": ("only callers who show a number", "仅限显示号码的来电"),
    "rf_when": ("Only while this time rule is on", "仅在此时间规则内适用"),
    "rf_unless": ("But not while this time rule is on", "在此时间规则内不适用"),
    "rf_any_time": ("any time", "任何时间"),
    "rf_no_exception": ("no exception", "无例外"),
    "rf_office_hours": ("office hours (the weekly schedule and the holiday calendar)",
                        "营业时间（每周时间表与节假日安排）"),
    "rf_to_default": ("the default (open hours: the inbound ring group; closed: duty)",
                      "默认方式（营业时间：来电振铃组；非营业时间：值班）"),
    "rf_to_ring_group": ("ring group {name}", "振铃组 {name}"),
    "rf_to_plan": ("plan {name}", "呼叫方案 {name}"),
    "rf_to_duty": ("the person on duty", "值班人员"),
    "rf_to_forward_chain": ("the forward chain", "转接链"),
    "rf_to_busy": ("busy tone", "忙音"),
    "rf_to_announcement": ("an information tone, then hang up", "提示音后挂断"),
    "rf_to_hangup": ("hang up", "挂断"),
    "rf_as_json": ("Edit as JSON text (for experts)", "以 JSON 文本编辑（供熟悉者使用）"),
    "rf_routes_json": ("inbound routes", "呼入路由"),
    "rf_time_rules_json": ("time rules", "时间规则"),
    # plans
    "rf_plans": ("Plans", "呼叫方案"),
    "rf_plans_hint": ("A plan's steps run from the first. A step that rings and is not "
                      "answered leaves by an exit (busy, nobody answers, nobody can be "
                      "rung) to the step it names, else to the next step; after the last "
                      "step the call hangs up. A route sends calls to a plan.",
                      "呼叫方案从第一步开始。振铃的步骤无人接听时，按其去向（占线、无人接听、"
                      "无人可呼叫）转到指定的步骤，未指定则转到下一步；最后一步之后挂断。"
                      "呼入路由可以把来电交给呼叫方案。"),
    "rf_no_plans": ("No plans yet.", "还没有呼叫方案。"),
    "rf_plan_new": ("New plan", "新建呼叫方案"),
    "rf_plan_edit": ("Edit plan: {name}", "编辑呼叫方案：{name}"),
    "rf_new_plan_link": ("+ a new plan instead", "+ 改为新建呼叫方案"),
    "rf_id_hint": ("a letter, then letters, digits, _ . -", "以字母开头，可含字母、数字及 _ . -"),
    "rf_used_by": ("used by the route(s): {routes}", "使用它的呼入路由：{routes}"),
    "rf_unused": ("no route goes to it yet", "还没有呼入路由使用它"),
    "rf_exits_hint": ("A busy tone, announcement, hang-up, voicemail or SMS-to-the-caller "
                      "step ends the call: its exits are not used.",
                      "忙音、提示音、挂断、语音留言或短信通知来电者步骤会结束通话，不使用后续去向。"),
    "rf_step_n": ("Step {n}", "第 {n} 步"),
    "rf_step_id": ("Step id", "步骤 ID"),
    "rf_step_do": ("Does", "执行"),
    "rf_exit_busy": ("If busy", "占线时"),
    "rf_exit_no_answer": ("If nobody answers", "无人接听时"),
    "rf_exit_unavailable": ("If nobody can be rung", "无人可呼叫时"),
    "rf_next_step": ("the next step (after the last: hang up)", "下一步（最后一步之后：挂断）"),
    "rf_add_step": ("+ Add a step", "+ 添加步骤"),
    "rf_remove": ("Remove", "移除"),
    # monthly caps
    "rf_caps": ("Monthly caps", "月度上限"),
    "rf_caps_hint": ("One cap per outside line (GSM or analog), each counter limited once; "
                     "saved with no limits, the line has no cap.",
                     "每条外线（GSM 或模拟线路）一个月度上限，每个计数项限一次；"
                     "不设限额保存即取消该线路的上限。"),
    "rf_line": ("Line {name}", "线路 {name}"),
    "rf_no_gsm": ("No outside lines: caps are set per outside line (GSM or analog).",
                  "没有外线：月度上限按外线（GSM 或模拟线路）设置。"),
    "rf_no_limits": ("No limits: this line has no monthly cap.", "没有限额：此线路不设月度上限。"),
    "rf_limit_n": ("Limit {n}", "限额 {n}"),
    "rf_max": ("Cap (calls or minutes)", "上限（次数或分钟数）"),
    "rf_add_limit": ("+ Add a limit", "+ 添加限额"),
    "rf_notify_extra": ("Other numbers", "其他号码"),
    "rf_cap_voicemail": ("Voicemail box (the action \"to voicemail\")",
                         "语音信箱（“转语音信箱”时留言到）"),
    "rf_cap_voicemail_inbound": ("the inbound ring group's", "入站振铃组的信箱"),
    "rf_notify_hint": ("phone numbers, separated by commas", "电话号码，用逗号分隔"),
    # refusals of a form in the wrong shape
    "rf_bad_button": ("That button is not one of this form's: reload the page.",
                      "无效的按钮：请刷新页面。"),
    "rf_bad_choice": ("\"{value}\" is not one of the choices", "“{value}”不是可选的选项"),
    "rf_whole_number": ("\"{value}\" is not a whole number", "“{value}”不是整数"),
    "rf_too_many_rows": ("at most {n} rows", "最多 {n} 行"),
    "rf_one_limit_each": ("each counter has one limit, and all three are set",
                          "每个计数项只能设一个限额，三项都已设置"),
    "rf_no_route": ("there is no route \"{name}\" (the page was out of date: reload it)",
                    "没有呼入路由“{name}”（页面已过期，请刷新）"),
    "rf_no_plan": ("there is no plan \"{name}\" (the page was out of date: reload it)",
                   "没有呼叫方案“{name}”（页面已过期，请刷新）"),
    "rf_no_line": ("there is no outside line \"{name}\" (GSM or analog)",
                   "没有外线“{name}”（GSM 或模拟线路）"),
    "rf_plan_in_use": ("plan {name} is used by the route(s) {routes}: give them another "
                       "destination first", "呼叫方案 {name} 正被呼入路由 {routes} 使用："
                       "请先为这些路由改选其他去向"),
}
