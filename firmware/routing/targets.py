"""Turning what the config names (an extension, a bound-number id, a number) into Targets.

An extension resolves to its FXS port; a bound-number id to its number; a plain
number (forward chain) to itself. Every number is normalised to E.164 for
`settings.country` ("13512345678" -> "+8613512345678"). A validated config always
resolves; a name that does not is skipped with a reason rather than crashing a call.
"""

from __future__ import annotations

from firmware.config.schema import Config
from firmware.config.schema_base import is_digits
from firmware.routing.numbers import normalise
from firmware.routing.plan import Target, TargetKind

# Ring time of forward-chain and duty targets: the schema has no setting for them yet.
OUTSIDE_RING_TIME_S = 20


def resolve(config: Config, name: str, ring_time_s: int) -> tuple[Target | None, str]:
    """(target, "") or (None, why not) for an extension number, bound-number id or number."""
    extension = config.extension(name)
    if extension is not None:
        return Target(TargetKind.EXTENSION, extension.number, extension.name, ring_time_s,
                      port=extension.port), ""
    if is_digits(name, 1, 6):
        return None, f"no extension {name}"
    bound = config.bound_number(name)
    if bound is not None:
        number, why = _number(config, bound.number)
        if number is None:
            return None, f"{bound.id}: {why}"
        return Target(TargetKind.MOBILE, bound.id, bound.name, ring_time_s, number=number), ""
    number, why = _number(config, name)
    if number is None:
        return None, f"{name!r} is no extension, bound number or phone number"
    return Target(TargetKind.NUMBER, number, number, ring_time_s, number=number), ""


def _number(config: Config, text: str) -> tuple[str | None, str]:
    try:
        return normalise(text, config.settings.country), ""
    except ValueError as exc:
        return None, str(exc)
