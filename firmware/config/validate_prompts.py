"""Checks of the config's `prompts` section (prompts_schema.PromptsConfig).

validate.py imports this module at its end and adds these checks to its tables, as
it does for validate_calendar.py. A name must be a prompt name; whether a file of
that name exists is the prompt store's business (the config may name a prompt
before it is uploaded: it plays as a beep until then, and the box logs it).
"""

from __future__ import annotations

from typing import Any

from firmware.config import validate as v
from firmware.config.prompts_schema import GREETING_FIELDS, PROMPT_LANGUAGES, PromptsConfig

PROMPT_NAME = r"[a-z][a-z0-9_-]{0,39}"


def _language(value: str, ctx: v._Ctx) -> str:
    if value not in PROMPT_LANGUAGES:
        raise v._Bad("prompt_lang", value=str(value)[:20])
    return value


FIELD_CHECKS: dict[tuple[type, str], Any] = {
    (PromptsConfig, "language"): _language,
    **{(PromptsConfig, name): v._matches(PROMPT_NAME, "prompt_name")
       for name in (*GREETING_FIELDS, "ringback")},
}
