"""Validation: the example passes, every kind of bad input is refused at its field."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from firmware.config.schema import Config, Strategy, TimeRange, to_dict
from firmware.config.store import ConfigStore
from firmware.config.validate import check_config, phone_number
from firmware.errors import ConfigError
from tests.config.helpers import example

Mutation = Callable[[dict[str, Any]], None]


def _set(path: str, value: Any) -> Mutation:
    """A mutation that sets d[a][b]... (ints index lists) to `value`."""

    def mutate(d: dict[str, Any]) -> None:
        *parents, last = [int(k) if k.isdigit() else k for k in path.split("/")]
        for key in parents:
            d = d[key]
        d[last] = value

    return mutate


def _call(fn: Callable[[dict[str, Any]], Any]) -> Mutation:
    return lambda d: (fn(d), None)[1]


def _drop(path: str, key: str) -> Mutation:
    def mutate(d: dict[str, Any]) -> None:
        for part in filter(None, path.split("/")):
            d = d[int(part) if part.isdigit() else part]
        del d[key]

    return mutate


INVALID_INPUTS: list[tuple[str, Mutation, str, str]] = [
    ("bad phone", _set("bound_numbers/0/number", "12345"),
     "bound_numbers[0].number", "not a valid phone number"),
    ("not a phone", _set("bound_numbers/1/number", "call me"),
     "bound_numbers[1].number", "not a phone number"),
    ("overlapping hours", _call(lambda d: d["schedule"]["mon"].append("11:00-12:30")),
     "schedule.mon[2]", 'overlaps "09:00-12:00"'),
    ("inside a longer range", _set("schedule/wed", ["09:00-18:00", "10:00-11:00", "12:00-13:00"]),
     "schedule.wed[2]", "overlaps"),
    ("past midnight into the next day's hours", _set("schedule/tue", ["18:00-10:00"]),
     "schedule.tue[0]", "runs past midnight into"),
    ("empty range", _set("schedule/tue", ["09:00-09:00"]),
     "schedule.tue[0]", "the range is empty"),
    ("no such hour", _set("schedule/thu/0", "25:00-26:00"), "schedule.thu[0]", "not a time of day"),
    ("not a range", _set("schedule/fri/0", "9-12"), "schedule.fri[0]", "not a time range"),
    ("unknown weekday key", _set("schedule/monday", []), "schedule.monday", "unknown field"),
    ("unknown extension in group", _call(lambda d: d["ring_groups"][0]["members"].append("805")),
     "ring_groups[0].members[4]", 'unknown extension "805"'),
    ("unknown bound number in group",
     _call(lambda d: d["ring_groups"][0]["members"].append("nobody")),
     "ring_groups[0].members[4]", 'unknown bound number "nobody"'),
    ("member neither", _set("ring_groups/0/members/0", "8-0-1"),
     "ring_groups[0].members[0]", "neither an extension number nor a bound-number id"),
    ("duplicate member", _set("ring_groups/0/members/1", "801"),
     "ring_groups[0].members[1]", 'member "801" repeats item [0]'),
    ("group without members", _set("ring_groups/0/members", []),
     "ring_groups[0].members", "at least one member"),
    ("port does not exist", _set("extensions/0/port", "fxs9"),
     "extensions[0].port", 'no FXS port "fxs9"'),
    ("port used twice", _set("extensions/1/port", "fxs0"),
     "extensions[1].port", "already rings extension 801"),
    ("forward chain too short", _call(lambda d: d["forward_chain"].pop()),
     "forward_chain", "needs 4 to 10 numbers"),
    ("forward chain too long", _set("forward_chain", [f"+86138000000{i:02d}" for i in range(11)]),
     "forward_chain", "got 11"),
    ("forward chain bad number", _set("forward_chain/3", "999"),
     "forward_chain[3]", "not a valid phone number"),
    ("forward chain unknown id", _set("forward_chain/0", "nobody"),
     "forward_chain[0]", 'unknown bound number "nobody"'),
    ("forward chain repeats", _set("forward_chain/1", "zhang"),
     "forward_chain[1]", "repeats item [0]"),
    ("duplicate extension number", _set("extensions/1/number", "801"),
     "extensions[1]", 'extension "801" repeats item [0]'),
    ("extension too short", _set("extensions/0/number", "8"),
     "extensions[0].number", "2 to 6 digits"),
    ("extension under the outside prefix", _set("extensions/0/number", "0801"),
     "extensions[0].number", "outside-line prefix"),
    ("duplicate bound id", _set("bound_numbers/1/id", "zhang"),
     "bound_numbers[1]", 'id "zhang" repeats item [0]'),
    ("duplicate bound number", _set("bound_numbers/1/number", "+86 139 1234 5678"),
     "bound_numbers[1]", 'number "+8613912345678" repeats item [0]'),
    ("bad bound id", _set("bound_numbers/0/id", "9zhang"), "bound_numbers[0].id", "is not an id"),
    ("number as int", _set("extensions/0/number", 801),
     "extensions[0].number", "expected a string, got a number"),
    ("ring time as string", _set("ring_groups/0/ring_time", "20"),
     "ring_groups[0].ring_time", "expected a whole number, got a string"),
    ("ring time as bool", _set("ring_groups/0/ring_time", True),
     "ring_groups[0].ring_time", "expected a whole number, got true/false"),
    ("members not a list", _set("ring_groups/0/members", "801"),
     "ring_groups[0].members", "expected a list"),
    ("settings not an object", _set("settings", []), "settings", "expected an object"),
    ("unknown top-level key", _set("vips", []), "vips", "unknown field"),
    ("unknown nested key", _set("extensions/0/colour", "red"),
     "extensions[0].colour", "unknown field"),
    ("typo suggests", _set("ring_groups/0/ring_tme", 20),
     "ring_groups[0].ring_tme", 'did you mean "ring_time"'),
    ("missing field", _drop("extensions/0", "name"), "extensions[0].name", "missing"),
    ("empty name", _set("extensions/0/name", "  "), "extensions[0].name", "must not be empty"),
    ("bad strategy", _set("ring_groups/0/strategy", "loudest"),
     "ring_groups[0].strategy", "is not one of"),
    ("percentage without shares", _set("ring_groups/0/strategy", "percentage"),
     "ring_groups[0].members", "needs a share per member"),
    ("shares not 100", _set("ring_groups/0/members",
                            [{"target": "801", "share": 50}, {"target": "zhang", "share": 40}]),
     "ring_groups[0].members", "shares are only used by the percentage strategy"),
    ("share out of range", _set("ring_groups/0/members", [{"target": "801", "share": 0}]),
     "ring_groups[0].members[0].share", "outside 1..100"),
    ("total shorter than per member", _set("ring_groups/0/total_ring_time", 10),
     "ring_groups[0].total_ring_time", "shorter than the ring time"),
    ("ring time too short", _set("ring_groups/0/ring_time", 2),
     "ring_groups[0].ring_time", "outside 5..300"),
    ("duplicate group name", _call(lambda d: d["ring_groups"].append(d["ring_groups"][0])),
     "ring_groups[1]", 'ring group "sales" repeats'),
    ("bad timezone", _set("settings/timezone", "Asia/Atlantis"),
     "settings.timezone", "not a known timezone"),
    ("bad country", _set("settings/country", "XX"), "settings.country", "not a country code"),
    ("bad prefix", _set("settings/outside_line_prefix", "9#"),
     "settings.outside_line_prefix", "up to 3 digits"),
    ("duty overlap", _set("duty_roster/entries/1/days", ["wed", "thu"]),
     "duty_roster.entries[1]", "wed 00:00-24:00 overlaps entries[0]"),
    ("duty unknown person", _set("duty_roster/entries/0/person", "li"),
     "duty_roster.entries[0].person", 'unknown bound number "li"'),
    ("duty unknown default", _set("duty_roster/default", "li"),
     "duty_roster.default", 'unknown bound number "li"'),
    ("duty bad day", _set("duty_roster/entries/0/days/0", "monday"),
     "duty_roster.entries[0].days[0]", '"monday" is not a weekday'),
    ("duty no day", _set("duty_roster/entries/0/days", []),
     "duty_roster.entries[0].days", "at least one weekday"),
    ("inbound unknown group", _set("inbound/ring_group", "support"),
     "inbound.ring_group", 'unknown ring group "support"'),
    ("gsm line name", _set("lines/gsm/0/name", "modem0"), "lines.gsm[0].name", "GSM line name"),
    ("sim pin", _set("lines/gsm/0/sim_pin", "12"), "lines.gsm[0].sim_pin", "4 to 8 digits"),
    ("fxs port twice", _call(lambda d: d["lines"]["fxs"].append({"name": "fxs0"})),
     "lines.fxs[4]", 'port "fxs0" repeats'),
    ("member names a group and a target",
     _set("ring_groups/0/members/0", {"target": "801", "group": "sales"}),
     "ring_groups[0].members[0]", "either a target"),
    ("member names nothing", _set("ring_groups/0/members/0", {"ring_time": 10}),
     "ring_groups[0].members[0]", "either a target"),
    ("member unknown group", _set("ring_groups/0/members/0", {"group": "support"}),
     "ring_groups[0].members[0].group", 'unknown ring group "support"'),
    ("group contains itself", _set("ring_groups/0/members/0", {"group": "sales"}),
     "ring_groups[0].members", "contains itself: sales > sales"),
    ("groups contain each other", _call(lambda d: (
        d["ring_groups"].append({"name": "inner", "members": [{"group": "sales"}]}),
        d["ring_groups"][0]["members"].append({"group": "inner"}))),
     "ring_groups[1].members", "contains itself: inner > sales > inner"),
    ("duplicate group member", _call(lambda d: (
        d["ring_groups"].append({"name": "inner", "members": ["801"]}),
        d["ring_groups"][0].update(members=[{"group": "inner"}, {"group": "inner"}]))),
     "ring_groups[0].members[1]", 'member "group:inner" repeats item [0]'),
    ("member ring time too short", _set("ring_groups/0/members/0",
                                        {"target": "801", "ring_time": 1}),
     "ring_groups[0].members[0].ring_time", "outside 5..300"),
    ("vip bad number", _set("vip", {"numbers": ["12345"]}),
     "vip.numbers[0]", "not a valid phone number"),
    ("vip bad prefix", _set("vip", {"prefixes": ["0571"]}),
     "vip.prefixes[0]", 'a number prefix like "+86138"'),
    ("vip unknown target", _set("vip", {"targets": ["805"]}),
     "vip.targets[0]", 'unknown extension "805"'),
    ("vip repeated target", _set("vip", {"targets": ["801", "801"]}),
     "vip.targets[1]", 'target "801" repeats item [0]'),
    ("vip ring time", _set("vip", {"ring_time": 1}), "vip.ring_time", "outside 5..300"),
    ("vip unknown field", _set("vip", {"number": []}), "vip.number", 'did you mean "numbers"'),
    ("designated bad caller", _set("designated", [{"caller": "hello", "agent": "801"}]),
     "designated[0].caller", "not a phone number"),
    ("designated unknown agent", _set("designated", [{"caller": "13511112222", "agent": "li"}]),
     "designated[0].agent", 'unknown bound number "li"'),
    ("designated caller twice", _set("designated", [
        {"caller": "13511112222", "agent": "801"}, {"caller": "+8613511112222", "agent": "802"}]),
     "designated[1]", 'caller "+8613511112222" repeats item [0]'),
    ("designated missing agent", _set("designated", [{"caller": "13511112222"}]),
     "designated[0].agent", "missing"),
    ("returning caller days", _set("returning_caller_days", 400),
     "returning_caller_days", "outside 0..365"),
    ("returning caller days negative", _set("returning_caller_days", -1),
     "returning_caller_days", "outside 0..365"),
    # version 2: routing rules
    ("holiday calendar", _set("settings/holiday_calendar", "US"),
     "settings.holiday_calendar", "not a holiday calendar"),
    ("time rule named like the schedule", _set("time_rules/0/name", "office_hours"),
     "time_rules[0].name", "the weekly schedule's own name"),
    ("time rule twice", _call(lambda d: d["time_rules"].append(d["time_rules"][0])),
     "time_rules[2]", 'time rule "workdays" repeats'),
    ("night ranges overlap", _set("time_rules/1/weekly/mon", ["20:00-23:00", "22:00-07:00"]),
     "time_rules[1].weekly.mon[1]", 'overlaps "20:00-23:00"'),
    ("empty clock range", _set("time_rules/1/weekly/tue", ["07:00-07:00"]),
     "time_rules[1].weekly.tue[0]", "the range is empty"),
    ("bad override date", _set("time_rules/0/dates/0/date", "2026-02-30"),
     "time_rules[0].dates[0].date", "not a date"),
    ("adjusted workday hours", _set("time_rules/0/adjusted_workday_hours", "monday"),
     "time_rules[0].adjusted_workday_hours", '"monday" is not a weekday'),
    ("holidays word", _set("time_rules/0/holidays", "open"),
     "time_rules[0].holidays", "not one of: closed, weekly"),
    ("route to nowhere", _set("routes/0/to", "voicemail"), "routes[0].to", "not a destination"),
    ("route to unknown group", _set("routes/0/to", "ring_group:support"),
     "routes[0].to", 'unknown ring group "support"'),
    ("route unknown time rule", _set("routes/0/when", "weekends"),
     "routes[0].when", 'no time rule "weekends"'),
    ("route unknown line", _set("routes/0/lines", ["gsm3"]), "routes[0].lines[0]",
     'no line "gsm3"'),
    ("route unknown province", _set("routes/0/callers/provinces", ["Atlantis"]),
     "routes[0].callers.provinces[0]", "not a province of China"),
    ("route bad prefix", _set("routes/0/callers/numbers", ["+86abc*"]),
     "routes[0].callers.numbers[0]", "not a number prefix"),
    ("route bad area code", _set("routes/1/callers/area_codes", ["57a"]),
     "routes[1].callers.area_codes[0]", "not an area code"),
    ("withheld with a region", _set("routes/1/callers/withheld", True),
     "routes[1].callers", "a withheld caller has no number"),
    ("withheld not a bool", _set("routes/1/callers/withheld", "yes"),
     "routes[1].callers.withheld", "expected true or false"),
    ("route twice", _call(lambda d: d["routes"].append(d["routes"][0])),
     "routes[2]", 'route "zhejiang customers" repeats'),
    ("plan exit to nowhere", _set("plans/0/steps/0/on/busy", "later"),
     "plans[0].steps[0].on.busy", 'no step "later" in plan zhejiang'),
    ("blacklist not a number", _set("blocking/blacklist/0", "spam"),
     "blocking.blacklist[0]", "not a phone number"),
    ("blocking treatment", _set("blocking/treatment", "music"),
     "blocking.treatment", "not one of: busy, announcement, hangup"),
    ("cap unknown line", _set("caps/0/line", "gsm5"), "caps[0].line", 'no outside line "gsm5"'),
    ("cap zero", _set("caps/0/limits/0/max", 0), "caps[0].limits[0].max", "outside 1..1000000"),
    ("cap counter twice", _call(lambda d: d["caps"][0]["limits"].append(
        d["caps"][0]["limits"][0])), "caps[0].limits[2]", 'counter "inbound_calls" repeats'),
    ("cap action", _set("caps/0/limits/0/action", "sms"), "caps[0].limits[0].action",
     "not one of: no_mobiles, voicemail, reject"),
    ("cap notify unknown", _set("caps/0/notify", ["nobody"]), "caps[0].notify[0]",
     'unknown bound number "nobody"'),
    ("cap voicemail box unknown", _set("caps/0/voicemail", "nobody"), "caps[0].voicemail",
     'no extension or ring group "nobody"'),
    ("cap voicemail box not a box", _set("caps/0/voicemail", "销售 部"), "caps[0].voicemail",
     'is not a voicemail box'),
    ("newer schema", _set("schema_version", 3), "schema_version", "newer firmware"),
    ("no schema version", _drop("", "schema_version"), "schema_version", "missing"),
]


def test_vip_designated_returning_and_nested_groups() -> None:
    raw = example()
    raw["ring_groups"].append({"name": "mobiles", "members": ["zhang", "wang"],
                               "ring_time": 15})
    raw["ring_groups"].append({"name": "mix", "strategy": "percentage", "members": [
        {"group": "mobiles", "share": 30}, {"target": "801", "share": 70, "ring_time": 10}]})
    raw["vip"] = {"numbers": ["13511112222"], "prefixes": ["+86139"], "targets": ["803"]}
    raw["designated"] = [{"caller": "021 6123 4567", "agent": "david"}]
    raw["returning_caller_days"] = 7
    config = check_config(raw)
    assert config.vip.numbers == ("+8613511112222",) and config.vip.ring_time == 20
    assert config.vip.matches("+8613912345678") and not config.vip.matches(None)
    assert config.designated[0].caller == "+862161234567"
    mix = config.ring_group("mix")
    assert mix is not None and mix.members[0].group == "mobiles"
    assert mix.members[0].key == "group:mobiles" and mix.members[1].ring_time == 10
    assert check_config(to_dict(config)) == config


def test_a_file_without_the_new_fields_loads_with_them_off() -> None:
    raw = example()
    for key in ("vip", "designated", "returning_caller_days"):
        raw.pop(key, None)
    config = check_config(raw)
    assert config.vip.numbers == () and config.designated == ()
    assert config.returning_caller_days == 0


def test_example_config_is_valid() -> None:
    config = check_config(example())
    assert config.settings.company_name.startswith("上海")
    assert [e.number for e in config.extensions] == ["801", "802", "803", "804"]
    assert config.ring_group("sales").strategy is Strategy.SEQUENTIAL


@pytest.mark.parametrize(("case", "mutate", "field", "reason"), INVALID_INPUTS,
                         ids=[c[0] for c in INVALID_INPUTS])
def test_invalid_input_is_refused_and_changes_nothing(
    store: ConfigStore, case: str, mutate: Mutation, field: str, reason: str
) -> None:
    store.replace(example())
    before = store.as_dict()
    file_before = store.path.read_bytes() if store.path.exists() else None
    bad = example()
    mutate(bad)
    with pytest.raises(ConfigError) as refused:
        store.replace(bad)
    assert any(f == field and reason in r for f, r in refused.value.errors), refused.value.errors
    assert store.as_dict() == before
    if file_before is not None:
        assert store.path.read_bytes() == file_before


def test_all_errors_are_collected_not_just_the_first() -> None:
    bad = example()
    bad["bound_numbers"][0]["number"] = "12345"
    bad["schedule"]["mon"].append("11:00-12:30")
    bad["ring_groups"][0]["members"].append("805")
    bad["forward_chain"] = bad["forward_chain"][:2]
    bad["extensions"][2]["colour"] = "red"
    with pytest.raises(ConfigError) as refused:
        check_config(bad)
    fields = [f for f, _ in refused.value.errors]
    assert fields == ["extensions[2].colour", "bound_numbers[0].number", "schedule.mon[2]",
                      "forward_chain", "ring_groups[0].members[4]"]
    assert 'ring_groups[0].members[4]: unknown extension "805"' in str(refused.value)


def test_one_mistake_is_reported_once() -> None:
    """A broken section does not make every reference to it "unknown" as well."""
    bad = example()
    bad["bound_numbers"] = {"zhang": "+8613912345678"}
    with pytest.raises(ConfigError) as refused:
        check_config(bad)
    assert refused.value.errors == [("bound_numbers", "expected a list, got an object")]


def test_root_must_be_an_object() -> None:
    with pytest.raises(ConfigError) as refused:
        check_config({"schema_version": 1, "settings": {"country": "CN"}, "lines": 3})
    assert refused.value.errors == [("lines", "expected an object, got a number")]
    with pytest.raises(ConfigError) as refused:
        check_config([1, 2])
    assert refused.value.errors == [("(config)", "expected an object, got a list")]


def test_numbers_are_stored_as_e164() -> None:
    d = to_dict(check_config(example()))
    assert [b["number"] for b in d["bound_numbers"]] == [
        "+8613912345678", "+8613512345678", "+8613812345678"]
    assert d["forward_chain"] == ["zhang", "wang", "david", "+862161234567"]
    assert phone_number("010 6552 9988", "CN") == "+861065529988"
    assert phone_number("+1 650 253 0000", "CN") == "+16502530000"


def test_country_decides_how_local_numbers_read() -> None:
    d = example()
    d["settings"]["country"] = "us"
    d["bound_numbers"] = [{"id": "joe", "name": "Joe", "number": "(650) 253-0000"}]
    d["ring_groups"][0]["members"] = ["801"]
    d["duty_roster"] = {"default": "joe"}
    d["forward_chain"] = []
    d["vip"], d["designated"] = {}, []
    config = check_config(d)
    assert config.settings.country == "US"
    assert config.bound_number("joe").number == "+16502530000"


def test_minimal_config_gets_defaults() -> None:
    config = check_config({"schema_version": 1})
    assert config == Config()
    assert config.settings.timezone == "Asia/Shanghai"
    assert config.settings.outside_line_prefix == "0"


def test_round_trip_through_json_form_is_stable() -> None:
    config = check_config(example())
    again = check_config(to_dict(config))
    assert again == config
    assert to_dict(again) == to_dict(config)


def test_percentage_group_with_shares() -> None:
    d = example()
    d["ring_groups"][0].update(strategy="percentage", members=[
        {"target": "801", "share": 60}, {"target": "zhang", "share": 40}])
    group = check_config(d).ring_group("sales")
    assert [(m.target, m.share, m.is_extension) for m in group.members] == [
        ("801", 60, True), ("zhang", 40, False)]
    assert to_dict(group)["members"] == [{"target": "801", "share": 60},
                                         {"target": "zhang", "share": 40}]


def test_schedule_and_roster_answer_questions() -> None:
    config = check_config(example())
    assert config.schedule.is_open("mon", 9 * 60)
    assert not config.schedule.is_open(0, 12 * 60 + 30)  # lunch
    assert config.schedule.is_open(5, 11 * 60 + 59)
    assert not config.schedule.is_open("sun", 10 * 60)
    assert config.duty_roster.person_at("tue", 3 * 60) == "zhang"
    assert config.duty_roster.person_at(4, 23 * 60) == "wang"
    assert config.duty_roster.person_at("sun", 0) == "david"


# --- properties --------------------------------------------------------------

minutes = st.integers(min_value=0, max_value=24 * 60)
ranges = st.tuples(minutes, minutes).filter(lambda r: r[0] < r[1]).map(lambda r: TimeRange(*r))


@settings(deadline=None)  # a loaded CI machine must not turn slowness into failure
@given(st.lists(ranges, max_size=6))
def test_overlap_check_matches_a_minute_by_minute_count(day: list[TimeRange]) -> None:
    covered = [sum(r.contains(m) for r in day) for m in range(24 * 60)]
    brute_force_overlap = max(covered, default=0) > 1
    d = {"schema_version": 1, "schedule": {"mon": [str(r) for r in day]}}
    try:
        schedule = check_config(d).schedule
    except ConfigError as refused:
        assert brute_force_overlap
        assert all(f.startswith("schedule.mon[") and "overlaps" in r for f, r in refused.errors)
    else:
        assert not brute_force_overlap
        assert [schedule.is_open("mon", m) for m in range(24 * 60)] == [c == 1 for c in covered]


@settings(deadline=None)
@given(minutes, minutes)
def test_time_range_text_round_trips(a: int, b: int) -> None:
    text = f"{a // 60:02d}:{a % 60:02d}-{b // 60:02d}:{b % 60:02d}"
    if a < b and a < 24 * 60:
        assert str(TimeRange.from_str(text)) == text
    else:
        with pytest.raises(ValueError, match=r"before it starts|cannot start at 24:00"):
            TimeRange.from_str(text)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner,
                                                                max_size=4),
    max_leaves=12,
)


def _paths(node: Any, prefix: tuple = ()) -> list[tuple]:
    """Every path into a JSON value (keys and list indexes)."""
    found = [prefix]
    if isinstance(node, dict):
        for key, value in node.items():
            found += _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            found += _paths(value, (*prefix, i))
    return found


EXAMPLE_PATHS = _paths(example())[1:]


@settings(deadline=None, max_examples=150)
@given(st.sampled_from(EXAMPLE_PATHS), json_values)
def test_any_garbage_anywhere_is_refused_cleanly_or_accepted(path: tuple, garbage: Any) -> None:
    """Whatever lands at any place of a good config, the answer is a Config or a
    ConfigError naming fields, never a crash."""
    d = example()
    node = d
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = garbage
    try:
        config = check_config(d)
    except ConfigError as refused:
        assert refused.errors
        assert all(isinstance(f, str) and f and isinstance(r, str) for f, r in refused.errors)
    else:
        assert check_config(to_dict(config)) == config


@settings(deadline=None, max_examples=100)
@given(st.dictionaries(st.sampled_from([*example(), "extra"]), json_values, max_size=5))
def test_random_top_level_is_refused_cleanly_or_accepted(d: dict[str, Any]) -> None:
    d["schema_version"] = 1
    try:
        check_config(d)
    except ConfigError as refused:
        assert all(isinstance(f, str) and f for f, _ in refused.errors)
