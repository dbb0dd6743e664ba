"""The keypad steps of a plan (G2-G5): a voice menu, a PIN, an account-number check.

A plan step (rules.py `PlanStep`) whose `do` is "menu", "pin" or "verify" carries its
settings in the field of that name. Each step answers the caller's line (the caller
pays from then on), plays a prompt (a prompt name: the owner's uploads over the
built-in defaults) and reads the caller's keypad:

- `menu`: a digit picks a choice (`choices`, each to a step of the plan); no digit
  (`timeout`) or a digit that is no choice (`invalid`) plays the prompt again, up to
  `max_tries` plays in all, then leaves by the step's `timeout` / `invalid` exit.
  `direct_dial`: an extension number keyed during the menu rings that extension (G3);
  when it does not answer the step leaves by `no_answer`.
- `pin`: the caller keys a PIN (ended by `#` or `max_digits`); right -> `ok`, wrong
  `tries` times -> `failed`. Right PINs: a caller listed in `callers` must key their
  own; everyone else one of `pins`. PINs are never logged or recorded.
- `verify`: the caller keys an account or order number (`min_digits`..`max_digits`,
  `#` ends), checked against `numbers` and/or an HTTP `hook`, which may also choose
  the exit (`exits`: names of its own, each to a step).

docs/config.md ("plans") describes every field; validate_ivr.py checks them.
"""

from __future__ import annotations

from dataclasses import dataclass

MENU_DIGITS = "0123456789*#"
# The exits a plan step may name in `on`, by its kind; ring steps have the first three.
# A queue (queue_rules.py) reads keys too, so it is listed with the keypad steps.
RING_STEP_EXITS = ("busy", "no_answer", "unavailable")
KEYPAD_EXITS = {"menu": ("timeout", "invalid", "no_answer"), "pin": ("ok", "failed"),
                "verify": ("ok", "failed"), "queue": ("timeout", "full", "left")}
KEYPAD_STEPS = tuple(KEYPAD_EXITS)


@dataclass(frozen=True)
class MenuChoice:
    """Key `digit` ("0"-"9", "*", "#") goes to step `to` of the plan."""

    digit: str
    to: str


@dataclass(frozen=True)
class MenuSpec:
    prompt: str
    choices: tuple[MenuChoice, ...] = ()
    timeout_s: int = 5  # how long to wait for a digit after the prompt
    max_tries: int = 3  # plays of the prompt in all before the timeout / invalid exit
    direct_dial: bool = False  # an extension number keyed rings that extension (G3)
    invalid_prompt: str | None = "menu_invalid"
    timeout_prompt: str | None = "menu_timeout"


@dataclass(frozen=True)
class CallerPin:
    """A caller (E.164 number) and the PIN that caller must key."""

    caller: str
    pin: str


@dataclass(frozen=True)
class PinSpec:
    prompt: str = "pin_enter"
    pins: tuple[str, ...] = ()  # right for every caller not in `callers`
    callers: tuple[CallerPin, ...] = ()
    max_digits: int = 8
    tries: int = 3
    timeout_s: int = 10  # for the first digit; between digits: 5 s
    wrong_prompt: str | None = "pin_wrong"
    failed_prompt: str | None = "goodbye"


@dataclass(frozen=True)
class VerifyHook:
    """POST {"caller", "line", "digits", "call_id"} as JSON to `url`; the reply
    {"ok": bool, "exit": optional exit name} decides. No answer within `timeout_s`
    (or an error, or a reply that is not that) is tried again `retries` times, then
    the hook counts as down and the step leaves by `when_down` ("ok", "failed" or
    one of the step's own `exits`)."""

    url: str
    timeout_s: int = 3
    retries: int = 1
    when_down: str = "failed"


@dataclass(frozen=True)
class VerifyExit:
    """An exit of a verification step the hook's reply may choose, to step `to`."""

    name: str
    to: str


@dataclass(frozen=True)
class VerifySpec:
    prompt: str = "verify_enter"
    min_digits: int = 4
    max_digits: int = 20
    numbers: tuple[str, ...] = ()  # account or order numbers that pass
    hook: VerifyHook | None = None
    exits: tuple[VerifyExit, ...] = ()
    tries: int = 3
    timeout_s: int = 10  # for the first digit; between digits: 5 s
    wrong_prompt: str | None = "verify_wrong"
    failed_prompt: str | None = "goodbye"
