"""One exception root for the box; each error also inherits the matching builtin.

Messages name the object they are about (the line, the field, the port), so a log
line or a web form error can be read without the code beside it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from firmware.config.reasons import Reason, plain


class SwitchboardError(Exception):
    """Root of every error the firmware raises on purpose."""


class ConfigError(SwitchboardError, ValueError):
    """A configuration was refused. `errors` lists (field, reason) pairs.

    Each reason is a `Reason` (firmware/config/reasons.py): its English text, a str,
    which the CLI, the logs and the tests read, with its catalogue code and
    parameters, which the web page says in the owner's language. A plain text
    reason given here becomes one of code "text".
    """

    def __init__(self, errors: Iterable[tuple[str, Reason | str]]):
        self.errors: list[tuple[str, Reason]] = [
            (str(f), r if isinstance(r, Reason) else plain(str(r))) for f, r in errors]
        super().__init__("; ".join(f"{field}: {reason}" for field, reason in self.errors))

    def entries(self) -> list[dict[str, Any]]:
        """Each error as JSON: {"field", "reason", "code", "params"}."""
        return [{"field": f, "reason": r.text, **r.as_dict()} for f, r in self.errors]


class LineInUse(SwitchboardError, RuntimeError):
    """A line or port is reserved by one leg at a time; this names who holds it."""

    def __init__(self, line: str, holder: str):
        self.line, self.holder = line, holder
        super().__init__(f"line {line} is in use by {holder}")


class LineOutOfService(SwitchboardError, ConnectionError):
    """The line cannot take a call now (modem gone, no SIM, not registered)."""


class ControlError(SwitchboardError, ConnectionError):
    """The running box could not be reached or refused a control request."""


class UnknownAgent(SwitchboardError, LookupError):
    """No extension or bound number of the config has this number or id."""

    def __init__(self, agent: str):
        self.agent = agent
        super().__init__(f"no extension or bound number {agent!r}")
