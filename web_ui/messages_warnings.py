"""The dashboard's warnings (web_ui/owner_warnings.py): key -> (English, Simplified
Chinese). Merged into the catalogue in web_ui/messages.py."""

WARNING_MESSAGES: dict[str, tuple[str, str]] = {
    "warn_title": ("Needs your attention", "需要处理"),
    "warn_notices_failed": (
        "{count} notice(s) could not be sent and wait in the outbox ({retrying} to be "
        "retried, {given_up} given up); the oldest since {oldest}.",
        "有 {count} 条通知未能发出，仍在发件箱中（{retrying} 条等待重试，{given_up} 条已放弃）；"
        "最早一条自 {oldest} 起。"),
    "warn_voicemail_storage": (
        "Voicemail uses {used_mb} MB of its {limit_mb} MB limit ({percent} %): the oldest "
        "messages will be deleted to make room.",
        "语音留言已用 {used_mb} 兆字节，上限 {limit_mb} 兆字节（{percent}%）："
        "空间不足时将删除最早的留言。"),
    "warn_voicemail_unheard_deleted": (
        "The voicemail limit of {limit_mb} MB made the box delete {unheard} message(s) "
        "nobody had listened to ({deleted} deleted in all) on {at}.",
        "语音留言达到 {limit_mb} 兆字节上限，{at} 删除了 {unheard} 条未听过的留言"
        "（共删除 {deleted} 条）。"),
    "warn_open_outbox": ("Open the outbox", "查看发件箱"),
    "warn_open_voicemail": ("Open voicemail", "查看语音信箱"),
    "warn_dismiss": ("Dismiss", "知道了"),
    "warn_dismissed": ("The warning was dismissed.", "已关闭该提醒。"),
}
