"""Errors of the prompt store. Each names the field and carries a catalogue reason."""

from __future__ import annotations

from firmware.config.reasons import Reason
from firmware.errors import SwitchboardError


class PromptError(SwitchboardError, ValueError):
    """A prompt was refused (a bad upload, text, name or language); nothing was stored.
    `field` names what was wrong ("file", "text", "name", "lang"), `reason` says why
    (a `Reason`: English with a code the page says in Chinese too)."""

    def __init__(self, field: str, why: Reason):
        self.field, self.reason = field, why
        self.errors: list[tuple[str, Reason]] = [(field, why)]
        super().__init__(f"{field}: {why}")


class UnknownPrompt(PromptError, LookupError):
    """No prompt of that name in that language."""


class PromptInUse(PromptError):
    """The config uses the prompt, and nothing of its name would be left to play."""
