"""The Voicemail page's words: key -> (English, Simplified Chinese).

Merged into the catalogue at the end of web_ui/messages.py. Voicemail is 语音信箱; a
message 留言.
"""

VOICEMAIL_MESSAGES: dict[str, tuple[str, str]] = {
    "nav_voicemail": ("Voicemail", "语音信箱"),
    "sec_voicemail": ("Voicemail", "语音信箱"),
    "vm_intro": ("Messages callers left when nobody could answer, per box (an extension or "
                 "a ring group). Listen here, or from a desk phone: dial {code} and the "
                 "box's PIN.",
                 "无人接听时来电者留下的留言，按信箱（分机或振铃组）列出。可在此收听，也可在座机上"
                 "拨 {code} 并输入信箱密码收听。"),
    "vm_none": ("No messages.", "没有留言。"),
    "vm_box": ("Box {box}", "信箱 {box}"),
    "vm_box_counts": ("{total} messages, {unheard} new", "共 {total} 条，{unheard} 条未听"),
    "vm_caller": ("Caller", "来电号码"),
    "vm_region": ("Region", "归属地"),
    "vm_time": ("Time", "时间"),
    "vm_duration": ("Length", "时长"),
    "vm_seconds": ("{s} s", "{s} 秒"),
    "vm_listen": ("Listen", "收听"),
    "vm_state": ("State", "状态"),
    "vm_new": ("new", "未听"),
    "vm_heard": ("heard", "已听"),
    "vm_mark_heard": ("Mark heard", "标为已听"),
    "vm_mark_new": ("Mark new", "标为未听"),
    "vm_delete": ("Delete", "删除"),
    "vm_withheld": ("withheld", "隐藏号码"),
    "vm_deleted": ("The message was deleted.", "留言已删除。"),
    "vm_marked": ("Saved.", "已保存。"),
    "vm_unknown": ("No such message (it was deleted already?).",
                   "没有这条留言（可能已被删除）。"),
    "ex_end_voicemail": ("voicemail: the caller leaves a message for {box}",
                         "转入语音信箱：来电者给 {box} 留言"),
    "ex_end_sms_caller": ("an SMS to the caller, then goodbye{box}",
                          "给来电者发短信，然后挂断{box}"),
    "ex_step_voicemail": ("voicemail for {box}: greeting {greeting}, at most {max_s} s, "
                          "{silence_s} s of silence end it",
                          "语音信箱 {box}：提示音 {greeting}，最长 {max_s} 秒，静音 {silence_s} 秒"
                          "结束"),
    "ex_step_sms_caller": ("an SMS to the caller: {why}", "给来电者发短信：{why}"),
    "vm_storage": ("Storage: {used} MB of {limit} MB used.",
                   "存储空间：已用 {used} 兆字节，共 {limit} 兆字节。"),
    "vm_storage_warning": ("The storage limit of {limit} MB was reached: the {deleted} oldest "
                           "messages were deleted on {time}.",
                           "已达到 {limit} 兆字节的存储上限："
                           "{time} 删除了最早的 {deleted} 条留言。"),
}
