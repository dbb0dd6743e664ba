"""Words of issue 9 §8 (the page in the owner's language): the records search, the
dashboard's signal bars and waiting time, LED words, the network operator's name,
the CSV export's headers, the test-a-call account. key -> (English, Chinese)."""

I18N_MESSAGES: dict[str, tuple[str, str]] = {
    # records search
    "rec_number_or_name": ("Number or name", "号码或姓名"),
    "rec_number_hint": ("8888, 0571 8888, 张伟", "8888、0571 8888、张伟"),
    "rec_region_hint": ("浙江, 杭州", "浙江、杭州"),
    # the page's CSV export: column titles and the call's direction
    "csv_id": ("Call id", "通话编号"),
    "csv_started_at": ("Started", "开始时间"),
    "csv_ended_at": ("Ended", "结束时间"),
    "csv_direction": ("Direction", "方向"),
    "csv_line": ("Line", "线路"),
    "csv_caller": ("Caller", "主叫号码"),
    "csv_callee": ("Called number", "被叫号码"),
    "csv_region": ("Region", "归属地"),
    "csv_carrier": ("Carrier", "运营商"),
    "csv_route": ("Route", "路由"),
    "csv_result": ("Result", "结果"),
    "csv_answered_by": ("Answered by", "接听人"),
    "csv_ring_s": ("Ring time (s)", "振铃时长（秒）"),
    "csv_talk_s": ("Talk time (s)", "通话时长（秒）"),
    "csv_cause": ("End reason", "结束原因"),
    "csv_direction_in": ("inbound", "呼入"),
    "csv_direction_out": ("outbound", "呼出"),
    "csv_direction_internal": ("internal", "内部"),
}
