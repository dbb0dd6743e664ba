"""What the notifications say, in Chinese or English (`notifications.language`).

Missed calls: one message for every call gathered in the batch window, each with its
time, the caller's number (or "withheld") and region (a call the box's restart
interrupted says so instead of its ring time, which a crash leaves unknown).
Voicemail: who left it, when, how long, for which box. An SMS stays short: at most
`SMS_CALLS` calls listed, the rest counted.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from firmware.notify.outbox import MissedCall

SMS_CALLS = 4

_WORDS: dict[str, dict[str, str]] = {
    "zh": {
        "product": "总机",
        "missed_subject": "未接来电 {n} 个",
        "missed_head": "以下来电无人接听：",
        "missed_line": "{time}  {caller}{region}，响铃 {ring} 秒{abandoned}",
        "abandoned": "（来电方先挂断）",
        "missed_interrupted": "{time}  {caller}{region}，总机重启前无人接听",
        "withheld": "隐藏号码",
        "missed_sms": "未接来电{n}个：",
        "more": "等共{n}个",
        "missed_tail": "请尽快回电。",
        "voicemail_subject": "新语音留言：来自 {caller}",
        "voicemail_body": "{caller}{region} 于 {time} 给 {box} 留言，时长 {duration} 秒。"
                          "\n留言录音见附件。",
        "voicemail_sms": "新语音留言：{caller} {time} 给{box}留言 {duration} 秒",
        "vm_storage": "语音留言已达 {limit} 兆字节的存储上限，已删除最早的 {deleted} 条留言",
        "test_subject": "总机测试邮件",
        "test_body": "这是总机发出的测试邮件。收到这封邮件说明邮件通知设置正确。",
        "sep": "；",
    },
    "en": {
        "product": "Switchboard",
        "missed_subject": "{n} missed call(s)",
        "missed_head": "Nobody answered these calls:",
        "missed_line": "{time}  {caller}{region}, rang {ring} s{abandoned}",
        "abandoned": " (the caller hung up)",
        "missed_interrupted": "{time}  {caller}{region}, not answered before the box "
                              "restarted",
        "withheld": "withheld number",
        "missed_sms": "{n} missed call(s): ",
        "more": "and {n} in all",
        "missed_tail": "Please call them back.",
        "voicemail_subject": "New voicemail from {caller}",
        "voicemail_body": "{caller}{region} left a message for {box} at {time}, "
                          "{duration} s long.\nThe recording is attached.",
        "voicemail_sms": "New voicemail: {caller} at {time} for {box}, {duration} s",
        "vm_storage": "Voicemail reached its storage limit of {limit} MB: the {deleted} "
                      "oldest messages were deleted",
        "test_subject": "Switchboard test e-mail",
        "test_body": "This is a test e-mail from the Switchboard box. It arrived, so the "
                     "e-mail notifications are set up right.",
        "sep": "; ",
    },
}


def words(lang: str) -> dict[str, str]:
    return _WORDS.get(lang, _WORDS["zh"])


def _head(lang: str, company: str, subject: str) -> str:
    return f"{company or words(lang)['product']}: {subject}"


def _local(ts: float, zone: str, fmt: str = "%m-%d %H:%M") -> str:
    return datetime.fromtimestamp(ts, ZoneInfo(zone)).strftime(fmt)


def _caller(w: dict[str, str], caller: str) -> str:
    return caller or w["withheld"]


def _region(lang: str, region: str) -> str:
    if not region:
        return ""
    return f"（{region}）" if lang == "zh" else f" ({region})"


def missed_email(calls: Sequence[MissedCall], lang: str, company: str, zone: str
                 ) -> tuple[str, str]:
    """(subject, body) of the e-mail telling `calls`."""
    w = words(lang)
    lines = [w["missed_head"], ""]
    for call in calls:
        template = w["missed_interrupted" if call.result == "interrupted" else "missed_line"]
        lines.append(template.format(
            time=_local(call.at_ts, zone, "%Y-%m-%d %H:%M:%S"), caller=_caller(w, call.caller),
            region=_region(lang, call.region), ring=round(call.ring_s),
            abandoned=w["abandoned"] if call.result == "abandoned" else ""))
    lines += ["", w["missed_tail"]]
    return _head(lang, company, w["missed_subject"].format(n=len(calls))), "\n".join(lines)


def missed_sms(calls: Sequence[MissedCall], lang: str, company: str, zone: str) -> str:
    w = words(lang)
    shown = [f"{_caller(w, c.caller)}{f'({c.region})' if c.region else ''} "
             f"{_local(c.at_ts, zone, '%H:%M')}" for c in calls[:SMS_CALLS]]
    text = w["missed_sms"].format(n=len(calls)) + w["sep"].join(shown)
    if len(calls) > SMS_CALLS:
        text += " " + w["more"].format(n=len(calls))
    return f"[{company}] {text}" if company else text


def voicemail_texts(meta: dict[str, Any], lang: str, company: str, zone: str
                    ) -> tuple[str, str, str]:
    """(e-mail subject, e-mail body, SMS) of a new voicemail message."""
    w = words(lang)
    caller = _caller(w, str(meta.get("caller") or ""))
    at = meta.get("at_ts")
    time_text = _local(float(at), zone, "%Y-%m-%d %H:%M") if isinstance(at, (int, float)) \
        else str(meta.get("at") or "")
    values = {"caller": caller, "region": _region(lang, str(meta.get("region") or "")),
              "time": time_text, "box": str(meta.get("box") or "-"),
              "duration": round(float(meta.get("duration_s") or 0))}
    subject = _head(lang, company, w["voicemail_subject"].format(**values))
    sms = w["voicemail_sms"].format(**values)
    return subject, w["voicemail_body"].format(**values), \
        f"[{company}] {sms}" if company else sms


def storage_texts(lang: str, company: str, deleted: int, limit_mb: int) -> tuple[str, str]:
    """(e-mail subject, body and SMS) of the voicemail storage warning."""
    text = words(lang)["vm_storage"].format(deleted=deleted, limit=limit_mb)
    return _head(lang, company, text), f"[{company}] {text}" if company else text


def test_email(lang: str, company: str) -> tuple[str, str]:
    w = words(lang)
    return _head(lang, company, w["test_subject"]), w["test_body"]
