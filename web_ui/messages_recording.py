"""Call recording's words (issue 13, T6): key -> (English, Simplified Chinese), and the
Chinese of the recording section's config reasons (firmware/config/reasons_recording.py).

Merged into the catalogues at the end of web_ui/messages.py and messages_reasons.py.
A recording is 录音; the storage limit 存储上限.
"""

RECORDING_MESSAGES: dict[str, tuple[str, str]] = {
    "rec_recording": ("Recording", "录音"),
    "live_recording": ("recorded", "录音中"),
    "sec_recording": ("Call recording", "通话录音"),
    "fld_rules": ("Record", "录音规则"),
    "fld_format": ("Format", "格式"),
    "fld_announce": ("Announce", "录音提示"),
    "fld_announcement": ("Announcement prompt", "提示音"),
    "fld_storage_limit_mb": ("Storage limit (MB)", "存储上限（兆字节）"),
    "fld_retention_days": ("Keep for (days)", "保留天数"),
    "rec_rule_all": ("All calls", "全部通话"),
    "rec_rule_route": ("Inbound routes", "来电路由"),
    "rec_rule_ring_group": ("Ring groups", "振铃组"),
    "rec_rule_agent": ("Agents (who answers or dials)", "坐席（接听或拨出的人）"),
    "rec_rules_hint": ("Tick none: nothing is recorded.", "都不勾选：不录音。"),
    "rec_announce_box": ("Tell both parties the call may be recorded, before they are "
                         "connected", "接通前告知双方本次通话可能会被录音"),
    "rec_retention_hint": ("0: keep until the storage limit needs the room",
                           "0：一直保留，直到存储上限需要空间"),
    "rec_format_mp3": ("MP3 (16 kbit/s, about 120 kB a minute)",
                       "MP3（每秒 16 千比特，每分钟约 120 千字节）"),
    "rec_format_opus": ("Opus (12 kbit/s, about 100 kB a minute)",
                        "Opus（每秒 12 千比特，每分钟约 100 千字节）"),
    "rec_format_wav": ("WAV (uncompressed, 960 kB a minute)", "WAV（不压缩，每分钟 960 千字节）"),
    "rec_save": ("Save recording settings", "保存录音设置"),
    "rec_play": ("Play", "播放"),
    "rec_download": ("Download", "下载"),
    "rec_pending": ("being compressed", "正在压缩"),
    "rec_storage_title": ("Call recordings", "通话录音"),
    "rec_storage_used": ("{used} MB used of {limit} MB; recordings kept {days}.",
                         "已用 {used} 兆字节，上限 {limit} 兆字节；录音保留{days}。"),
    "rec_days": ("{n} days", " {n} 天"),
    "rec_days_forever": ("until the limit needs the room", "直到存储上限需要空间为止"),
    "rec_count": ("{n} recordings", "{n} 条录音"),
    "rec_off": ("No call is recorded: the config's recording rules are empty.",
                "未录制任何通话：配置中没有录音规则。"),
    "rec_warning": ("The recordings' storage limit ({limit} MB) made the box delete {n} of "
                    "the oldest recordings on {at}. Raise the limit or download what you "
                    "need to keep.",
                    "录音存储上限（{limit} 兆字节）已使本机于 {at} 删除了最早的 {n} 条录音。"
                    "请提高上限，或下载需要保留的录音。"),
    "rec_warning_dismissed": ("The warning was dismissed.", "已关闭该提醒。"),
    "rec_dismiss": ("Dismiss", "知道了"),
    "warn_recording_storage": (
        "Call recordings use {used_mb} MB of their {limit_mb} MB limit ({percent} %): the "
        "oldest will be deleted to make room.",
        "通话录音已用 {used_mb} 兆字节，上限 {limit_mb} 兆字节（{percent}%）：空间不足时将删除"
        "最早的录音。"),
    "warn_recordings_deleted": (
        "The recordings' limit of {limit_mb} MB made the box delete {deleted} of the oldest "
        "recordings on {at}.",
        "通话录音达到 {limit_mb} 兆字节上限，{at} 删除了最早的 {deleted} 条录音。"),
    "rec_full_dashboard": ("Recordings: the storage limit deleted {n} old recordings ({at}).",
                           "录音：存储上限已删除 {n} 条旧录音（{at}）。"),
}

RECORDING_REASONS_ZH: dict[str, str] = {
    "not_recording_rule": "“{value}”不是录音规则：应为 \"all\"、\"route:名称\"、"
                          "\"ring_group:名称\" 或 \"agent:编号\"",
    "unknown_recording_target": "录音规则中的 {kind}“{name}”不存在",
    "too_many_recording_rules": "录音规则有 {n} 条：最多 {max} 条",
}
