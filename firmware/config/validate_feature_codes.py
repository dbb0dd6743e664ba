"""Checks of the `feature_codes` section (feature_codes_schema.py).

A dial-tone code is `*` and 2 or 3 digits (as `voicemail.feature_code`); an in-call
code is `*` and 1 or 2 digits. Within each kind no code may equal or begin another
(the box could not tell which was meant); the voicemail code counts with the dial-tone
codes. Every refusal is a catalogue reason at the field's path.
"""

from __future__ import annotations

import re
from typing import Any

from firmware.config import feature_codes_schema as fc
from firmware.config import validate as v
from firmware.config.reasons import reason

DIAL_TONE_RE = re.compile(r"\*\d{2,3}", re.ASCII)
IN_CALL_RE = re.compile(r"\*\d{1,2}", re.ASCII)


def _dial_tone(value: str, ctx: v._Ctx) -> str:
    if not DIAL_TONE_RE.fullmatch(value):
        raise v._Bad("not_feature_code", value=value)
    return value


def _in_call(value: str, ctx: v._Ctx) -> str:
    if not IN_CALL_RE.fullmatch(value):
        raise v._Bad("not_in_call_code", value=value)
    return value


def clashes(codes: dict[str, str]) -> dict[str, list[str]]:
    """{field: [the codes it clashes with]} for codes equal to or the start of another."""
    out: dict[str, list[str]] = {}
    for name, code in codes.items():
        if not isinstance(code, str):
            continue
        taken = [f"{other} ({n})" for n, other in codes.items()
                 if n != name and isinstance(other, str)
                 and (other.startswith(code) or code.startswith(other))]
        if taken:
            out[name] = taken
    return out


def cross_check(config: Any, ctx: v._Ctx) -> None:
    """No two codes of one kind clash; the voicemail code is a dial-tone code too."""
    section = getattr(config, "feature_codes", None)
    if section is None or section is v.INVALID:
        return
    dial = section.dial_tone()
    vm = getattr(config, "voicemail", None)
    code = getattr(vm, "feature_code", None) if vm not in (None, v.INVALID) else None
    if isinstance(code, str) and code is not v.INVALID:
        dial["voicemail"] = code
    for codes in (dial, section.in_call()):
        for name, taken in clashes(codes).items():
            path = "voicemail.feature_code" if name == "voicemail" else f"feature_codes.{name}"
            ctx.add(path,
                    reason("feature_code_taken", value=codes[name], taken=taken))


FIELD_CHECKS: dict[tuple[type, str], Any] = {
    **{(fc.FeatureCodes, name): _dial_tone for name in fc.DIAL_TONE},
    **{(fc.FeatureCodes, name): _in_call for name in fc.IN_CALL},
}
