"""The records search as an owner types it: part of a number, a name, a region.

- A number finds every call whose caller, callee or outside party's E.164 form holds
  its digits anywhere: "8888" finds +8613588888888, "0571 8888" finds +8657188881234
  (a leading trunk 0 is also tried without it), and a whole number in any format
  finds its E.164 form ("021 6123 4567" -> +862161234567).
- A name finds the calls of the people whose display name holds it: the staff the
  config names (their extension numbers, bound-number ids and numbers: `keys`, found
  by the service) answered, dialled or were dialled by them; and the legs whose agent
  (the name the call core recorded) holds it.
- A region finds calls whose region text holds it: "浙江" finds 浙江省, "杭州" finds
  浙江省杭州市, and the full "浙江省" still does.

Every term is SQL with parameters; LIKE wildcards typed by the owner match literally.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from firmware.cdr import region as regions

MIN_PARTIAL_DIGITS = 3  # fewer digits than this find only whole numbers


def like(text: str) -> str:
    """`%text%` for LIKE ... ESCAPE '\\', with the owner's % and _ taken literally."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def number_term(number: str, country: str) -> tuple[str, list[Any]]:
    """The calls whose parties' numbers hold `number`'s digits."""
    text = number.strip()
    e164 = regions.describe(text, country).e164 or text
    exact = ["caller = ?", "callee = ?", "e164 = ?"]
    params: list[Any] = [text, text, e164]
    digits = "".join(ch for ch in text if ch.isascii() and ch.isdigit())
    if len(digits) >= MIN_PARTIAL_DIGITS:
        pieces = {digits}
        if digits.startswith("0") and not digits.startswith("00"):
            pieces.add(digits[1:])  # national trunk prefix: 0571 -> 571 in +86571...
        for piece in sorted(pieces):
            for column in ("caller", "callee", "e164"):
                exact.append(f"{column} LIKE ? ESCAPE '\\'")
                params.append(like(piece))
    return "(" + " OR ".join(exact) + ")", params


def region_term(region: str) -> tuple[str, list[Any]]:
    """The calls whose region (province and city) holds `region`."""
    text = region.strip()
    return "(province = ? OR region LIKE ? ESCAPE '\\')", [text, like(text)]


def name_term(name: str, keys: Sequence[str]) -> tuple[str, list[Any]]:
    """The calls of the people named like `name`: `keys` are their extension numbers,
    bound-number ids and numbers (the service finds them in the config)."""
    terms = ["id IN (SELECT call_id FROM legs WHERE agent LIKE ? ESCAPE '\\')",
             "answered_by LIKE ? ESCAPE '\\'"]
    params: list[Any] = [like(name.strip()), like(name.strip())]
    if keys:
        marks = ", ".join("?" * len(keys))
        for column in ("answered_by", "caller", "callee", "e164"):
            terms.append(f"{column} IN ({marks})")
            params += list(keys)
        terms.append(f"id IN (SELECT call_id FROM legs WHERE target IN ({marks}))")
        params += list(keys)
    return "(" + " OR ".join(terms) + ")", params


def answered_term(agent: str, keys: Sequence[str]) -> tuple[str, list[Any]]:
    """The calls `agent` answered: as recorded (an extension number, a dialled number),
    by agent id (a bound-number id), one of `keys` (the numbers and ids of the people
    named like it), or an answered leg whose agent name holds it."""
    text = agent.strip()
    terms = ["answered_by = ?", "agent_id = ?",
             "id IN (SELECT call_id FROM legs WHERE outcome = 'answered' "
             "AND agent LIKE ? ESCAPE '\\')"]
    params: list[Any] = [text, text, like(text)]
    if keys:
        marks = ", ".join("?" * len(keys))
        terms += [f"answered_by IN ({marks})", f"agent_id IN ({marks})"]
        params += list(keys) * 2
    return "(" + " OR ".join(terms) + ")", params


def keys_of_named(people: Iterable[tuple[str, Sequence[str]]], text: str) -> tuple[str, ...]:
    """The keys (numbers, ids) of every person whose name holds `text` (any case), or
    whose keys include it exactly: `people` is (display name, keys) pairs."""
    wanted = text.strip().casefold()
    if not wanted:
        return ()
    found: list[str] = []
    for name, keys in people:
        if wanted in name.casefold() or wanted in keys:
            found += [k for k in keys if k and k not in found]
    return tuple(found)


def has_digit(text: str) -> bool:
    return any(ch.isascii() and ch.isdigit() for ch in text)
