"""Property tests: random schedules, rosters, configs and instants (hypothesis).

- is-open agrees with a plain reference reading of the schedule (ranges past midnight,
  and the holiday calendar when the schedule follows it: chinese-calendar asked directly);
- network_forwarding's next_change is the first instant where the answer changes
  (checked against a reference at next_change, a minute before it, at random points
  in between, and by stepping minute by minute);
- every plan ends: each exit leads to a step or DONE, no loops, for random configs;
- dialled digits found invalid stay invalid however many digits follow.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import chinese_calendar
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from firmware.config.rules import ClockRange
from firmware.config.schema import (
    WEEKDAYS,
    BoundNumber,
    Config,
    DutyEntry,
    DutyRoster,
    Extension,
    FxsPortConfig,
    GroupMember,
    Inbound,
    Lines,
    RingGroup,
    Schedule,
    Settings,
    Strategy,
)
from firmware.routing import (
    DONE,
    DialedKind,
    Exit,
    Hangup,
    RingStep,
    check_plan,
    classify_dialed,
    explain,
    network_forwarding,
    office_hours,
    plan_inbound,
    planned_rings,
)
from tests.routing.helpers import UTC, example

ZONES = ["Asia/Shanghai", "America/New_York", "Europe/Berlin", "Australia/Lord_Howe",
         "Asia/Kathmandu", "America/Santiago"]  # Lord Howe: 30 min DST; Santiago: at midnight
PEOPLE = (BoundNumber("zhang", "张伟", "+8613912345678"),
          BoundNumber("wang", "王芳", "+8613512345678"),
          BoundNumber("david", "David", "+8613812345678"))
COMMON = settings(max_examples=150, deadline=None,
                  suppress_health_check=[HealthCheck.too_slow])


def _transitions() -> list[datetime]:
    """Every UTC-offset change of ZONES in 2025, to the hour (instants near DST changes)."""
    found = []
    for name in ZONES:
        zone, t = ZoneInfo(name), datetime(2025, 1, 1, tzinfo=UTC)
        while t.year == 2025:
            if (t + timedelta(hours=1)).astimezone(zone).utcoffset() != \
                    t.astimezone(zone).utcoffset():
                found.append(t)
            t += timedelta(hours=1)
    return found


TRANSITIONS = _transitions()

minutes = st.one_of(st.integers(0, 48).map(lambda x: x * 30), st.integers(0, 1440))


@st.composite
def day_ranges(draw: st.DrawFn) -> tuple[ClockRange, ...]:
    """Sorted, non-overlapping ranges (touching allowed), and now and then one that runs
    past midnight ("19:00-08:00")."""
    points = sorted(draw(st.lists(minutes, max_size=6)))
    pairs = zip(points[::2], points[1::2], strict=False)
    ranges = [ClockRange(a, b) for a, b in pairs if a < b and a < 1440]
    if draw(st.integers(0, 3)) == 0:
        start = draw(st.integers(1, 1439))
        ranges.append(ClockRange(start, draw(st.integers(1, start))))
    return tuple(ranges)


schedules = st.builds(Schedule, **{day: day_ranges() for day in WEEKDAYS},
                      follow_calendar=st.booleans(),
                      adjusted_workday_hours=st.sampled_from([None, "mon", "sat"]))
some_days = st.lists(st.sampled_from(WEEKDAYS), min_size=1, max_size=7, unique=True)


@st.composite
def rosters(draw: st.DrawFn) -> DutyRoster:
    entries = []
    for _ in range(draw(st.integers(0, 4))):
        hours = draw(day_ranges().filter(len)) if draw(st.booleans()) else (ClockRange(0, 1440),)
        entries.append(DutyEntry(tuple(draw(some_days)), draw(st.sampled_from(PEOPLE)).id,
                                 hours[0]))
    default = draw(st.sampled_from([None, *(p.id for p in PEOPLE)]))
    holiday = draw(st.sampled_from([None, *(p.id for p in PEOPLE)]))
    return DutyRoster(tuple(entries), default, holiday)


@st.composite
def timed_configs(draw: st.DrawFn) -> Config:
    return Config(settings=Settings(timezone=draw(st.sampled_from(ZONES))),
                  bound_numbers=PEOPLE, schedule=draw(schedules), duty_roster=draw(rosters()))


instants = st.one_of(
    st.datetimes(datetime(2024, 1, 1), datetime(2027, 12, 31), timezones=st.just(UTC)),
    st.builds(lambda t, m, s: t + timedelta(minutes=m, seconds=s), st.sampled_from(TRANSITIONS),
              st.integers(-3 * 1440, 3 * 1440), st.sampled_from([0, 0, 30])),
)


# --- references: the plainest reading of the rules ------------------------------


def ref_day(day: date) -> str:
    """"holiday", "worked" (a weekend day worked) or "" by chinese-calendar itself."""
    try:
        on_holiday, name = chinese_calendar.get_holiday_detail(day)
    except NotImplementedError:
        return ""
    if on_holiday and name is not None:
        return "holiday"
    return "worked" if day.weekday() >= 5 and not on_holiday else ""


def ref_ranges(config: Config, day: date) -> tuple[ClockRange, ...]:
    weekday = WEEKDAYS[day.weekday()]
    kind = ref_day(day) if config.schedule.follow_calendar else ""
    if kind == "holiday":
        return ()
    if kind == "worked":
        return getattr(config.schedule, config.schedule.adjusted_workday_hours or weekday)
    return getattr(config.schedule, weekday)


def _ends(r: ClockRange) -> int:
    return r.end if r.end > r.start else 1440


def ref_open(config: Config, at: datetime) -> bool:
    local = at.astimezone(ZoneInfo(config.settings.timezone))
    minute = local.hour * 60 + local.minute
    today, yesterday = local.date(), local.date() - timedelta(days=1)
    return (any(r.start <= minute < _ends(r) for r in ref_ranges(config, today))
            or any(r.end < r.start and minute < r.end for r in ref_ranges(config, yesterday)))


def ref_on_duty(entry: DutyEntry, local: datetime) -> bool:
    day, before = WEEKDAYS[local.weekday()], WEEKDAYS[(local.weekday() - 1) % 7]
    minute, r = local.hour * 60 + local.minute, entry.hours
    return ((day in entry.days and r.start <= minute < _ends(r))
            or (before in entry.days and r.end < r.start and minute < r.end))


def ref_forwarding(config: Config, at: datetime) -> tuple[bool, str | None]:
    if ref_open(config, at):
        return False, None
    local = at.astimezone(ZoneInfo(config.settings.timezone))
    roster = config.duty_roster
    person = next((e.person for e in roster.entries if ref_on_duty(e, local)), roster.default)
    if roster.holiday is not None and ref_day(local.date()) == "holiday":
        person = roster.holiday
    if person is None:
        return False, None
    return True, config.bound_number(person).number  # type: ignore[union-attr]


# --- properties ----------------------------------------------------------------


@COMMON
@given(timed_configs(), instants)
def test_is_open_agrees_with_the_reference(config: Config, at: datetime) -> None:
    assert office_hours(config, at).open is ref_open(config, at)


@COMMON
@given(timed_configs(), instants, st.lists(st.floats(0, 1, exclude_max=True), max_size=20))
def test_next_change_is_the_first_change(config: Config, at: datetime,
                                         fractions: list[float]) -> None:
    state = network_forwarding(config, at)
    now = ref_forwarding(config, at)
    assert (state.enabled, state.number) == now
    change = state.next_change
    if change is None:
        for f in fractions:
            assert ref_forwarding(config, at + timedelta(days=15) * f) == now
        return
    assert change > at
    assert ref_forwarding(config, change) != now
    assert ref_forwarding(config, max(at, change - timedelta(minutes=1))) == now
    assert ref_forwarding(config, change - timedelta(microseconds=1)) == now
    for f in fractions:
        point = at + (change - at) * f  # rounded to a microsecond: may land on the change
        assert point >= change or ref_forwarding(config, point) == now


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(timed_configs(), instants)
def test_next_change_matches_stepping_minute_by_minute(config: Config, at: datetime) -> None:
    """Brute force over three days: offsets are whole minutes, so edges are UTC minutes."""
    change = network_forwarding(config, at).next_change
    now = ref_forwarding(config, at)
    t = at.replace(second=0, microsecond=0) + timedelta(minutes=1)
    horizon = at + timedelta(days=3)
    while t <= horizon and ref_forwarding(config, t) == now:
        t += timedelta(minutes=1)
    if t <= horizon:
        assert change == t
    else:
        assert change is None or change > horizon


# --- random whole configs: every plan ends --------------------------------------

NAMES = ["801", "802", "803", "999", "zhang", "wang", "david", "ghost"]
CHAIN = ["zhang", "wang", "david", "021 6123 4567", "+8613700000000", "ghost", "12"]


@st.composite
def groups(draw: st.DrawFn, name: str) -> RingGroup:
    members = draw(st.lists(st.sampled_from(NAMES), min_size=1, max_size=6, unique=True))
    return RingGroup(name, tuple(GroupMember(m) for m in members),
                     draw(st.sampled_from(Strategy)), draw(st.integers(5, 300)),
                     draw(st.integers(5, 600)))


@st.composite
def full_configs(draw: st.DrawFn) -> Config:
    extensions = tuple(Extension(n, f"desk {n}", f"fxs{i}")
                       for i, n in enumerate(("801", "802", "803")) if draw(st.booleans()))
    ring_groups = tuple(draw(groups(name)) for name in ("sales", "support")
                        if draw(st.booleans()))
    return Config(
        settings=Settings(timezone=draw(st.sampled_from(ZONES))),
        lines=Lines(fxs=tuple(FxsPortConfig(f"fxs{i}") for i in range(3))),
        extensions=extensions,
        bound_numbers=PEOPLE[:draw(st.integers(0, 3))],
        ring_groups=ring_groups,
        schedule=draw(schedules),
        duty_roster=draw(rosters()),
        forward_chain=tuple(draw(st.lists(st.sampled_from(CHAIN), max_size=7))),
        inbound=Inbound(draw(st.sampled_from([None, "sales", "support", "missing"]))),
    )


def paths(plan, step_id: str, depth: int = 0):
    """Every path from `step_id` to its end, as lists of step ids (DONE included)."""
    assert depth <= len(plan.steps), "a path longer than the plan: it loops"
    if step_id == DONE:
        return [[DONE]]
    step = plan.step(step_id)
    if not step.exits:
        return [[step_id]]
    return [[step_id, *rest] for target in set(step.exits.values())
            for rest in paths(plan, target, depth + 1)]


@COMMON
@given(full_configs(), instants, st.integers(0, 3),
       st.sampled_from([None, "+8613800000000"]))
def test_every_plan_ends(config: Config, at: datetime, lines: int, caller: str | None) -> None:
    plan = plan_inbound(config, "gsm0", caller, at, lines)
    check_plan(plan)
    for path in paths(plan, plan.start):
        last = path[-1]
        assert last == DONE or isinstance(plan.step(last), Hangup)
    assert isinstance(list(plan)[-1], Hangup)
    for step in plan:
        if isinstance(step, RingStep):
            assert step.targets and step.next(Exit.ANSWERED) == DONE
            assert all(t.outside is False for t in step.targets) or lines >= 2
            rings = planned_rings(step)
            assert rings and all(0 < r.ring_s <= r.target.ring_time_s for r in rings)
            if step.total_ring_time_s is not None:  # ring-all: together, not one by one
                together = getattr(step, "together", False)
                spent = max if together else sum
                assert spent(r.ring_s for r in rings) <= step.total_ring_time_s
    assert plan.reasons and explain(plan)


# --- dialled digits ------------------------------------------------------------------

digit_strings = st.one_of(st.text("0123456789", max_size=16),
                          st.text("0123456789", max_size=15).map(lambda s: "0" + s))


@settings(max_examples=300, deadline=None)
@given(digit_strings, st.text("0123456789", min_size=1, max_size=4))
def test_invalid_digits_stay_invalid(digits: str, more: str) -> None:
    config = example()
    if classify_dialed(digits, config).kind is DialedKind.INVALID:
        assert classify_dialed(digits + more, config).kind is DialedKind.INVALID


@settings(max_examples=300, deadline=None)
@given(digit_strings)
def test_final_never_leaves_digits_incomplete(digits: str) -> None:
    dialed = classify_dialed(digits, example(), final=True)
    assert dialed.kind is not DialedKind.INCOMPLETE
    if dialed.kind is DialedKind.OUTSIDE:
        assert dialed.number
