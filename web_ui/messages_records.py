"""Words of the call records' end reasons and of network forwarding (records page, CSV,
dashboard): key -> (English, Simplified Chinese), merged into web_ui/messages.py
`MESSAGES` at its end. The words are docs/records.md's (firmware/cdr/records.py
`END_REASONS`).
"""

RECORD_MESSAGES: dict[str, tuple[str, str]] = {
    "end_reason": ("Ended", "结束原因"),
    "end_reason_normal": ("our side hung up", "本方挂断"),
    "end_reason_far_end": ("the other party hung up", "对方挂断"),
    "end_reason_dropped": ("dropped by the network", "网络掉线"),
    "end_reason_modem_lost": ("modem lost", "调制解调器断开"),
    "end_reason_box_restart": ("the box restarted", "主机重启"),
    "live_forwarded": ("{line}: forwarded by the network to {to} since {since}",
                       "{line}：自 {since} 起由网络呼叫转移至 {to}"),
}
