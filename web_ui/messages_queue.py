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
