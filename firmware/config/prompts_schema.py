"""The config's `prompts` section: what the caller hears, by name (docs/config.md).

The names are prompt names (firmware/prompts: the owner's uploads and spoken texts
over the built-in defaults, [a-z][a-z0-9_-]*); `null` says nothing there. A name with
no file in the language plays as a beep, and the box logs it.

A default on every field: configs written before prompts existed load unchanged and
say nothing new (no greeting, the ringback tone), as before.
"""

from __future__ import annotations

from dataclasses import dataclass

PROMPT_LANGUAGES = ("zh", "en")
GREETING_FIELDS = ("greeting_open", "greeting_closed", "greeting_holiday")


@dataclass(frozen=True)
class PromptsConfig:
    """`language`: the prompts' language, zh or en. A greeting per schedule: the office
    is open (office hours), closed (outside them), or on a holiday (the calendar's or
    the company's own). `ringback`: the company's message callers hear, looping,
    instead of the ringback tone while a desk phone rings."""

    language: str = "zh"
    greeting_open: str | None = None
    greeting_closed: str | None = None
    greeting_holiday: str | None = None
    ringback: str | None = None

    def greeting(self, schedule: str) -> str | None:
        """The greeting's prompt name for "open", "closed" or "holiday" (None: none)."""
        return getattr(self, f"greeting_{schedule}", None)

    def users(self, name: str) -> list[str]:
        """The config fields that name prompt `name` ("prompts.greeting_open", ...)."""
        return [f"prompts.{field}" for field in (*GREETING_FIELDS, "ringback")
                if getattr(self, field) == name]
