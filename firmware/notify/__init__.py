"""Notifications (issue 12, Q3, Q5, Q6): e-mail through the owner's SMTP server and SMS
through an outside line, with a persistent outbox and retries (notifier.py, outbox.py).

Entry points for other parts of the box:
- `notify_voicemail(box_or_notifier, message_meta, wav_path)`: the voicemail step
  calls it when a message was left;
- `nobody_available_sms(box_or_notifier, caller, text=None)`: the plan's "nobody
  available" step sends the owner's text to the caller's mobile.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from firmware.notify.notifier import Notifier
from firmware.region import describe

SMS_KINDS = frozenset({"mobile", "landline_or_mobile"})  # numbers an SMS can reach


def _notifier(box_or_notifier: Any) -> Notifier | None:
    if isinstance(box_or_notifier, Notifier):
        return box_or_notifier
    return getattr(box_or_notifier, "notifier", None)


def notify_voicemail(box_or_queue: Any, message_meta: dict[str, Any],
                     wav_path: str | Path) -> bool:
    """Tell the owner of a new voicemail message (on the event loop; returns at once).

    `message_meta`: {"id", "box" (the extension or group it was left for), "caller"
    (E.164 or "" when withheld), "region", "at_ts" (unix seconds) or "at" (text),
    "duration_s"}. The e-mail carries the WAV at `wav_path` (read when it is sent).
    False when the box has no notifier."""
    notifier = _notifier(box_or_queue)
    if notifier is None:
        return False
    notifier.voicemail(dict(message_meta), wav_path)
    return True


def nobody_available_sms(box_or_notifier: Any, caller: str | None, text: str | None = None,
                         country: str | None = None) -> bool:
    """Send the owner's "nobody available" text (`notifications.caller_sms_text`, or
    `text`) by SMS to `caller` if it is a mobile number (read in `country`, default the
    box's); queued, sent through a line with the "sms" feature once one is free. True
    when queued; False for a withheld caller, a landline, an empty text, no notifier,
    or a caller who had it within the hour."""
    notifier = _notifier(box_or_notifier)
    if notifier is None or not caller:
        return False
    config = notifier.config_fn()
    region = describe(caller, country or config.settings.country)
    if region.kind not in SMS_KINDS or not region.e164:
        return False
    return notifier.caller_sms(region.e164, text)


__all__ = ["Notifier", "nobody_available_sms", "notify_voicemail"]
