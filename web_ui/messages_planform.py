"""The plan form's hold queue, voicemail and "SMS to the caller" steps (queue_forms.py,
views/plan_step_holding.tpl), and their fields' names in a refusal. English and
Chinese."""

from __future__ import annotations

PLANFORM_MESSAGES: dict[str, tuple[str, str]] = {
    "qf_group": ("Callers wait for ring group", "排队接听的振铃组"),
    "qf_pick_group": ("(pick a ring group)", "（请选择振铃组）"),
    "qf_group_option": ("{name}: {members} ({strategy})", "{name}：{members}（{strategy}）"),
    "qf_music": ("Music while waiting", "等待音乐"),
    "qf_entry_prompt": ("Said on entering the queue", "进入排队时播放"),
    "qf_no_prompt": ("(nothing)", "（不播放）"),
    "qf_announce_every_s": ("Say the position and wait every (s)",
                            "播报排队位置和等待时间的间隔（秒）"),
    "qf_announce_hint": ("0: never; at least 10", "0：不播报；至少 10"),
    "qf_max_wait_s": ("Longest wait (s)", "最长等待（秒）"),
    "qf_max_length": ("Most callers waiting", "最多排队人数"),
    "qf_leave_key": ("Key to leave the queue", "离开排队的按键"),
    "qf_callback_key": ("Key to ask for a callback", "请求回电的按键"),
    "qf_no_key": ("(none)", "（无）"),
    "qf_after_hours": ("Callers waiting stay after closing time",
                       "下班后继续为排队中的来电服务"),
    "qf_queue_hint": ("Members are rung one caller at a time as they become free, in the "
                      "group's order; VIP callers (above) wait ahead of the others. A blank "
                      "number takes the default. A caller who keys the callback key is put "
                      "on the callback list and the call ends.",
                      "坐席空闲时按振铃组的顺序逐个为排队的来电振铃；VIP 来电（见上方）排在"
                      "其他来电之前。数字留空则使用默认值。按回电键的来电者会加入回电列表，"
                      "然后结束通话。"),
    "qf_group_link": ("The group's members and strategy are set on the Staff and numbers page.",
                      "振铃组的成员和分配方式在“员工与号码”页设置。"),
    "qf_box": ("Voicemail box", "留言信箱"),
    "qf_pick_box": ("(pick a box)", "（请选择信箱）"),
    "qf_box_extension": ("extension {box} ({label})", "分机 {box}（{label}）"),
    "qf_box_group": ("ring group {box} ({label})", "振铃组 {box}（{label}）"),
    "qf_vm_greeting": ("Greeting", "留言提示音"),
    "qf_vm_greeting_default": ("(the box's own recording, else the default)",
                               "（信箱自己的录音，否则用默认提示音）"),
    "qf_max_s": ("Longest message (s)", "最长留言（秒）"),
    "qf_silence_s": ("Silence that ends the message (s)", "静音多久结束留言（秒）"),
    "qf_silence_hint": ("0: never", "0：不因静音结束"),
    "qf_voicemail_hint": ("The caller hears the greeting and a tone, then speaks; # ends the "
                          "message. The call ends here. Messages are on the Voicemail page.",
                          "来电者听到提示音和“嘀”声后留言，按 # 结束。通话在此结束。"
                          "留言在“语音留言”页查看。"),
    "qf_sms_text": ("SMS text", "短信内容"),
    "qf_sms_prompt": ("The caller hears", "来电者听到"),
    "qf_sms_prompt_default": ("(the default: nobody can take your call)",
                              "（默认：暂时无人接听）"),
    "qf_sms_hint": ("Sent only to a mobile caller, once an hour at most. Left blank: the "
                    "text on the Notifications page. Then goodbye, and the call ends.",
                    "只发给手机来电者，每小时最多一次。留空则使用“通知”页的短信内容。"
                    "然后说再见，通话结束。"),
    "kf_pick_group": ("pick the ring group whose members take the queue's callers",
                      "请选择接听排队来电的振铃组"),
    "kf_pick_box": ("pick the extension or ring group the message is for",
                    "请选择留言所属的分机或振铃组"),
    # a refused field's name (field_names.py: "步骤 › 第 3 项 › 排队 › 最长等待")
    "fld_queue": ("Hold queue", "排队"),
    "fld_group": ("Ring group", "振铃组"),
    "fld_music": ("Music", "等待音乐"),
    "fld_entry_prompt": ("Said on entry", "进入排队提示音"),
    "fld_announce_every_s": ("Announcement interval", "播报间隔"),
    "fld_max_wait_s": ("Longest wait", "最长等待"),
    "fld_max_length": ("Most callers waiting", "最多排队人数"),
    "fld_leave_key": ("Key to leave", "离开按键"),
    "fld_callback_key": ("Key for a callback", "回电按键"),
    "fld_after_hours": ("After closing time", "下班后"),
    "fld_box": ("Box", "信箱"),
    "fld_max_s": ("Longest message", "最长留言"),
    "fld_silence_s": ("Silence that ends it", "静音结束"),
    "fld_sms_caller": ("SMS to the caller", "短信通知来电者"),
    "fld_text": ("Text", "内容"),
    "rf_exit_full": ("If the queue is full", "队列已满时"),
    "rf_exit_left": ("If the caller keys the leave key", "来电者按离开键时"),
    "rf_exit_queue_timeout": ("If waited too long (or left at closing time)",
                              "等待超时（或下班离开）时"),
}
