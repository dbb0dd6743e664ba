"""The analog lines' settings (issue 11 §3), for the Settings page, the first-run setup
and the API: per analog line (`lines.fxo`) its own number, the telephone exchange's
profile (China, North America) and how the box knows the caller hung up (the profile's
usual method, or busy tone, polarity reversal, loop current drop).

Form fields, i being the line's place in `lines.fxo`: `fxo{i}_number`, `fxo{i}_profile`,
`fxo{i}_disconnect` ("" or "default": the profile's usual, stored as null). Only shape
is checked here; a number, a profile or a method the config does not take is refused by
the validator, naming the field (`lines.fxo[0].profile`), so the page and the API refuse
the same things with the same words.

API: `GET /api/lines/fxo/{name}` one analog line as the config has it, with the method
its profile uses when none is set (`disconnect_default`); `PUT /api/lines/fxo/{name}`
changes the fields the body names (`number`, `profile`, `disconnect`), the others kept.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from firmware.service import (
    ANALOG_PROFILES,
    DISCONNECT_METHODS,
    BadQuery,
    analog_disconnect_default,
    analog_profile_of_country,
)
from web_ui.messages_reasons import form_reason

LINE_FIELDS = ("number", "profile", "disconnect")
DEFAULT = "default"  # the form's word for "the profile's usual method" (null)

__all__ = ["ANALOG_PROFILES", "DISCONNECT_METHODS", "LINE_FIELDS", "disconnect_default",
           "fxo_lines", "line_view",
           "patched", "profile_of_country", "with_country_profile"]


def _text(form: Mapping[str, Any], name: str) -> str:
    return str(form.get(name) or "").strip()


def fxo_lines(form: Mapping[str, Any], current: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each analog line with the form's number, profile and disconnect method over the
    current ones (a field the form does not send is kept)."""
    lines = []
    for i, line in enumerate(current):
        new = dict(line)
        if f"fxo{i}_number" in form:
            new["number"] = _text(form, f"fxo{i}_number") or None
        if f"fxo{i}_profile" in form:
            new["profile"] = _text(form, f"fxo{i}_profile")
        if f"fxo{i}_disconnect" in form:
            method = _text(form, f"fxo{i}_disconnect")
            new["disconnect"] = None if method in ("", DEFAULT) else method
        lines.append(new)
    return lines


def line_view(line: dict[str, Any]) -> dict[str, Any]:
    """An analog line as the API shows it: its config, and the method its profile uses
    when `disconnect` is null (`disconnect_default`)."""
    return {**line, "disconnect_default": analog_disconnect_default(str(line.get("profile")))}


def patched(lines: dict[str, Any], name: str, body: Any) -> dict[str, Any]:
    """The `lines` section with analog line `name` changed by `body` (an object naming any
    of LINE_FIELDS); BadQuery names a body that is not such an object."""
    if not isinstance(body, dict):
        raise BadQuery("(body)", form_reason("unknown_parameter", known=list(LINE_FIELDS)))
    unknown = sorted(set(body) - set(LINE_FIELDS))
    if unknown:
        raise BadQuery(unknown[0], form_reason("unknown_parameter", known=list(LINE_FIELDS)))
    new = copy.deepcopy(lines)
    for line in new.get("fxo") or []:
        if isinstance(line, dict) and line.get("name") == name:
            line.update(body)
    return new


def profile_of_country(country: str) -> str:
    return analog_profile_of_country(country)


def disconnect_default(profile: str) -> str | None:
    return analog_disconnect_default(profile)


def with_country_profile(lines: list[dict[str, Any]], country: str) -> list[dict[str, Any]]:
    """The analog lines as the first-run setup offers them: a line still on the default
    profile ("cn") takes the country's (a box set up in the US or Canada: "us")."""
    wanted = profile_of_country(country)
    return [{**line, "profile": wanted} if line.get("profile", "cn") == "cn" else dict(line)
            for line in lines]
