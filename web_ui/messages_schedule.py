"""The Schedules page's words: key -> (English, Simplified Chinese).

Merged into the catalogue at the end of web_ui/messages.py. Words as DESIGN.md keeps
them: duty roster 值班表, time rule 时间规则, holiday 节假日, adjusted working day
调休上班日, bound number 绑定号码, route 路由.
"""

SCHEDULE_MESSAGES: dict[str, tuple[str, str]] = {
    # the page and its parts
    "sch_parts": ("On this page", "本页内容"),
    "sch_saved_note": ("Changes apply from the next call on.", "修改从下一个来电开始生效。"),
    "dshort_mon": ("Mon", "周一"), "dshort_tue": ("Tue", "周二"),
    "dshort_wed": ("Wed", "周三"), "dshort_thu": ("Thu", "周四"),
    "dshort_fri": ("Fri", "周五"), "dshort_sat": ("Sat", "周六"),
    "dshort_sun": ("Sun", "周日"),
    "whole_day": ("the whole day", "全天"),
    # office hours and the calendar
    "hours_past_midnight": ("A range may run past midnight (19:00-08:00 on Monday runs until "
                            "Tuesday 08:00).",
                            "时间段可以跨过午夜（星期一 19:00-08:00 表示到星期二 08:00）。"),
    "hours_follow_calendar": ("Follow China's holiday calendar: closed on public holidays "
                              "and the company's holidays, open on adjusted working days",
                              "按国家法定节假日安排：法定节假日和公司假日休息，调休上班日营业"),
    "hours_calendar_hint": ("Off: the weekly hours apply every day, holidays included.",
                            "关闭后：每天都按每周营业时间，节假日也照常营业。"),
    "hours_adjusted_label": ("On adjusted working days, open the hours of",
                             "调休上班日按哪一天的营业时间营业"),
    "hours_calendar_on": ("Follows the holiday calendar", "按节假日安排"),
    "hours_calendar_off": ("Ignores the holiday calendar", "不按节假日安排"),
    "rules_forwarded": ("Forwarded by the network to {number}: on a one-line box the call "
                        "does not reach the box.",
                        "由运营商网络呼叫转移到 {number}：单线路设备上，此来电不经过本机。"),
    # duty roster
    "roster_hint": ("Who takes the calls when the office is closed. The first entry whose "
                    "days and hours match is on duty; when none matches, the default person.",
                    "非营业时间由谁接听来电。按顺序第一条日期和时间都符合的安排生效；"
                    "都不符合时由默认值班人接听。"),
    "roster_entry": ("Entry {n}", "第 {n} 条"),
    "roster_new": ("New entry", "新增值班安排"),
    "roster_hours": ("Hours", "时间段"),
    "roster_hours_hint": ("like 18:00-24:00, or 19:00-08:00 past midnight; empty: the whole "
                          "day",
                          "例如 18:00-24:00，或跨午夜的 19:00-08:00；留空表示全天"),
    "roster_person": ("On duty", "值班人"),
    "roster_choose": ("choose a person", "请选择值班人"),
    "roster_add": ("Add", "添加"),
    "roster_none": ("No entries yet: the default person is on duty whenever the office is "
                    "closed.", "还没有值班安排：非营业时间一律由默认值班人接听。"),
    "roster_no_people": ("No bound numbers yet: add the staff's mobiles on the Staff page "
                         "first.", "还没有绑定号码：请先在“员工与号码”页面添加员工的手机号码。"),
    "roster_default_hint": ("On duty when no entry matches, and rung after the entry's "
                            "person when that is someone else. Nobody: the call goes on to the "
                            "forward chain, if there is one.",
                            "没有安排符合时由此人值班；有安排时，值班人未接听再呼叫此人。"
                            "选“无人”时，来电转到转接号码链（如果已设置）。"),
    "duty_holiday": ("Holiday duty", "节假日值班"),
    "duty_holiday_hint": ("On duty all day on public holidays and the company's holidays, "
                          "before the entries. Nobody: the entries and the default as on "
                          "other days.",
                          "法定节假日和公司假日全天由此人值班，优先于上面的安排。选“无人”时，"
                          "节假日与平时一样按值班安排和默认值班人。"),
    # time rules
    "tr_new": ("New time rule", "新建时间规则"),
    "tr_edit_title": ("Edit time rule {name}", "编辑时间规则 {name}"),
    "tr_editor_hint": ("Renaming a rule renames it in the routes that use it too.",
                       "时间规则改名后，引用它的路由会一起改名。"),
    "tr_name_hint": ("a letter, then letters, digits, _ . - (like workdays)",
                     "以字母开头，可用字母、数字和 _ . -（例如 workdays）"),
    "tr_weekly_hint": ("Ranges separated by commas, like 08:30-12:00, 13:00-17:30. A range "
                       "may run past midnight (22:00-02:00). Empty: not on that day.",
                       "用逗号分隔时间段，例如 08:30-12:00, 13:00-17:30。时间段可以跨过午夜"
                       "（22:00-02:00）。留空表示当天不在此时间内。"),
    "tr_dates_label": ("Dates with their own hours", "特定日期的时间"),
    "tr_dates_hint": ("One date a line, then its hours or \"closed\": 2026-12-31 08:30-12:00 "
                      "or 2026-12-31 closed",
                      "每行一个日期，后面写当天的时间或“休息”：2026-12-31 08:30-12:00 "
                      "或 2026-12-31 休息"),
    "tr_closed_word": ("closed", "休息"),
    "tr_holidays_label": ("On holidays", "节假日当天"),
    "tr_adjusted_label": ("On adjusted working days, the hours of", "调休上班日当天，按以下时间"),
    "tr_adjusted_own_hours": ("the day's own weekly hours", "当天自己的每周时间"),
    "tr_adjusted_shown": ("On adjusted working days", "调休上班日"),
    "tr_used_by": ("Used by routes", "引用它的路由"),
    "tr_unused": ("no route", "没有路由引用"),
    "tr_in_use": ("Time rule {name} is used by the route(s) {routes}: change or delete "
                  "those routes on the Rules page first.",
                  "时间规则 {name} 正被路由 {routes}使用：请先在“规则”页面修改或删除这些路由。"),
    "tr_route_use": ("{route} ({use})", "{route}（{use}）"),
    "tr_save": ("Save the time rule", "保存时间规则"),
    # holidays and adjusted working days
    "cal2_nav": ("Holidays", "节假日"),
    "cal2_title": ("Holidays and adjusted working days of {year}", "{year} 年节假日与调休上班日"),
    "cal2_named": ("{what}: {name}", "{what}：{name}"),
    "cal2_hint": ("Public holidays and adjusted working days come from the chinese-calendar "
                  "package (settings.holiday_calendar); the company's own days come first.",
                  "法定节假日和调休上班日来自内置的中国节假日数据（基本设置中的“节假日日历”）；"
                  "公司自己设定的日期优先。"),
    "cal2_unknown": ("The holiday calendar has no data for {year}: every day counts by its "
                     "weekday. Add the year's days as the company's own below.",
                     "节假日数据包没有 {year} 年的数据：每天按星期计算。"
                     "可以在下面把当年的日期添加为公司自定日期。"),
    "cal2_unknown_own": ("The holiday calendar has no data for {year}: only the company's own "
                         "days of {year} count, other days by their weekday.",
                         "节假日数据包没有 {year} 年的数据：只有公司自定的日期生效，"
                         "其余日期按星期计算。"),
    "cal2_none": ("No public holidays: settings.holiday_calendar is \"none\". The company's "
                  "own days still count.",
                  "不使用法定节假日（基本设置中的“节假日日历”为 none）。"
                  "公司自定的日期仍然生效。"),
    "cal2_empty": ("No holidays or adjusted working days in {year}.",
                   "{year} 年没有节假日或调休上班日。"),
    "cal2_what": ("What", "类型"),
    "cal2_source": ("From", "来源"),
    "cal2_source_package": ("public calendar", "国家法定"),
    "cal2_source_company": ("the company", "本公司"),
    "cal2_workday": ("adjusted working day", "调休上班日"),
    "cal2_company_holiday": ("company holiday", "公司假日"),
    "cal2_company_workday": ("company working day", "公司上班日"),
    "own_title": ("The company's own holidays and working days", "公司自定的假日与上班日"),
    "own_hint": ("On a company holiday the time rules that close on holidays are closed; on "
                 "a company working day they take their adjusted working day hours. Either "
                 "one overrides the public calendar for its date, also in a year the package "
                 "does not know yet.",
                 "公司假日当天，设为节假日休息的时间规则不生效；公司上班日当天，时间规则按调休上班日的"
                 "时间。两者都优先于国家法定日历，数据包还没有的年份也适用。"),
    "own_kind": ("Kind", "类型"),
    "own_kind_holiday": ("holiday (closed)", "假日（休息）"),
    "own_kind_workday": ("working day", "上班日"),
    "own_first": ("Date", "日期"),
    "own_last": ("Until (optional, for several days)", "截止日期（可选，连续多天时填写）"),
    "own_name": ("Name", "名称"),
    "own_name_hint": ("like 春节 Spring Festival or 盘点 stock-taking", "例如 春节 或 盘点"),
    "own_add": ("Add", "添加"),
    "own_remove": ("Remove", "移除"),
    "own_none": ("No days of the company's own yet.", "还没有公司自定的日期。"),
    "own_unnamed": ("(no name)", "（未命名）"),
    # shape problems of a form (the validator's reasons come from the box)
    "form_choice": ("\"{value}\" is not one of {choices}", "“{value}”不是可选项（{choices}）"),
    "form_one_range": ("one range, like 18:00-24:00", "只能填一个时间段，例如 18:00-24:00"),
    "form_gone": ("That entry is no longer there: reload the page.",
                  "该项已不存在，请刷新页面后重试。"),
    "form_date_line": ("\"{line}\": a date, then its hours or \"closed\" "
                       "(2026-12-31 08:30-12:00)",
                       "“{line}”：先写日期，再写时间或“休息”（2026-12-31 08:30-12:00）"),
    "form_date": ("\"{text}\" is not a date like 2027-02-06", "“{text}”不是日期，例如 2027-02-06"),
    "form_span_order": ("before the first date ({first})", "早于开始日期（{first}）"),
    "form_span_long": ("{n} days: at most {max} at once", "共 {n} 天：一次最多添加 {max} 天"),
}
