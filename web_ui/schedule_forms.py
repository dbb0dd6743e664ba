"""The Schedules page's form fields -> the config's JSON form, and back.

As in forms.py, only shape is checked here (a date where a date goes, a choice from
its list); the config validator decides everything else (ranges, overlaps, names,
references), so the page and the API refuse the same things. A shape problem raises
`FormError`, a `BadQuery` naming the field, whose `key` and `values` let the page say
it in the owner's language (web_ui/messages_schedule.py).

What the owner types, so it is easy on a phone:
- a day's hours: `08:30-12:00, 13:00-17:30` (either comma; `–`, `~` or `至` for `-`);
- a time rule's dates, one a line: `2026-12-31 08:30-12:00` or `2026-12-31 closed`
  (`休息` too);
- the company's own days: a date, or a first and last date for several at once.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from typing import Any, Protocol

from firmware.service import WEEKDAYS, BadQuery, is_digits

HOLIDAY_MODES = ("closed", "weekly")
CLOSED_WORDS = ("closed", "休息", "关闭", "不营业")
DAY_KINDS = ("holiday", "workday")  # calendar.holidays, calendar.workdays
MAX_SPAN = 62  # days added at once: a long factory holiday, not a year typed by mistake
_DASHES = str.maketrans({"–": "-", "—": "-", "~": "-", "～": "-", "－": "-", "：": ":",
                         "，": ",", "、": ","})


class FormError(BadQuery):
    """A form field of the wrong shape: `field`, an English `reason`, and the message
    `key` with its `values` for the page's language."""

    def __init__(self, field: str, key: str, reason: str, **values: Any):
        super().__init__(field, reason)
        self.key, self.values = key, values


class Form(Protocol):
    """What a Bottle FormsDict offers: one value, or every value of a field."""

    def get(self, key: str, default: Any = None) -> Any: ...

    def getall(self, key: str) -> list[str]: ...


def _choice(field: str, value: str, choices: Iterable[str]) -> str:
    choices = tuple(choices)
    if value not in choices:
        raise FormError(field, "form_choice", f'"{value}" is not one of {", ".join(choices)}',
                        value=value, choices=", ".join(choices))
    return value


# --- hours ------------------------------------------------------------------------------


def ranges(text: str) -> list[str]:
    """"08:30-12:00, 13:00-17:30" -> ["08:30-12:00", "13:00-17:30"] (the validator reads
    each range)."""
    clean = (text or "").translate(_DASHES).replace("至", "-")
    return ["".join(r.split()) for r in clean.split(",") if r.strip()]


def ranges_text(values: Iterable[str]) -> str:
    return ", ".join(values)


def week(form: Mapping[str, str], prefix: str = "") -> dict[str, list[str]]:
    """Weekly hours, one field per day (`mon`, or `w_mon` with a prefix)."""
    return {day: ranges(form.get(prefix + day) or "") for day in WEEKDAYS}


def week_fields(week_doc: Mapping[str, list[str]], prefix: str = "") -> dict[str, str]:
    return {prefix + day: ranges_text(week_doc.get(day, [])) for day in WEEKDAYS}


def schedule(form: Form | Mapping[str, str], current: Mapping[str, Any]) -> dict[str, Any]:
    """The office hours form: the weekly hours, and (when the form has the calendar part,
    `calendar_part`) the switch `follow_calendar` (a checkbox: absent is off) and the
    weekday whose hours an adjusted working day opens (`adjusted`, "" for its own).
    A form without that part keeps the config's calendar settings."""
    out: dict[str, Any] = {**current, **week(form)}
    if form.get("calendar_part"):
        out["follow_calendar"] = bool(form.get("follow_calendar"))
        adjusted = (form.get("adjusted") or "").strip()
        out["adjusted_workday_hours"] = _choice("adjusted", adjusted, WEEKDAYS) if adjusted \
            else None
    return out


def hours_fields(schedule_doc: Mapping[str, Any], draft: Mapping[str, str] | None
                 ) -> dict[str, Any]:
    """The office hours editor's values: what was refused (`draft`), else the config's."""
    if draft is not None:
        return {**draft, "follow_calendar": bool(draft.get("follow_calendar")),
                "adjusted": draft.get("adjusted", "")}
    adjusted = schedule_doc.get("adjusted_workday_hours", "mon")
    return {**week_fields(schedule_doc), "follow_calendar":
            schedule_doc.get("follow_calendar", True), "adjusted": adjusted or ""}


# --- the duty roster ----------------------------------------------------------------------


def roster_entry(form: Form) -> dict[str, Any]:
    """One entry: weekday checkboxes (`days`), an hours range (empty: the whole day) and
    the person (a bound-number id, from a select)."""
    days = [_choice("days", d, WEEKDAYS) for d in form.getall("days")]
    entry: dict[str, Any] = {"days": [d for d in WEEKDAYS if d in days],
                             "person": (form.get("person") or "").strip()}
    hours = ranges(form.get("hours") or "")
    if len(hours) > 1:
        raise FormError("hours", "form_one_range", "one range, like 18:00-24:00")
    if hours:
        entry["hours"] = hours[0]
    return entry


def roster_fields(entry: Mapping[str, Any]) -> dict[str, Any]:
    """The editor's values of an entry (what `roster_entry` reads back)."""
    hours = entry.get("hours") or ""
    return {"days": list(entry.get("days", [])), "person": entry.get("person") or "",
            "hours": "" if hours == "00:00-24:00" else hours}


def roster_draft(form: Form) -> dict[str, Any]:
    """What the owner sent, to show again when it was refused."""
    return {"days": list(form.getall("days")), "person": form.get("person") or "",
            "hours": form.get("hours") or ""}


def entry_index(form: Mapping[str, str], count: int) -> int | None:
    """The entry a form edits (None: a new one); one that is gone is refused."""
    text = (form.get("index") or "").strip()
    if not text:
        return None
    if not is_digits(text) or int(text) >= count:
        raise FormError("index", "form_gone", "that entry is no longer there: reload the page")
    return int(text)


# --- time rules ---------------------------------------------------------------------------


def time_rule(form: Mapping[str, str]) -> dict[str, Any]:
    """A time rule from its editor: name, weekly hours (`w_mon` ...), dates, holidays
    mode, adjusted working day hours (a weekday, or "" for the day's own)."""
    adjusted = (form.get("adjusted") or "").strip()
    return {"name": (form.get("name") or "").strip(),
            "weekly": week(form, "w_"),
            "dates": date_hours(form.get("dates") or ""),
            "holidays": _choice("holidays", (form.get("holidays") or "closed").strip(),
                                HOLIDAY_MODES),
            "adjusted_workday_hours": _choice("adjusted", adjusted, WEEKDAYS) if adjusted
            else None}


def date_hours(text: str) -> list[dict[str, Any]]:
    """One date a line: "2026-12-31 08:30-12:00, 13:00-17:30" or "2026-12-31 closed"."""
    out = []
    lines = [line.strip() for line in text.replace("\r", "").split("\n") if line.strip()]
    for i, line in enumerate(lines):
        day, _, rest = line.replace("\u3000", " ").partition(" ")
        day, rest = day.rstrip(":：").strip(), rest.strip().lstrip(":：").strip()
        if not rest:
            raise FormError(f"dates[{i}]", "form_date_line", f'"{line}": a date, then its '
                            'hours or "closed" (2026-12-31 08:30-12:00)', line=line)
        closed = rest.lower() in CLOSED_WORDS
        out.append({"date": day, "hours": [] if closed else ranges(rest)})
    return out


def date_hours_text(dates: Iterable[Mapping[str, Any]], closed_word: str) -> str:
    return "\n".join(f"{d['date']} {ranges_text(d['hours']) or closed_word}" for d in dates)


def time_rule_fields(rule: Mapping[str, Any], closed_word: str) -> dict[str, str]:
    """The editor's values of a rule (what `time_rule` reads back)."""
    adjusted = rule.get("adjusted_workday_hours", "mon")
    return {"original": rule.get("name", ""), "name": rule.get("name", ""),
            **week_fields(rule.get("weekly", {}), "w_"),
            "dates": date_hours_text(rule.get("dates", []), closed_word),
            "holidays": rule.get("holidays", "closed"), "adjusted": adjusted or ""}


def new_time_rule_fields() -> dict[str, str]:
    return {"original": "", "name": "", **{f"w_{day}": "" for day in WEEKDAYS},
            "dates": "", "holidays": "closed", "adjusted": "mon"}


# --- the company's own days ---------------------------------------------------------------


def company_days(form: Mapping[str, str]) -> tuple[str, list[str], str]:
    """(kind, dates, name): "holiday" or "workday", every date from `first` to `last`
    (empty: `first` only), and the name they get."""
    kind = _choice("kind", (form.get("kind") or "").strip(), DAY_KINDS)
    first = _date("first", form.get("first") or "")
    last_text = (form.get("last") or "").strip()
    last = _date("last", last_text) if last_text else first
    if last < first:
        raise FormError("last", "form_span_order", f"before the first date ({first})",
                        first=first.isoformat())
    count = (last - first).days + 1
    if count > MAX_SPAN:
        raise FormError("last", "form_span_long", f"{count} days: at most {MAX_SPAN} at once",
                        n=count, max=MAX_SPAN)
    dates = [(first + timedelta(days=i)).isoformat() for i in range(count)]
    return kind, dates, (form.get("name") or "").strip()


def _date(field: str, text: str) -> date:
    text = text.strip()
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise FormError(field, "form_date", f'"{text}" is not a date like 2027-02-06',
                        text=text) from None


def _list_key(kind: str) -> str:
    return "holidays" if kind == "holiday" else "workdays"


def _entry(item: Any) -> dict[str, str]:
    return {"date": item, "name": ""} if isinstance(item, str) else \
        {"date": item.get("date", ""), "name": item.get("name", "")}


def _compact(item: dict[str, str]) -> Any:
    return item if item["name"] else item["date"]


def add_days(calendar: Mapping[str, Any], kind: str, dates: list[str], name: str
             ) -> dict[str, Any]:
    """`calendar` (its JSON form) with `dates` added to the `kind` list under `name` (a date
    already there gets the new name); the list kept in date order."""
    out = copy.deepcopy(dict(calendar))
    key = _list_key(kind)
    kept = [_entry(d) for d in out.get(key, []) if _entry(d)["date"] not in dates]
    kept += [{"date": d, "name": name} for d in dates]
    out[key] = [_compact(d) for d in sorted(kept, key=lambda d: d["date"])]
    return out


def remove_days(calendar: Mapping[str, Any], kind: str, dates: list[str]) -> dict[str, Any]:
    out = copy.deepcopy(dict(calendar))
    key = _list_key(kind)
    out[key] = [d for d in out.get(key, []) if _entry(d)["date"] not in dates]
    return out


def day_spans(calendar: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The company's days as the page lists them: consecutive dates of one kind and one
    name as one row, {"kind", "first", "last", "days", "name"}, in date order."""
    items = sorted((_entry(d)["date"], kind, _entry(d)["name"])
                    for kind in DAY_KINDS for d in calendar.get(_list_key(kind), []))
    spans: list[dict[str, Any]] = []
    for day, kind, name in items:
        last = spans[-1] if spans else None
        if (last and last["kind"] == kind and last["name"] == name
                and _next(last["last"]) == day):
            last.update(last=day, days=last["days"] + 1)
        else:
            spans.append({"kind": kind, "first": day, "last": day, "days": 1, "name": name})
    return spans


def _next(day: str) -> str:
    try:
        return (date.fromisoformat(day) + timedelta(days=1)).isoformat()
    except ValueError:
        return ""
