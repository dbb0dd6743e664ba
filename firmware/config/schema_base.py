"""Words and clock helpers every schema module shares (schema.py, rules.py)."""

from __future__ import annotations

from firmware.config.reasons import BadValue

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DAY_MINUTES = 24 * 60


def is_digits(text: object, low: int = 1, high: int | None = None) -> bool:
    """`text` is a string of ASCII digits 0-9 only, `low` to `high` of them.

    The one digit test of the box: `str.isdigit()` also takes full-width `１２３４`
    (a Chinese IME), `²` and Arabic-Indic digits, and regex `\\d` takes them too;
    a SIM, a dial string or an extension takes none of those.
    """
    if not isinstance(text, str) or not (text.isascii() and text.isdigit()):
        return low == 0 and text == ""
    return low <= len(text) <= (high if high is not None else len(text))


def minutes_of(hhmm_text: str, whole: str) -> int:
    """Minutes since midnight of "HH:MM" ("24:00" allowed); BadValue (a ValueError)
    names `whole`."""
    hh, sep, mm = hhmm_text.strip().partition(":")
    if not (sep and len(hh) == 2 and len(mm) == 2 and is_digits(hh) and is_digits(mm)):
        raise BadValue("not_time_range", value=whole, example="09:00-12:00")
    hours, minutes = int(hh), int(mm)
    if minutes > 59 or hours > 24 or (hours == 24 and minutes):
        raise BadValue("not_time_of_day", value=whole, time=hhmm_text.strip())
    return hours * 60 + minutes


def hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"
