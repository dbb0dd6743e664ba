"""Steps that end a plan by the box itself when nobody is available (Q3, Q5).

- `Voicemail`: the box answers, plays the box's greeting and a tone, and records the
  caller's message for `box` (an extension number or a ring group name); the call
  core runs it (calls/voicemail.py).
- `CallerSms`: the box sends the owner's "nobody available" text (the step's own
  `text`, else `notifications.caller_sms_text`) by SMS to the caller's mobile
  (firmware/notify `nobody_available_sms`), answers, says its `prompt` (else
  `unavailable`) and goodbye, and hangs up.

Both have no exits: like a `Hangup`, the plan ends there. "Another department" needs
no step of its own: a ring step's `busy` / `no_answer` / `unavailable` exit names it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from firmware.config.rules import PlanStep
from firmware.config.voicemail_schema import DEFAULT_GREETING
from firmware.routing.plan import Step

OWN_ENDINGS = ("voicemail", "sms_caller")
CALLER_SMS_PROMPT = "unavailable"  # "nobody can take your call", before goodbye


@dataclass(frozen=True, kw_only=True)
class EndStep(Step):
    """A step the call core carries out, after which the call is over."""

    def ending(self) -> str:
        return self.kind


@dataclass(frozen=True, kw_only=True)
class Voicemail(EndStep):
    box: str
    greeting: str | None = None  # the owner's choice; None: vm_<box>, else the default
    max_s: int = 120
    silence_s: int = 5

    kind: ClassVar[str] = "voicemail"

    @property
    def greetings(self) -> tuple[str, ...]:
        """The prompts to try, first that exists plays: the step's, the box's own, the
        default."""
        own = f"vm_{self.box.lower()}"
        return tuple(n for n in (self.greeting, own, DEFAULT_GREETING) if n)

    def ending(self) -> str:
        return f"voicemail for {self.box}"


@dataclass(frozen=True, kw_only=True)
class CallerSms(EndStep):
    text: str | None = None  # the step's own SMS; None: notifications.caller_sms_text
    prompt: str = CALLER_SMS_PROMPT

    kind: ClassVar[str] = "sms_caller"

    def ending(self) -> str:
        return "an SMS to the caller, then goodbye"


def end_step(spec: PlanStep) -> EndStep:
    """The routing step for a validated "voicemail" or "sms_caller" plan step."""
    if spec.do == "sms_caller":
        own = spec.sms_caller
        return CallerSms(id=spec.id, text=own.text if own else None,
                         prompt=(own.prompt if own else None) or CALLER_SMS_PROMPT,
                         reason=f"plan step {spec.id}: nobody available: an SMS to the caller")
    v = spec.voicemail
    assert v is not None, spec
    return Voicemail(id=spec.id, box=v.box, greeting=v.greeting, max_s=v.max_s,
                     silence_s=v.silence_s,
                     reason=f"plan step {spec.id}: voicemail for {v.box} (at most {v.max_s} s)")


def voicemail_details(step: Step) -> dict[str, object]:
    """A voicemail step as data for the page (route explain's `step_details`)."""
    if isinstance(step, Voicemail):
        return {"box": step.box, "greeting": step.greetings[0], "max_s": step.max_s,
                "silence_s": step.silence_s}
    return {}
