"""Notifications (issue 12, Q3, Q5, Q6): e-mail through the owner's SMTP server and SMS
through an outside line, with a persistent outbox and retries (notifier.py, outbox.py).

Entry points for other parts of the box:
- `notify_voicemail(box_or_queue, message_meta, wav_path)`: the voicemail step
  calls it when a message was left;
- `nobody_available_sms(box_or_core, caller, text=None)`: the plan's "nobody
  available" step sends the owner's text to the caller's mobile.

Each takes the box (or its `Notifier`), or anything with the box's event `bus` (the call
core, `CallController`, which does not know the box): then the request travels as an
event (`VoicemailLeft`, `CallerSmsWanted`) the notifier listens to (wiring.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from firmware.notify.notifier import Notifier
from firmware.region import describe

SMS_KINDS = frozenset({"mobile", "landline_or_mobile"})  # numbers an SMS can reach


@dataclass(frozen=True)
class VoicemailLeft:
    """A voicemail message was left (`notify_voicemail` through the bus)."""

    meta: dict[str, Any]
    wav_path: str


@dataclass(frozen=True)
class VoicemailStorageFull:
    """The voicemail storage limit made the box delete the oldest messages."""

    deleted: int
    limit_mb: int


@dataclass(frozen=True)
class CallerSmsWanted:
    """The "nobody available" SMS to `number` (E.164, a mobile); `text` None: the
    owner's `notifications.caller_sms_text`."""

    number: str
    text: str | None = None


def _notifier(box_or_notifier: Any) -> Notifier | None:
    if isinstance(box_or_notifier, Notifier):
        return box_or_notifier
    return getattr(box_or_notifier, "notifier", None)


def _bus(holder: Any) -> Any:
    bus = getattr(holder, "bus", None)
    return bus if hasattr(bus, "publish") else None


def _country(holder: Any, notifier: Notifier | None) -> str:
    config_fn = notifier.config_fn if notifier is not None else getattr(holder, "config", None)
    try:
        return config_fn().settings.country if callable(config_fn) else "CN"
    except Exception:  # a config that cannot be read now: the box's default country
        return "CN"


def notify_voicemail(box_or_queue: Any, message_meta: dict[str, Any],
                     wav_path: str | Path) -> bool:
    """Tell the owner of a new voicemail message (on the event loop; returns at once).

    `message_meta`: {"id", "box" (the extension or group it was left for), "caller"
    (E.164 or "" when withheld), "region", "at_ts" (unix seconds) or "at" (text),
    "duration_s"}. The e-mail carries the WAV at `wav_path` (read when it is sent).
    False when neither a notifier nor a bus is there to take it."""
    notifier = _notifier(box_or_queue)
    if notifier is not None:
        notifier.voicemail(dict(message_meta), wav_path)
        return True
    bus = _bus(box_or_queue)
    if bus is None:
        return False
    bus.publish(VoicemailLeft(dict(message_meta), str(wav_path)))
    return True


def notify_voicemail_storage(box_or_core: Any, deleted: int, limit_mb: int) -> bool:
    """Warn the owner that the storage limit deleted old voicemail (as new voicemail is
    told); False when neither a notifier nor a bus is there to take it."""
    notifier = _notifier(box_or_core)
    if notifier is not None:
        notifier.voicemail_storage(deleted, limit_mb)
        return True
    bus = _bus(box_or_core)
    if bus is None:
        return False
    bus.publish(VoicemailStorageFull(deleted, limit_mb))
    return True


def nobody_available_sms(box_or_core: Any, caller: str | None, text: str | None = None,
                         country: str | None = None) -> bool:
    """Send the owner's "nobody available" text (`notifications.caller_sms_text`, or
    `text`) by SMS to `caller` if it is a mobile number (read in `country`, default the
    box's); queued, sent through a line with the "sms" feature once one is free. True
    when queued (or handed to the bus); False for a withheld caller, a landline, an
    empty text, or nothing to take it. A caller who had it within the hour does not
    get it again (the notifier's outbox decides, so that survives a restart)."""
    notifier = _notifier(box_or_core)
    bus = None if notifier is not None else _bus(box_or_core)
    if (notifier is None and bus is None) or not caller:
        return False
    region = describe(caller, country or _country(box_or_core, notifier))
    if region.kind not in SMS_KINDS or not region.e164:
        return False
    if text is not None and not text.strip():
        return False
    if notifier is not None:
        return notifier.caller_sms(region.e164, text)
    bus.publish(CallerSmsWanted(region.e164, text))
    return True


__all__ = ["CallerSmsWanted", "Notifier", "VoicemailLeft", "VoicemailStorageFull",
           "nobody_available_sms", "notify_voicemail", "notify_voicemail_storage"]
