"""Keypad steps of a plan (G2-G5): a voice menu, a PIN check, an account-number check.

Routing only describes them; the call core runs them (calls/ivr.py): it answers the
caller's line, plays `prompt`, reads the caller's digits and leaves by an exit.

- `Menu`: exits are its choices' digits ("1", "#"), `timeout` and `invalid` (no
  choice after `max_tries` plays), and with `direct_dial` `no_answer` (an extension
  keyed directly, one of `extensions`, did not answer).
- `PinCheck`: `ok` or `failed`. `pins` are the right PINs for this caller (their own
  when the config lists them); they never appear in `repr`, explain or records.
- `Verify`: `ok`, `failed` and the step's own exit names (`extra_exits`) that the
  hook's reply may choose.

`caller_moves(exit)` says whether leaving by `exit` needs the caller to key
something; plan.check_plan refuses loops without such an exit.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import ClassVar

from firmware.routing.plan import Exit, Step, Target


class KeyExit(enum.StrEnum):
    """The exits of keypad steps (ring steps' are plan.Exit; a menu's choices are
    exits named by their digit)."""

    TIMEOUT = "timeout"
    INVALID = "invalid"
    OK = "ok"
    FAILED = "failed"


@dataclass(frozen=True, kw_only=True)
class KeypadStep(Step):
    """A step that answers the call and reads the caller's keypad."""

    prompt: str
    timeout_s: int = 10

    def caller_moves(self, exit: str) -> bool:
        return False


@dataclass(frozen=True, kw_only=True)
class Menu(KeypadStep):
    """Press a digit for a department (G2); an extension keyed directly rings it (G3)."""

    choices: tuple[str, ...] = ()  # the digits that are choices; exits of the same name
    max_tries: int = 3
    direct_dial: bool = False
    extensions: tuple[Target, ...] = ()  # what direct dialling may ring
    invalid_prompt: str | None = "menu_invalid"
    timeout_prompt: str | None = "menu_timeout"

    kind: ClassVar[str] = "menu"

    def exit_names(self) -> tuple[str, ...]:
        fixed = (KeyExit.TIMEOUT, KeyExit.INVALID) + ((Exit.NO_ANSWER,) if self.direct_dial else ())
        return (*self.choices, *fixed)

    def caller_moves(self, exit: str) -> bool:
        return exit != KeyExit.TIMEOUT

    def extension(self, digits: str) -> Target | None:
        """The extension `digits` names, when direct dialling is on."""
        if not self.direct_dial:
            return None
        return next((t for t in self.extensions if t.id == digits), None)

    def extension_prefix(self, digits: str) -> bool:
        """True when `digits` are the start of a longer extension number."""
        return self.direct_dial and any(t.id.startswith(digits) and t.id != digits
                                        for t in self.extensions)


@dataclass(frozen=True, kw_only=True)
class PinCheck(KeypadStep):
    """The caller keys a PIN (G4)."""

    pins: tuple[str, ...] = field(default=(), repr=False)
    max_digits: int = 8
    tries: int = 3
    wrong_prompt: str | None = "pin_wrong"
    failed_prompt: str | None = "goodbye"

    kind: ClassVar[str] = "pin"
    EXITS: ClassVar[tuple[str, ...]] = (KeyExit.OK, KeyExit.FAILED)  # type: ignore[assignment]


@dataclass(frozen=True)
class Hook:
    """An HTTP hook that checks the digits (config/ivr_rules.py `VerifyHook`)."""

    url: str
    timeout_s: int = 3
    retries: int = 1
    when_down: str = "failed"


@dataclass(frozen=True, kw_only=True)
class Verify(KeypadStep):
    """The caller keys an account or order number (G5), checked against `numbers`
    and/or `hook`."""

    min_digits: int = 4
    max_digits: int = 20
    numbers: frozenset[str] = field(default=frozenset(), repr=False)
    hook: Hook | None = None
    extra_exits: tuple[str, ...] = ()
    tries: int = 3
    wrong_prompt: str | None = "verify_wrong"
    failed_prompt: str | None = "goodbye"

    kind: ClassVar[str] = "verify"

    def exit_names(self) -> tuple[str, ...]:
        return (KeyExit.OK, KeyExit.FAILED, *self.extra_exits)


def describe(step: KeypadStep) -> str:
    """One line for explain: what the step asks and where each answer goes."""
    if hasattr(step, "describe"):  # a step that says itself (routing/greeting.py)
        return step.describe()
    if isinstance(step, Menu):
        choices = ", ".join(f"{d} -> {step.exits.get(d, '?')}"
                            for d in (*step.choices, KeyExit.TIMEOUT, KeyExit.INVALID))
        extra = ", an extension number rings it" if step.direct_dial else ""
        return (f"menu {step.id}: {choices}{extra}; prompt {step.prompt}, "
                f"{step.timeout_s} s for a key, {step.max_tries} plays")
    if isinstance(step, PinCheck):
        count = f"{len(step.pins)} right PIN{'s' if len(step.pins) != 1 else ''} (not shown)"
        return (f"pin {step.id}: {count}, up to {step.max_digits} digits, "
                f"{step.tries} tries; prompt {step.prompt}")
    assert isinstance(step, Verify)
    against = [f"{len(step.numbers)} listed numbers"] if step.numbers else []
    if step.hook is not None:
        against.append(f"hook {step.hook.url} ({step.hook.timeout_s} s, "
                       f"{step.hook.retries} retries; down -> {step.hook.when_down})")
    return (f"verify {step.id}: {step.min_digits}-{step.max_digits} digits, # ends, "
            f"checked against {' and '.join(against)}; {step.tries} tries; "
            f"prompt {step.prompt}")


def keypad_details(step: KeypadStep) -> dict[str, object]:
    """A keypad step as data for the page (route explain's `step_details`); never a PIN
    and never the listed account numbers."""
    if hasattr(step, "details"):  # a step that says itself (routing/greeting.py)
        return step.details()
    out: dict[str, object] = {"prompt": step.prompt, "timeout_s": step.timeout_s}
    if isinstance(step, Menu):
        out.update(choices={d: step.exits.get(d, "?") for d in step.choices},
                   max_tries=step.max_tries, direct_dial=step.direct_dial)
    elif isinstance(step, PinCheck):
        out.update(pins=len(step.pins), max_digits=step.max_digits, tries=step.tries)
    elif isinstance(step, Verify):
        out.update(numbers=len(step.numbers), min_digits=step.min_digits,
                   max_digits=step.max_digits, tries=step.tries,
                   hook=None if step.hook is None else {
                       "url": step.hook.url, "timeout_s": step.hook.timeout_s,
                       "retries": step.hook.retries, "when_down": step.hook.when_down})
    return out
