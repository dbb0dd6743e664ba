"""Words of agent availability (R12) on the dashboard and the Staff page, and of the
agent state "test a call" used (issue 9 §3): key ->
(English, Simplified Chinese), merged into web_ui/messages.py `MESSAGES` at its end.

"unavailable" is by choice (*62 on a desk phone, the switch on the page), apart from
"out of service" (the desk phone's port is faulty) and "on a call".
"""

AGENT_MESSAGES: dict[str, tuple[str, str]] = {
    "agent_unavailable": ("unavailable by choice", "已暂停接听"),
    "agent_unavailable_since": ("unavailable by choice since {time}", "{time} 起暂停接听"),
    "staff_availability": ("Who takes calls", "接听状态"),
    "staff_availability_hint": ("An agent set unavailable is passed over by ring groups from "
                                "the next call on (on a desk phone: *62 unavailable, *61 "
                                "available again).",
                                "暂停接听的坐席从下一通来电起不再被振铃组呼叫（座机上拨 *62 "
                                "暂停接听，拨 *61 恢复接听）。"),
    "rules_state_box": ("Agent state: the running box's, read without changing it "
                        "(unavailable: {away}).",
                        "坐席状态：取自正在运行的主机，只读不改（暂停接听：{away}）。"),
    "rules_state_fresh": ("Agent state: fresh, the box is not running: everyone available, "
                          "rotations at their first member, no returning callers.",
                          "坐席状态：主机未运行，按初始状态计算：所有人可接听，轮流从第一位开始，"
                          "无回头客记录。"),
    "rules_rings_first": ("Rings first", "首先振铃"),
    "staff_box_offline": ("The box is not running: who takes calls cannot be shown or changed "
                          "now.", "主机未运行：现在无法查看或修改接听状态。"),
}
