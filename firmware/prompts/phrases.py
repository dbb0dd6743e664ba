"""Every phrase the box says, in Chinese and English: the default prompts' texts.

scripts/make_prompts.py speaks each of these with espeak-ng at build time into
firmware/data/prompts/<lang>/<name>.wav (never fetched from the net). The owner's
prompt of the same name and language (uploaded or typed) overrides a default.

Numbers: `number_names(n)` says 0..99 with the prompts "n0".."n20" and the tens
"n30".."n90" ("23" is "n20" + "n3": 二十 三, twenty three), so the call core can
say a queue position or a wait in minutes: ["queue_position", *number_names(3),
"queue_position_after"].
"""

from __future__ import annotations

import re

LANGUAGES = ("zh", "en")
ESPEAK_VOICES = {"zh": "cmn", "en": "en"}
NAME_RE = re.compile(r"[a-z][a-z0-9_-]{0,39}", re.ASCII)

# name -> (Chinese, English)
PHRASES: dict[str, tuple[str, str]] = {
    "welcome": ("您好，欢迎致电。", "Hello, thank you for calling."),
    "closed": ("您好，现在是非工作时间，请在工作时间再来电。",
               "Hello, our office is closed now. Please call again during office hours."),
    "holiday": ("您好，节假日期间暂停服务，请在工作日再来电。",
                "Hello, our office is closed for the holiday. Please call again on a "
                "working day."),
    "menu_invalid": ("输入有误，请重新选择。", "Sorry, that is not a valid choice. Please try "
                                          "again."),
    "menu_timeout": ("没有收到您的选择。", "We did not receive your choice."),
    "queue_position": ("您前面还有", "You are number"),
    "queue_position_after": ("位客户在等待。", "in the queue."),
    "queue_wait": ("预计等待时间约", "The expected waiting time is about"),
    "queue_wait_after": ("分钟。", "minutes."),
    "queue_callback": ("我们已记录您的回电请求，稍后会尽快给您回电。",
                       "We have noted your request and will call you back as soon as we can."),
    "queue_hold": ("请稍候，我们将尽快为您接通。", "Please hold, we will answer as soon as "
                                          "possible."),
    "all_busy": ("对不起，所有坐席都在忙，请稍候。", "Sorry, all our staff are busy. Please "
                                            "hold."),
    "voicemail_intro": ("请在提示音后留言，按井号键结束。",
                        "Please leave a message after the tone. Press hash when you are "
                        "done."),
    "voicemail_saved": ("您的留言已保存，谢谢。", "Your message has been saved. Thank you."),
    # listening to voicemail from a desk phone (calls/voicemail_listen.py)
    "vm_you_have": ("您有", "You have"),
    "vm_new_messages": ("条新留言。", "new messages."),
    "vm_message_menu": ("重听请按1，删除请按7，保存并听下一条请按9，结束请按井号键。",
                        "Press 1 to hear it again, 7 to delete it, 9 to keep it and hear the "
                        "next, hash to end."),
    "vm_deleted": ("留言已删除。", "Message deleted."),
    "vm_no_more": ("没有更多留言。", "No more messages."),
    "pin_enter": ("请输入您的密码，以井号键结束。", "Please enter your PIN, then press hash."),
    "pin_wrong": ("密码错误。", "Wrong PIN."),
    "verify_enter": ("请输入您的账号或订单号，以井号键结束。",
                     "Please enter your account or order number, then press hash."),
    "verify_wrong": ("号码无法验证。", "That number could not be verified."),
    "goodbye": ("感谢您的来电，再见。", "Thank you for calling. Goodbye."),
    "recorded": ("本次通话可能会被录音。",  # the recording announcement (docs/recording.md)
                 "This call may be recorded."),
    "ringback": ("正在为您转接，请稍候。", "Connecting your call, please wait."),
    "unavailable": ("对不起，暂时无人接听。", "Sorry, nobody can take your call right now."),
}

_ZH_DIGITS = "零一二三四五六七八九"
_EN_SMALL = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
             "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen",
             "seventeen", "eighteen", "nineteen", "twenty")
_EN_TENS = {30: "thirty", 40: "forty", 50: "fifty", 60: "sixty", 70: "seventy", 80: "eighty",
            90: "ninety"}


def _zh_number(n: int) -> str:
    if n < 10:
        return _ZH_DIGITS[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else _ZH_DIGITS[tens]) + "十" + (_ZH_DIGITS[ones] if ones else "")


def _number_phrases() -> dict[str, tuple[str, str]]:
    out = {f"n{n}": (_zh_number(n), _EN_SMALL[n]) for n in range(21)}
    out.update({f"n{n}": (_zh_number(n), word) for n, word in _EN_TENS.items()})
    return out


PHRASES.update(_number_phrases())


def number_names(n: int) -> list[str]:
    """Prompt names that say `n` (0..99; larger numbers are said as 99)."""
    n = max(0, min(int(n), 99))
    if n <= 20 or n % 10 == 0:
        return [f"n{n}"]
    tens, ones = divmod(n, 10)
    return [f"n{tens * 10}", f"n{ones}"]


def phrase_text(name: str, lang: str) -> str | None:
    """The default text of prompt `name` in `lang` ("zh" or "en"), None if none."""
    pair = PHRASES.get(name)
    if pair is None or lang not in LANGUAGES:
        return None
    return pair[LANGUAGES.index(lang)]
