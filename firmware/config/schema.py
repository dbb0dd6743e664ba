"""The box's configuration, schema version 2, as frozen dataclasses.

A `Config` is only ever built by `firmware.config.validate` from a dict that
passed every check, so code that reads it (routing, calls, lines, the web page)
can trust it: phone numbers are E.164, references resolve, time ranges do not
overlap. `to_dict()` gives the JSON form back (what `config export` prints and
what the store writes).

Version 2 added the routing rules (time rules, routes, plans, blocking, caps;
their dataclasses live in rules.py) and `settings.holiday_calendar`.
Later issues add sections (VIPs, web users) the same way: a new dataclass, a field
on `Config` with a default, a bump of `SCHEMA_VERSION` and a function in
`migrations.py` that adds the section to older files.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, fields, is_dataclass
from typing import Any, ClassVar

from firmware.config.feature_codes_schema import FeatureCodes
from firmware.config.prompts_schema import PromptsConfig
from firmware.config.reasons import BadValue
from firmware.config.recording_schema import RecordingConfig
from firmware.config.rules import (
    Blocking,
    ClockRange,
    LineCaps,
    PlanConfig,
    Route,
    TimeRule,
)
from firmware.config.schema_base import DAY_MINUTES, WEEKDAYS, is_digits
from firmware.config.schema_base import hhmm as _hhmm
from firmware.config.schema_base import minutes_of as _minutes
from firmware.config.schema_notify import Notifications
from firmware.config.transfer_schema import TransferConfig
from firmware.config.voicemail_schema import VoicemailConfig

SCHEMA_VERSION = 2


class Strategy(enum.Enum):
    """How a ring group picks who rings (FEATURES.md R1-R6)."""

    SEQUENTIAL = "sequential"
    RANDOM = "random"
    ROTATING = "rotating"
    RING_ALL = "ring_all"
    PERCENTAGE = "percentage"
    LONGEST_IDLE = "longest_idle"
    FEWEST_ANSWERED = "fewest_answered"


@dataclass(frozen=True, order=True)
class TimeRange:
    """Minutes since midnight, start inclusive, end exclusive. JSON: "HH:MM-HH:MM"."""

    start: int
    end: int

    @classmethod
    def from_str(cls, text: str) -> TimeRange:
        """Parse "09:00-12:00" ("24:00" is allowed as an end); ValueError says why not."""
        parts = text.split("-")
        if len(parts) != 2:
            raise BadValue("not_time_range", value=text, example="09:00-12:00")
        start, end = (_minutes(p, text) for p in parts)
        if start == DAY_MINUTES:
            raise BadValue("range_starts_at_24", value=text)
        if end <= start:
            raise BadValue("range_ends_before_start", value=text)
        return cls(start, end)

    def contains(self, minute: int) -> bool:
        return self.start <= minute < self.end

    def overlaps(self, other: TimeRange) -> bool:
        return self.start < other.end and other.start < self.end

    def to_json(self) -> str:
        return str(self)

    def __str__(self) -> str:
        return f"{_hhmm(self.start)}-{_hhmm(self.end)}"


# --- sections ---------------------------------------------------------------


@dataclass(frozen=True)
class Settings:
    company_name: str = ""
    country: str = "CN"  # ISO 3166 region: how local numbers are read
    timezone: str = "Asia/Shanghai"
    outside_line_prefix: str = "0"  # desk phones dial this first to get a line out
    # Public holidays and adjusted working days: "CN" (the chinese-calendar package)
    # or "none" (every day is what its weekday says).
    holiday_calendar: str = "CN"


@dataclass(frozen=True)
class GsmLineConfig:
    """A SIM in a USB modem. `modem` is the board's modem id, or "auto" (in order)."""

    name: str  # "gsm0"
    modem: str = "auto"
    number: str | None = None  # the SIM's own number, E.164
    sim_pin: str | None = None


ANALOG_PROFILES = ("cn", "us")  # firmware/lines/analog_profiles.PROFILES (a test keeps them equal)
DISCONNECT_METHODS = ("busy_tone", "polarity", "loop_current")


@dataclass(frozen=True)
class FxoLineConfig:
    """An analog telephone line on an FXO port (a HAT's port or a USB voice modem).

    `profile`: the exchange's signalling (ring cadence, tones, caller ID: "cn", "us");
    `disconnect`: how the box knows the far end hung up ("busy_tone", "polarity",
    "loop_current"); None takes the profile's own (China: busy tone)."""

    name: str  # "fxo0"
    number: str | None = None  # the line's own number
    profile: str = "cn"
    disconnect: str | None = None


@dataclass(frozen=True)
class FxsPortConfig:
    """An analog desk phone port on the board."""

    name: str  # "fxs0"


@dataclass(frozen=True)
class Lines:
    gsm: tuple[GsmLineConfig, ...] = ()
    fxs: tuple[FxsPortConfig, ...] = ()
    fxo: tuple[FxoLineConfig, ...] = ()

    def outside(self) -> tuple[GsmLineConfig | FxoLineConfig, ...]:
        """Every outside line (the company's numbers), whatever its kind, GSM first."""
        return (*self.gsm, *self.fxo)

    def outside_names(self) -> tuple[str, ...]:
        return tuple(line.name for line in self.outside())

    def number_of(self, name: str) -> str | None:
        """The own number of the outside line `name` (None if unknown or not set)."""
        return next((line.number for line in self.outside() if line.name == name), None)


@dataclass(frozen=True)
class Extension:
    """A desk phone's short number. `port` names an FXS port (later also SIP)."""

    number: str  # 2-6 digits
    name: str
    port: str


@dataclass(frozen=True)
class BoundNumber:
    """A mobile or landline a member of staff answers on. `id` is how others refer to it."""

    id: str
    name: str
    number: str  # E.164


@dataclass(frozen=True)
class GroupMember:
    """An agent (`target`: an extension number or a bound-number id) or another ring group
    (`group`, by name: R5 percentage across groups, R11). Exactly one of the two is set.
    `share` only for percentage; `ring_time` overrides the group's ring time (R13)."""

    target: str = ""
    share: int | None = None
    ring_time: int | None = None  # seconds; None: the group's ring_time
    group: str | None = None

    SHORT_FORM: ClassVar[str] = "target"  # JSON "801" means {"target": "801"}

    @property
    def is_extension(self) -> bool:
        return is_digits(self.target)

    @property
    def key(self) -> str:
        """How routing state names this member: the agent, or "group:<name>"."""
        return f"group:{self.group}" if self.group is not None else self.target

    def to_json(self) -> str | dict[str, Any]:
        if self.share is None and self.ring_time is None and self.group is None:
            return self.target
        out: dict[str, Any] = {"group": self.group} if self.group is not None \
            else {"target": self.target}
        if self.share is not None:
            out["share"] = self.share
        if self.ring_time is not None:
            out["ring_time"] = self.ring_time
        return out


@dataclass(frozen=True)
class RingGroup:
    name: str
    members: tuple[GroupMember, ...]
    strategy: Strategy = Strategy.SEQUENTIAL
    ring_time: int = 20  # seconds each member rings
    total_ring_time: int = 60  # seconds before the group counts as "nobody available"


@dataclass(frozen=True)
class Schedule:
    """Weekly open hours in the box's timezone; a day with no range is closed.

    A range may run past midnight ("19:00-08:00" on Monday is open until Tuesday
    08:00) and belongs to the day it starts on. `follow_calendar` (the default): on a
    public holiday (`settings.holiday_calendar`) or a company holiday (`calendar`) the
    office is closed all day, and on an adjusted working day (a weekend day China
    works, or a company working day) it keeps the hours of `adjusted_workday_hours`
    (a weekday; None: the day's own weekly hours). Off: the weekly hours every day."""

    mon: tuple[ClockRange, ...] = ()
    tue: tuple[ClockRange, ...] = ()
    wed: tuple[ClockRange, ...] = ()
    thu: tuple[ClockRange, ...] = ()
    fri: tuple[ClockRange, ...] = ()
    sat: tuple[ClockRange, ...] = ()
    sun: tuple[ClockRange, ...] = ()
    follow_calendar: bool = True
    adjusted_workday_hours: str | None = "mon"

    def day(self, weekday: int | str) -> tuple[ClockRange, ...]:
        """Ranges of a day, by name ("mon") or by `datetime.weekday()` (0 = Monday)."""
        return getattr(self, weekday if isinstance(weekday, str) else WEEKDAYS[weekday])

    def is_open(self, weekday: int | str, minute: int) -> bool:
        """By the weekly hours alone (no calendar): a range of the day, or one of the day
        before that runs past midnight, holds `minute`."""
        index = weekday if isinstance(weekday, int) else WEEKDAYS.index(weekday)
        return (any(r.start <= minute < min(r.start + r.length, DAY_MINUTES)
                    for r in self.day(index))
                or any(r.crosses_midnight and minute < r.end for r in self.day(index - 1)))


@dataclass(frozen=True)
class DutyEntry:
    """On `days`, during `hours`, the bound number `person` takes after-hours calls.
    `hours` may run past midnight ("19:00-08:00" on fri runs until Saturday 08:00)."""

    days: tuple[str, ...]
    person: str  # bound-number id
    hours: ClockRange = ClockRange(0, DAY_MINUTES)  # noqa: RUF009 (frozen)


@dataclass(frozen=True)
class DutyRoster:
    entries: tuple[DutyEntry, ...] = ()
    default: str | None = None  # bound-number id when no entry matches
    # Holiday duty: the bound-number id on duty all day on a public holiday or a company
    # holiday (before the entries); None: the entries and the default as on other days.
    holiday: str | None = None

    def person_at(self, weekday: int | str, minute: int) -> str | None:
        """The bound-number id on duty at that time by the weekly entries (a range of
        the day, or of the day before past midnight), else the default (may be None)."""
        index = weekday if isinstance(weekday, int) else WEEKDAYS.index(weekday)
        for entry in self.entries:
            if entry_holds(entry, index, minute):
                return entry.person
        return self.default


def entry_holds(entry: DutyEntry, weekday: int, minute: int) -> bool:
    """Does `entry` cover `minute` of weekday `weekday` (0 = Monday)? Its range started
    that day, or started the day before and runs past midnight."""
    r = entry.hours
    if WEEKDAYS[weekday] in entry.days and r.start <= minute < min(r.start + r.length,
                                                                   DAY_MINUTES):
        return True
    return WEEKDAYS[weekday - 1] in entry.days and r.crosses_midnight and minute < r.end


@dataclass(frozen=True)
class Inbound:
    """Who answers the company line during open hours."""

    ring_group: str | None = None


@dataclass(frozen=True)
class Vip:
    """VIP callers (R7): by number or by number prefix (E.164, "+86138"). A VIP's call
    rings the dedicated `targets` (extension numbers or bound-number ids) first, each for
    `ring_time` seconds, before the inbound ring group."""

    numbers: tuple[str, ...] = ()
    prefixes: tuple[str, ...] = ()
    targets: tuple[str, ...] = ()
    ring_time: int = 20

    def matches(self, caller: str | None) -> bool:
        if not caller:
            return False
        return caller in self.numbers or any(caller.startswith(p) for p in self.prefixes)


@dataclass(frozen=True)
class Designated:
    """A caller's own agent (R8): calls from `caller` (E.164) ring `agent` (an extension
    number or a bound-number id) first."""

    caller: str
    agent: str


@dataclass(frozen=True)
class CompanyDay:
    """One of the company's own days (`calendar`): "2027-02-06", with a name the page
    and the explanation show ("盘点 stock-taking"). JSON: {"date": ..., "name": ...},
    or just the date."""

    date: str
    name: str = ""

    SHORT_FORM: ClassVar[str] = "date"

    def to_json(self) -> str | dict[str, str]:
        return {"date": self.date, "name": self.name} if self.name else self.date


@dataclass(frozen=True)
class CompanyCalendar:
    """The owner's own holidays and adjusted working days. Each overrides the holiday
    calendar (`settings.holiday_calendar`) for its date: years the package has no data
    for yet, and days a company closes or works on its own (anniversary, stock-taking)."""

    holidays: tuple[CompanyDay, ...] = ()
    workdays: tuple[CompanyDay, ...] = ()


@dataclass(frozen=True)
class Config:
    schema_version: int = SCHEMA_VERSION
    settings: Settings = Settings()
    lines: Lines = Lines()
    extensions: tuple[Extension, ...] = ()
    bound_numbers: tuple[BoundNumber, ...] = ()
    ring_groups: tuple[RingGroup, ...] = ()
    schedule: Schedule = Schedule()
    duty_roster: DutyRoster = DutyRoster()
    # Busy/no-answer forwarding (R14): empty (off) or 4-10 E.164 numbers / bound-number ids.
    forward_chain: tuple[str, ...] = ()
    inbound: Inbound = Inbound()
    vip: Vip = Vip()
    designated: tuple[Designated, ...] = ()
    # Returning caller (R8): the agent who last answered this caller within this many days
    # rings first; 0 switches it off.
    returning_caller_days: int = 0
    # Version 2 (rules.py): which plan a call gets.
    time_rules: tuple[TimeRule, ...] = ()
    routes: tuple[Route, ...] = ()  # tried in order; none matches: the default plan
    plans: tuple[PlanConfig, ...] = ()
    blocking: Blocking = Blocking()  # noqa: RUF009 (frozen)
    caps: tuple[LineCaps, ...] = ()
    # How the box tells the owner (schema_notify.py; a default: older files load unchanged).
    notifications: Notifications = Notifications()  # noqa: RUF009 (frozen)
    # The company's own holidays and working days (a default: older files load unchanged).
    calendar: CompanyCalendar = CompanyCalendar()
    # What callers hear by name: greetings, ringback message (a default: older files load).
    prompts: PromptsConfig = PromptsConfig()  # noqa: RUF009 (frozen)
    # Voicemail boxes' PINs, the listening code, the storage limit (a default: older load).
    voicemail: VoicemailConfig = VoicemailConfig()  # noqa: RUF009 (frozen)
    # Every feature code a phone keys (feature_codes_schema.py; a default: older load).
    feature_codes: FeatureCodes = FeatureCodes()  # noqa: RUF009 (frozen)
    # Which calls are recorded, how kept, for how long (a default: older files load).
    recording: RecordingConfig = RecordingConfig()  # noqa: RUF009 (frozen)
    # Transfers' ring times and fallback (transfer_schema.py; a default: older load).
    transfer: TransferConfig = TransferConfig()  # noqa: RUF009 (frozen)

    def extension(self, number: str) -> Extension | None:
        return next((e for e in self.extensions if e.number == number), None)

    def bound_number(self, ident: str) -> BoundNumber | None:
        return next((b for b in self.bound_numbers if b.id == ident), None)

    def ring_group(self, name: str) -> RingGroup | None:
        return next((g for g in self.ring_groups if g.name == name), None)

    def time_rule(self, name: str) -> TimeRule | None:
        return next((r for r in self.time_rules if r.name == name), None)

    def plan(self, name: str) -> PlanConfig | None:
        return next((p for p in self.plans if p.name == name), None)

    def line_caps(self, line: str) -> LineCaps | None:
        return next((c for c in self.caps if c.line == line), None)


def to_dict(obj: Any) -> Any:
    """The JSON form of a config (or any part of it): plain dicts, lists, str, int."""
    if hasattr(obj, "to_json"):
        return obj.to_json()
    if is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: to_dict(getattr(obj, f.name)) for f in fields(obj)}
    if isinstance(obj, tuple | list):
        return [to_dict(item) for item in obj]
    if isinstance(obj, enum.Enum):
        return obj.value
    return obj


def summary(config: Config) -> dict[str, int]:
    """Counts for a one-line report ("4 extensions, 3 bound numbers, ...")."""
    return {
        "extensions": len(config.extensions),
        "bound_numbers": len(config.bound_numbers),
        "ring_groups": len(config.ring_groups),
        "gsm_lines": len(config.lines.gsm),
        "fxo_lines": len(config.lines.fxo),
        "fxs_ports": len(config.lines.fxs),
        "routes": len(config.routes),
    }


__all__ = [
    "DAY_MINUTES", "SCHEMA_VERSION", "WEEKDAYS", "BoundNumber", "CompanyCalendar", "CompanyDay",
    "Config", "Designated",
    "DutyEntry", "DutyRoster", "Extension", "FxsPortConfig", "GroupMember", "GsmLineConfig",
    "Inbound", "Lines", "PromptsConfig", "RingGroup", "Schedule", "Settings", "Strategy",
    "TimeRange", "Vip",
    "entry_holds", "summary", "to_dict",
]
