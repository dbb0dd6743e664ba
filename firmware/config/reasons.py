"""Why a config was refused: every reason has a stable code and parameters.

`REASONS` is the catalogue: code -> English template with `{placeholders}`. The
validator (validate.py, validate_rules.py), the schema's parsers (`from_str`, phone
numbers) and everything else that refuses a config build a reason with
`reason(code, **params)`; an unknown code, or parameters that are not exactly the
template's placeholders, raise at once (UnknownReason, TypeError), so no check can
slip in with a free text the page cannot translate.

A `Reason` is its English text, a `str`, so everything that reads reasons as text
(the CLI, the logs, the tests, `ConfigError.errors` as (field, reason) pairs) still
does, and it carries its `code` and `params` (JSON: strings, whole numbers, lists of
strings) for whoever says it in another language: the web page translates any
reason that reaches its error list (web_ui/messages_reasons.py has a Chinese
template for every code here; tests/config/test_reasons.py checks it).

Parameters are what the owner typed (shown as typed), names from the config, or a
few words (a weekday key, a kind of item, a JSON type) the page may translate. A
list parameter reads "a, b, c" in English and "none" when it is empty.

The control socket carries the code and parameters beside the text, so the page in
its own process gets the same reasons (firmware/control.py).
"""

from __future__ import annotations

import string
from collections.abc import Callable, Mapping
from typing import Any

Param = str | int | list[str]

REASONS: dict[str, str] = {
    # a reason that came as plain text (an older box over the socket, say)
    "text": "{text}",
    # structure: types, fields
    "wrong_type": "expected {wanted}, got {got}",
    "not_one_of": "{value} is not one of: {choices}",
    "missing": "missing",
    "unknown_field": "unknown field",
    "unknown_field_suggest": 'unknown field (did you mean "{suggestion}"?)',
    "wrong_version": "this firmware reads version {reads}, got {got}",
    # migrations (schema_version)
    "no_migration": "no migration from version {version}",
    "version_missing": "missing (this firmware writes {target})",
    "version_not_number": "expected a whole number >= 1, got {value}",
    "version_too_new": "this config is from newer firmware (version {version}); this firmware "
                       "reads versions up to {target}: upgrade the firmware first",
    # prompts (firmware/prompts: the owner's uploads and texts, and the config's names)
    "prompt_name": '"{value}" is not a prompt name: a-z, 0-9, _ and -, up to 40 characters, '
                   "starting with a letter",
    "prompt_lang": '"{value}" is not a prompt language: zh or en',
    "prompt_not_audio": "not a WAV or MP3 file",
    "prompt_unreadable": "the audio cannot be read: {error}",
    "prompt_too_big": "{size} MiB: a prompt file may have at most {max} MiB",
    "prompt_too_long": "{minutes} minutes long: a prompt may last at most {max} minutes",
    "prompt_silent": "holds no sound",
    "prompt_text_long": "{n} characters: a spoken text may have at most {max}",
    "prompt_unknown": 'no prompt "{name}" in {lang}',
    "prompt_in_use": "used by {where}: choose another prompt there first",
    "prompt_default": "a default prompt cannot be deleted; upload or speak one of the same name "
                      "to replace it",
    "prompt_tool": "the box cannot {what}: {error}",
    # text, numbers, names
    "empty": "must not be empty",
    "too_long": "longer than {max} characters",
    "out_of_range": "{value} is outside {low}..{high}",
    "not_country": '"{value}" is not a country code phonenumbers knows (like "CN")',
    "not_timezone": '"{value}" is not a known timezone (like "Asia/Shanghai")',
    "not_outside_prefix": '"{value}" is not empty or up to 3 digits',
    "not_gsm_name": '"{value}" is not a GSM line name like "gsm0"',
    "not_sim_pin": '"{value}" is not a SIM PIN (4 to 8 digits)',
    "sim_pin_digits": "must be 4 to 8 digits",
    "not_fxo_name": '"{value}" is not an analog line name like "fxo0"',
    "not_fxs_name": '"{value}" is not an FXS port name like "fxs0"',
    "not_extension_number": '"{value}" is not an extension number (2 to 6 digits)',
    "not_id": '"{value}" is not an id (a letter, then letters, digits, _ . -)',
    "not_bound_id": '"{value}" is not a bound-number id',
    "not_name": '"{value}" is not a name (a letter, then letters, digits, _ . -)',
    "not_step_id": '"{value}" is not a step id (a letter, then letters, digits, _ . -)',
    "not_vip_prefix": '"{value}" is not a number prefix like "+86138"',
    "not_phone": '"{value}" is not a phone number',
    "not_valid_phone": '"{value}" is not a valid phone number (country {country})',
    "not_number_prefix": '"{value}" is not a number prefix like "+86135*" or "0571*"',
    "not_member_target": '"{value}" is neither an extension number nor a bound-number id',
    "repeats": '{what} "{key}" repeats item [{first}]',
    # times and days
    "not_time_range": '"{value}" is not a time range like "{example}"',
    "not_time_of_day": '"{value}": {time} is not a time of day',
    "range_starts_at_24": '"{value}": a range cannot start at 24:00',
    "range_ends_before_start": '"{value}": the range ends before it starts',
    "range_empty": '"{value}": the range is empty (write 00:00-24:00 for all day)',
    "overlaps": '"{range}" overlaps "{other}"',
    "not_weekday": '"{value}" is not a weekday ({days})',
    "no_weekday": "name at least one weekday",
    "too_many_days": "{n} {what}: at most {max}",
    "holiday_and_workday": '"{date}" is also a holiday (holidays[{index}]): a day is a holiday '
                           "or a working day, not both",
    "not_date": '"{value}" is not a date like "2026-10-01"',
    "not_holiday_calendar": '"{value}" is not a holiday calendar (CN or none)',
    "builtin_time_name": '"{name}" is the weekly schedule\'s own name',
    "duty_overlap": "{day} {hours} overlaps entries[{other}]",
    "spills_into": '"{range}" on {day} runs past midnight into "{other}" on {next}',
    # ring groups, forwarding
    "forward_chain_length": "needs 4 to 10 numbers (or none to switch forwarding off), "
                            "got {count}",
    "no_members": "a ring group needs at least one member",
    "shares_needed": "the percentage strategy needs a share per member",
    "shares_total": "shares add up to {total}, not 100",
    "shares_unused": "shares are only used by the percentage strategy",
    "total_ring_time_short": "shorter than the ring time per member ({ring_time} s)",
    "target_or_group": "name either a target (an extension or bound-number id) or a group",
    "group_contains_itself": "the group contains itself: {path}",
    # references
    "unknown_ring_group": 'unknown ring group "{name}"',
    "unknown_bound_number": 'unknown bound number "{name}"',
    "unknown_extension": 'unknown extension "{name}"',
    "unknown_plan": 'unknown plan "{name}"',
    "no_fxs_port": 'no FXS port "{port}" (lines.fxs has: {known})',
    "port_taken": "{port} already rings extension {extension}",
    "starts_with_outside_prefix": 'starts with the outside-line prefix "{prefix}" (settings)',
    "no_line": 'no line "{line}" (lines has: {known})',
    "no_gsm_line": 'no GSM line "{line}"',
    "no_outside_line_named": 'no outside line "{line}" (the config has: {known})',
    "not_on_board": 'the board "{board}" has no line "{line}" (it has: {known})',
    "no_time_rule": 'no time rule "{name}" (time_rules, or "{builtin}")',
    # rules: callers, routes, plans, caps
    "not_province": '"{value}" is not a province of China (like "浙江省" or "浙江")',
    "not_area_code": '"{value}" is not an area code (2 to 4 digits, like "571" or "0571")',
    "not_destination": '"{value}" is not a destination ({choices}, "ring_group:NAME" or '
                       '"plan:NAME")',
    "not_step": '"{value}" is not a step ({choices} or "ring_group:NAME")',
    "withheld_and_number": "a withheld caller has no number, province, city, area code or "
                           "carrier",
    "no_steps": "a plan needs at least one step",
    "step_has_no_exits": "step {action} ends the call: it has no exits",
    "no_such_step": 'no step "{step}" in plan {plan}',
    "steps_unreachable": "no exit leads to step(s) {steps}: they can never run",
    "steps_loop": "steps {steps} loop with no exit: if nobody answers the call goes round "
                  "forever",
    "unavailable_loop": "the unavailable exits loop ({cycle}): once everyone has rung the "
                        "call would go round forever",
    "no_limits": "name at least one limit",
    # keypad steps of a plan (G2-G5): menu, pin, verify (validate_ivr.py)
    "step_needs": 'a "{action}" step needs its "{field}" settings',
    "step_setting_unused": '"{field}" settings are only for a "{field}" step, not "{action}"',
    "exit_not_of_step": 'a "{action}" step has no exit "{exit}" (it has: {exits})',
    "idle_loop": "steps loop without the caller keying anything ({cycle}): a caller who "
                 "keys nothing would go round forever",
    "not_menu_digit": '"{value}" is not a key (0-9, * or #)',
    "not_prompt_name": '"{value}" is not a prompt name (a small letter, then small letters, '
                       'digits, _ or -; up to 40)',
    "not_pin": '"{value}" is not a PIN of 1 to {max} digits',
    "pin_needs_source": 'name the right PINs: "pins", or "callers" with their own PIN',
    "verify_needs_source": 'name the numbers that pass ("numbers"), or a "hook" to ask',
    "not_digits": '"{value}" is not {low} to {high} digits',
    "min_over_max": "min_digits {min} is more than max_digits {max}",
    "not_hook_url": '"{value}" is not an http:// or https:// URL',
    "exit_name_taken": '"{name}" is an exit every verification step has: name another',
    "not_step_exit": '"{value}" is not an exit of this step ({exits})',
    "key_repeats": 'key "{key}" is taken by item [{first}] already',
    "exit_repeats": 'exit "{name}" is named by item [{first}] already',
    "listed_twice": "a number is listed twice",
    # voicemail (validate_voicemail.py)
    "not_voicemail_box": '"{value}" is not a voicemail box: an extension number or a ring '
                         'group name (letters, digits, _ or -; up to 40)',
    "unknown_voicemail_box": 'no extension or ring group "{name}" for this voicemail box',
    "not_voicemail_pin": '"{value}" is not a voicemail PIN of 4 to 12 digits',
    "not_feature_code": '"{value}" is not a feature code: * and 2 or 3 digits, e.g. *97',
    "not_in_call_code": '"{value}" is not an in-call code: * and 1 or 2 digits, e.g. *8',
    "feature_code_taken": '"{value}" clashes with the feature codes {taken}',
    # the file and the request
    "file_not_json": "not valid JSON: {error}; the file was left as it is",
    "file_not_utf8": "not UTF-8 text: {error}; the file was left as it is",
    "file_not_database": "not a TinyDB database (expected an object); the file was left as "
                         "it is",
    "file_document_not_object": "the config document is not an object; the file was left "
                                "as it is",
    "no_config_sent": 'no config: send {{"config": {{...}}}}',  # braces doubled
    # config text from outside (jsontext.py)
    "config_too_big": "{size} bytes: a config may have at most {limit} bytes (1 MiB)",
    "json_too_deep": "lists and objects nested deeper than {limit} levels",
    "not_unicode": "text that is not valid Unicode (a lone surrogate such as \\ud800)",
    "not_utf8": "not UTF-8 text (byte {position})",
    "json_syntax": "not valid JSON: {error} at line {line} column {column}",
}
# The notifications section's (issue 12): their own module, merged here.
from firmware.config.reasons_notify import NOTIFY_REASONS  # noqa: E402

REASONS.update(NOTIFY_REASONS)
# The queue step's (issue 12): their own module, merged here.
from firmware.config.reasons_queue import QUEUE_REASONS  # noqa: E402

REASONS.update(QUEUE_REASONS)
# The recording section's (issue 13): their own module, merged here.
from firmware.config.reasons_recording import RECORDING_REASONS  # noqa: E402

REASONS.update(RECORDING_REASONS)


class UnknownReason(LookupError):
    """A reason was built with a code its catalogue does not have."""


class Reason(str):
    """One reason: the English text (this string), its `code` (a catalogue key) and
    its `params`. Equal to its text, as any string is."""

    code: str
    params: dict[str, Param]

    def __new__(cls, code: str, params: Mapping[str, Param], text: str) -> Reason:
        self = super().__new__(cls, text)
        self.code, self.params = code, dict(params)
        return self

    def __reduce__(self) -> tuple[Any, ...]:
        return (Reason, (self.code, self.params, str(self)))

    def __repr__(self) -> str:
        return f"Reason({self.code!r}, {self.params!r}, {str(self)!r})"

    @property
    def text(self) -> str:
        return str(self)

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "params": {k: _json(v) for k, v in self.params.items()}}


def placeholders(template: str) -> set[str]:
    """The `{names}` a template fills in."""
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def fill(template: str, params: Mapping[str, Any], *, sep: str = ", ", none: str = "none",
         word: Callable[[str, str], str] | None = None) -> str:
    """`template` with `params` in; a list joins with `sep` (`none` when empty), and
    `word(name, value)` may put each word of a parameter into another language."""
    def one(name: str, value: Any) -> str:
        text = str(value)
        return word(name, text) if word else text

    values = {}
    for name, value in params.items():
        if isinstance(value, (list, tuple)):
            values[name] = sep.join(one(name, v) for v in value) if value else none
        else:
            values[name] = one(name, value)
    return template.format(**values)


class Catalogue:
    """Builds `Reason`s from one table of code -> English template."""

    def __init__(self, templates: Mapping[str, str]):
        self.templates = dict(templates)

    def __contains__(self, code: object) -> bool:
        return code in self.templates

    def __call__(self, code: str, **params: Any) -> Reason:
        template = self.templates.get(code)
        if template is None:
            raise UnknownReason(f"no reason {code!r} in the catalogue")
        wanted = placeholders(template)
        if set(params) != wanted:
            raise TypeError(f"reason {code!r} takes {sorted(wanted)}, got {sorted(params)}")
        clean = {k: _param(k, v) for k, v in params.items()}
        return Reason(code, clean, fill(template, clean))


def _param(name: str, value: Any) -> Param:
    if isinstance(value, (list, tuple)):
        return [str(v) for v in value]
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        return str(value)
    return value


def _json(value: Param) -> Param:
    return list(value) if isinstance(value, (list, tuple)) else value


reason = Catalogue(REASONS)


def plain(text: str) -> Reason:
    """A reason that came only as text: code "text" (shown as it is in every language)."""
    return Reason("text", {"text": text}, text)


class BadValue(ValueError):
    """A value cannot be parsed (a time range, a phone number); `reason` says why."""

    def __init__(self, code: str, **params: Any):
        self.reason = reason(code, **params)
        super().__init__(self.reason.text)
