"""Words and clock helpers every schema module shares (schema.py, rules.py)."""

from __future__ import annotations

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DAY_MINUTES = 24 * 60


def minutes_of(hhmm_text: str, whole: str) -> int:
    """Minutes since midnight of "HH:MM" ("24:00" allowed); ValueError names `whole`."""
    hh, sep, mm = hhmm_text.strip().partition(":")
    if not (sep and len(hh) == 2 and len(mm) == 2 and hh.isdigit() and mm.isdigit()):
        raise ValueError(f'"{whole}" is not a time range like "09:00-12:00"')
    hours, minutes = int(hh), int(mm)
    if minutes > 59 or hours > 24 or (hours == 24 and minutes):
        raise ValueError(f'"{whole}": {hhmm_text.strip()} is not a time of day')
    return hours * 60 + minutes


def hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"
