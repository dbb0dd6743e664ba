"""Schema version 2: which plan a call gets (R9, R10, G6, G7), as frozen dataclasses.

The sections `schema.Config` gained in version 2, kept here so schema.py stays the
map of version 1:

- `time_rules`: named weekly hours (ranges may cross midnight), date overrides,
  public holidays and China's adjusted working days (R10);
- `routes`: inbound routes tried in order, first match wins; each matches the line,
  the caller (number, province, city, area code, carrier, withheld) and a time rule,
  and leads to a destination (`to`);
- `plans`: named graphs of steps with exits (ring group, duty, forward chain,
  busy / announcement / hang up), a destination a route can name;
- `blocking`: black- and whitelist, region allow/deny lists, withheld numbers,
  and what a blocked caller gets (G6);
- `caps`: monthly limits per line on inbound calls, inbound minutes and
  outbound (forwarded) minutes, with the action when one is reached (G7).

docs/config.md describes every field; validate.py checks them (validate_rules.py).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any

from firmware.config.greeting_rules import GreetingSpec
from firmware.config.ivr_rules import MenuSpec, PinSpec, VerifySpec
from firmware.config.queue_rules import QueueSpec
from firmware.config.reasons import BadValue
from firmware.config.schema_base import DAY_MINUTES, WEEKDAYS, hhmm, minutes_of
from firmware.config.voicemail_schema import CallerSmsSpec, VoicemailSpec


@dataclass(frozen=True, order=True)
class ClockRange:
    """A time of day range that may cross midnight. JSON: "HH:MM-HH:MM".

    "09:00-18:00" is open from 09:00 until 18:00 (end exclusive); "22:00-02:00"
    starts on its day at 22:00 and ends at 02:00 the next day; "00:00-24:00" is
    the whole day. A range belongs to the day it starts on.
    """

    start: int
    end: int  # minutes since midnight; end <= start: ends the next day

    @classmethod
    def from_str(cls, text: str) -> ClockRange:
        parts = text.split("-")
        if len(parts) != 2:
            raise BadValue("not_time_range", value=text, example="09:00-18:00")
        start, end = (minutes_of(p, text) for p in parts)
        if start == DAY_MINUTES:
            raise BadValue("range_starts_at_24", value=text)
        if start == end:
            raise BadValue("range_empty", value=text)
        return cls(start, end)

    @property
    def crosses_midnight(self) -> bool:
        return self.end < self.start

    @property
    def length(self) -> int:
        return self.end - self.start if self.end > self.start else DAY_MINUTES - self.start \
            + self.end

    def to_json(self) -> str:
        return str(self)

    def __str__(self) -> str:
        return f"{hhmm(self.start)}-{hhmm(self.end)}"


@dataclass(frozen=True)
class WeekHours:
    """Ranges per weekday; a range is listed under the day it starts on."""

    mon: tuple[ClockRange, ...] = ()
    tue: tuple[ClockRange, ...] = ()
    wed: tuple[ClockRange, ...] = ()
    thu: tuple[ClockRange, ...] = ()
    fri: tuple[ClockRange, ...] = ()
    sat: tuple[ClockRange, ...] = ()
    sun: tuple[ClockRange, ...] = ()

    def day(self, weekday: int | str) -> tuple[ClockRange, ...]:
        return getattr(self, weekday if isinstance(weekday, str) else WEEKDAYS[weekday])


@dataclass(frozen=True)
class DateHours:
    """On `date` ("2026-12-24"), `hours` replace the day's own ranges ([] = closed)."""

    date: str
    hours: tuple[ClockRange, ...] = ()


class HolidayHours(enum.Enum):
    """What a public holiday (by the box's calendar) does to a time rule."""

    CLOSED = "closed"  # no ranges start on a holiday
    WEEKLY = "weekly"  # holidays are ordinary days: the weekly hours apply


@dataclass(frozen=True)
class TimeRule:
    """Named hours a route can ask for (`when` / `unless`).

    Per day, the first of these that applies gives the ranges starting that day:
    a `dates` override; a public holiday (`holidays`: closed); an adjusted working
    day (a weekend day that is a workday by the calendar) takes the hours of
    `adjusted_workday_hours` (a weekday name; None: its own weekly hours); else `weekly`.
    """

    name: str
    weekly: WeekHours = WeekHours()
    dates: tuple[DateHours, ...] = ()
    holidays: HolidayHours = HolidayHours.CLOSED
    adjusted_workday_hours: str | None = "mon"


@dataclass(frozen=True)
class CallerMatch:
    """Who a rule is about. Every list that is not empty must match (one of its items);
    an empty match matches every caller.

    numbers: exact E.164 numbers, or prefixes ending in "*" ("+86135*");
    provinces / cities: "浙江省" or "浙江", "杭州市" or "杭州" (from phonenumbers' data);
    area_codes: landline area codes without the trunk 0 or with it ("571", "0571");
    carriers: a mobile's original carrier, "中国移动" or "China Mobile";
    withheld: true: only withheld callers, false: only callers with a number.
    """

    numbers: tuple[str, ...] = ()
    provinces: tuple[str, ...] = ()
    cities: tuple[str, ...] = ()
    area_codes: tuple[str, ...] = ()
    carriers: tuple[str, ...] = ()
    withheld: bool | None = None

    @property
    def empty(self) -> bool:
        return not (self.numbers or self.provinces or self.cities or self.area_codes
                    or self.carriers) and self.withheld is None


@dataclass(frozen=True)
class Route:
    """An inbound route: when the call matches, `to` says what it gets.

    `to`: "default" (office hours: the inbound ring group, or duty after hours),
    "plan:NAME", or a one-step destination: "ring_group:NAME", "duty",
    "forward_chain" (each then goes on to the forward chain and hangs up), "busy",
    "announcement", "hangup".
    """

    name: str
    to: str
    lines: tuple[str, ...] = ()  # empty: any line
    callers: CallerMatch = CallerMatch()
    when: str | None = None  # a time rule name, or "office_hours" (the schedule)
    unless: str | None = None


@dataclass(frozen=True)
class StepExits:
    """Where a step goes when it ends unanswered; None: the next step in the list
    (after the last one: hang up). `answered` always ends the plan (connected).
    Which exits a step has depends on its kind (`STEP_EXITS`); a PIN or verification
    step's `failed` exit not named ends the call instead (ivr_rules.py)."""

    busy: str | None = None
    no_answer: str | None = None  # a target rang out, or the step's total time ran out
    unavailable: str | None = None  # nobody could be rung (all busy lines, out of order)
    timeout: str | None = None  # a menu: no digit after the last try
    invalid: str | None = None  # a menu: a digit that is no choice, after the last try
    ok: str | None = None  # a PIN or verification step: the caller passed
    failed: str | None = None  # ... did not pass (tries used up)
    next: str | None = None  # a greeting: played (or cut short by a key)
    full: str | None = None  # a queue: no room for one more caller (queue_rules.py)
    left: str | None = None  # a queue: the caller keyed the leave key

    def to_json(self) -> dict[str, str | None]:
        """The ringing exits always (as before keypad steps); the others when named."""
        out: dict[str, str | None] = {"busy": self.busy, "no_answer": self.no_answer,
                                      "unavailable": self.unavailable}
        out.update({k: getattr(self, k)
                    for k in ("timeout", "invalid", "ok", "failed", "next", "full", "left")
                    if getattr(self, k) is not None})
        return out


@dataclass(frozen=True)
class PlanStep:
    """`do`: "ring_group:NAME", "duty", "forward_chain", "busy", "announcement", "hangup",
    or a keypad step: "menu", "pin", "verify" (with its settings in `menu`, `pin`,
    `verify`: ivr_rules.py), "greeting" (optional `greeting`: greeting_rules.py), "queue"
    (settings in `queue`: queue_rules.py), "voicemail" (`voicemail`: voicemail_schema.py)
    or "sms_caller" (optional `sms_caller`: voicemail_schema.py)."""

    id: str
    do: str
    on: StepExits = StepExits()
    menu: MenuSpec | None = None
    pin: PinSpec | None = None
    verify: VerifySpec | None = None
    greeting: GreetingSpec | None = None  # a "greeting" step: greeting_rules.py
    voicemail: VoicemailSpec | None = None  # a "voicemail" step (voicemail_schema.py)
    queue: QueueSpec | None = None
    sms_caller: CallerSmsSpec | None = None  # an "sms_caller" step's own text and prompt

    def to_json(self) -> dict[str, Any]:
        """Keypad settings only on the step that has them (older exports unchanged)."""
        from firmware.config.schema import to_dict  # schema imports this module

        out: dict[str, Any] = {"id": self.id, "do": self.do, "on": self.on.to_json()}
        out.update({k: to_dict(getattr(self, k))
                    for k in ("menu", "pin", "verify", "greeting", "voicemail", "queue",
                              "sms_caller")
                    if getattr(self, k) is not None})
        return out


@dataclass(frozen=True)
class PlanConfig:
    """A named plan: its steps, starting with the first."""

    name: str
    steps: tuple[PlanStep, ...]


class Treatment(enum.Enum):
    """What a caller the box will not connect hears."""

    BUSY = "busy"  # the call is refused: the caller hears the network's busy tone
    ANNOUNCEMENT = "announcement"  # answered, an information tone, then hung up
    HANGUP = "hangup"  # answered and hung up at once


@dataclass(frozen=True)
class Blocking:
    """G6. The whitelist wins over everything; then the blacklist, withheld numbers,
    the region deny list, and the region allow list (when not empty: only those)."""

    blacklist: tuple[str, ...] = ()  # E.164 numbers or prefixes ending in "*"
    whitelist: tuple[str, ...] = ()
    deny_regions: CallerMatch = CallerMatch()
    allow_regions: CallerMatch = CallerMatch()
    block_withheld: bool = False
    treatment: Treatment = Treatment.BUSY


class Counter(enum.Enum):
    INBOUND_CALLS = "inbound_calls"
    INBOUND_MINUTES = "inbound_minutes"
    OUTBOUND_MINUTES = "outbound_minutes"  # calls the line dialled: forwarding, outbound


class CapAction(enum.Enum):
    NO_MOBILES = "no_mobiles"  # stop ringing mobiles and outside numbers through the line
    VOICEMAIL = "voicemail"  # to the voicemail of the caps' `voicemail` box (LineCaps)
    REJECT = "reject"  # refuse the call (the blocking treatment's tone)


@dataclass(frozen=True)
class CapLimit:
    counter: Counter
    max: int
    action: CapAction = CapAction.REJECT


@dataclass(frozen=True)
class LineCaps:
    """G7: monthly limits of one line, reset on the 1st in the box's timezone.
    `notify`: who gets an SMS when a limit is reached (bound-number ids or numbers).
    `voicemail`: the box (an extension number or ring group name) a `voicemail` action
    sends the caller to; None: the inbound ring group's box (routing/caps.py)."""

    line: str
    limits: tuple[CapLimit, ...]
    notify: tuple[str, ...] = ()
    voicemail: str | None = None

    def to_json(self) -> dict[str, Any]:
        """`voicemail` only when set (exports of caps without it unchanged)."""
        from firmware.config.schema import to_dict  # schema imports this module

        out: dict[str, Any] = {"line": self.line, "limits": to_dict(self.limits),
                               "notify": list(self.notify)}
        if self.voicemail is not None:
            out["voicemail"] = self.voicemail
        return out


BUILTIN_TIME = "office_hours"  # a route's `when` naming the weekly schedule
SIMPLE_DESTINATIONS = ("default", "duty", "forward_chain", "busy", "announcement", "hangup")
STEP_ACTIONS = ("duty", "forward_chain", "busy", "announcement", "hangup", "menu", "pin",
                "verify", "greeting", "voicemail", "sms_caller", "queue")

__all__ = [
    "BUILTIN_TIME", "SIMPLE_DESTINATIONS", "STEP_ACTIONS", "Blocking", "CallerMatch",
    "CapAction", "CapLimit", "ClockRange", "Counter", "DateHours", "HolidayHours", "LineCaps",
    "PlanConfig", "PlanStep", "Route", "StepExits", "TimeRule", "Treatment", "WeekHours",
]
