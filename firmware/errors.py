"""One exception root for the box; each error also inherits the matching builtin.

Messages name the object they are about (the line, the field, the port), so a log
line or a web form error can be read without the code beside it.
"""


class SwitchboardError(Exception):
    """Root of every error the firmware raises on purpose."""


class ConfigError(SwitchboardError, ValueError):
    """A configuration was refused. `errors` lists (field, reason) pairs."""

    def __init__(self, errors: list[tuple[str, str]]):
        self.errors = list(errors)
        super().__init__("; ".join(f"{field}: {reason}" for field, reason in self.errors))


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
