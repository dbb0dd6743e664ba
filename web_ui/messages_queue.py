"""The hold queue's words on the page (issue 12, Q1/Q2): the dashboard's queue card,
the callback list, and the Chinese of the queue step's config reasons."""

from __future__ import annotations

QUEUE_MESSAGES: dict[str, tuple[str, str]] = {
    "queues_now": ("Waiting in queues", "排队等候"),
    "no_queued": ("Nobody is waiting in a queue.", "目前没有来电在排队。"),
    "queue_name": ("Queue", "队列"),
    "queue_position": ("Position", "排队位置"),
    "queue_waiting": ("Waiting", "已等待"),
    "live_queue_waiting": ("waiting", "等待中"),
    "live_queue_ringing": ("ringing a member", "正在振铃坐席"),
    "live_queue_vip": ("VIP", "VIP"),
    "live_call_queue": ("in the queue", "排队中"),
    "callbacks": ("Callback requests", "回电请求"),
    "no_callbacks": ("No caller asked to be called back.", "没有客户请求回电。"),
    "callback_caller": ("Caller", "来电号码"),
    "callback_time": ("Asked at", "请求时间"),
    "callback_line": ("Line", "线路"),
    "callback_queue": ("Queue", "队列"),
    "callback_state": ("State", "状态"),
    "callback_state_open": ("to call back", "待回电"),
    "callback_state_done": ("done", "已处理"),
    "callback_mark_done": ("mark done", "标记为已处理"),
    "callback_marked_done": ("The callback request is marked done.", "回电请求已标记为已处理。"),
    "result_callback": ("callback requested", "请求回电"),
    # "test a call" and a record's route (web_ui/queue_words.py)
    "qx_step": ("hold queue {name}: members {members} ({strategy}); music {music}, position "
                "and wait {every}; at most {length} waiting, {wait} s each",
                "排队 {name}：坐席 {members}（{strategy}）；等待音乐 {music}，{every}播报排队位置"
                "和预计等待时间；最多 {length} 人排队，每人最长等待 {wait} 秒"),
    "qx_every": ("every {s} s", "每 {s} 秒"),
    "qx_never": ("never said", "不"),
    "qx_sep": ("; ", "；"),
    "qx_leave_key": ("key {digit} leaves", "按 {digit} 离开排队"),
    "qx_callback_key": ("key {digit} asks for a callback", "按 {digit} 请求回电"),
    "qx_leaves_at_closing": ("callers leave when the office closes", "下班时排队的来电离开队列"),
    "qx_exit_timeout": ("waited too long", "等待超时"),
    "qx_exit_full": ("queue full", "队列已满"),
    "qx_exit_left": ("left by key", "按键离开"),
    "qx_route_waited": ("queue {name}: waited {waited} s, position {position} on entry",
                        "排队 {name}：等待 {waited} 秒，进入时排第 {position} 位"),
    "qx_route_full": ("queue {name}: full", "排队 {name}：已满"),
    "qx_full_waiting": (" ({n} waiting)", "（{n} 人在等待）"),
    "qx_full_media": (" (no audio capacity)", "（语音资源不足）"),
    "qx_how_left": ("left by key", "按键离开"),
    "qx_how_timeout": ("waited too long", "等待超时"),
    "qx_how_closed": ("left at closing time", "下班离开"),
    "qx_how_callback": ("asked for a callback", "请求回电"),
}

QUEUE_REASONS_ZH: dict[str, str] = {
    "queue_keys_same": "离开键和回电键都是“{key}”：请给每个功能设置不同的按键",
    "queue_announce_too_often": "{value} 秒：播报间隔至少 10 秒（或 0：不播报）",
}

QUEUE_FORM_REASONS: dict[str, tuple[str, str]] = {
    "not_callback_state": ("{value} is not one of {choices}", "{value} 不是以下之一：{choices}"),
    "not_callback_id": ('"{value}" is not a callback request number',
                        "“{value}”不是回电请求编号"),
}
