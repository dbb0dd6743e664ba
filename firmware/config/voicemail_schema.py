"""The config's voicemail parts (FEATURES Q3, Q5; docs/config.md "voicemail").

- `voicemail` (a section of `Config`): the boxes' PINs for listening from a desk
  phone, the feature code that listens (`*97`), the storage limit of all messages
  (oldest deleted first beyond it) and whether analog desk phones hear stutter dial
  tone while their extension has unheard messages.
- `VoicemailSpec`: the settings of a plan step `{"do": "voicemail", "voicemail": {...}}`.
  `box` is an extension number or a ring group name; the greeting is `greeting` when
  set, else the box's own prompt `vm_<box>` when the owner recorded one, else the
  default "leave a message after the tone" (`voicemail_intro`).
- `CallerSmsSpec`: the optional settings of `{"do": "sms_caller", "sms_caller": {...}}`:
  the step's own SMS text (else `notifications.caller_sms_text`) and the prompt the
  caller hears before goodbye (else `unavailable`, "nobody can take your call").

Every field has a default: configs written before voicemail existed load unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_FEATURE_CODE = "*97"
DEFAULT_GREETING = "voicemail_intro"


@dataclass(frozen=True)
class VoicemailSpec:
    """A voicemail step: record the caller's message for `box`. The message ends with
    `#`, after `silence_s` seconds of silence (0: never), or after `max_s` seconds."""

    box: str
    greeting: str | None = None  # a prompt name; None: vm_<box> if recorded, else default
    max_s: int = 120
    silence_s: int = 5


@dataclass(frozen=True)
class CallerSmsSpec:
    """An "sms_caller" step's own words; None: the owner's defaults."""

    text: str | None = None  # the SMS; None: notifications.caller_sms_text
    prompt: str | None = None  # what the caller hears; None: "unavailable"


@dataclass(frozen=True)
class VoicemailBox:
    """A box's listening PIN (digits; "" : the box's own desk phone needs none)."""

    box: str
    pin: str = ""


@dataclass(frozen=True)
class VoicemailConfig:
    feature_code: str = DEFAULT_FEATURE_CODE
    storage_limit_mb: int = 200
    message_waiting: bool = True  # stutter dial tone on an FXS phone with unheard messages
    boxes: tuple[VoicemailBox, ...] = ()

    def pin_of(self, box: str) -> str:
        return next((b.pin for b in self.boxes if b.box == box), "")

    @property
    def limit_bytes(self) -> int:
        return self.storage_limit_mb * 1024 * 1024
