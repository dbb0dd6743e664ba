"""Turn an untrusted dict into a `Config`, or refuse it with every reason at once.

Used by the store before every write and on every load, by `config check`, and
by the web page before it offers a save. Three passes, all collecting into one
list of (field path, reason) pairs:

1. structure: walk the schema dataclasses and their type hints; wrong types,
   unknown keys and missing fields are reported at their path;
2. field checks (`_FIELD_CHECKS`): formats, ranges, phone numbers (normalised
   to E.164 with `phonenumbers` for the box's country), overlapping hours;
3. cross references (`_cross_check`): ports, extensions, bound numbers and ring
   groups that are named must exist.

The version-2 sections (routes, time rules, plans, blocking, caps) are checked by
validate_rules.py, whose tables are merged into these at the end of this module.

A part that failed an earlier pass is `INVALID` and later passes skip it, so one
mistake is reported once. Nothing escapes with `INVALID` inside: any error
raises `ConfigError`.
"""

from __future__ import annotations

import difflib
import enum
import re
import types
import typing
from collections.abc import Callable, Iterable
from dataclasses import MISSING, dataclass, field, fields
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import phonenumbers

from firmware.config import schema as s
from firmware.config.jsontext import check_config_value
from firmware.config.migrations import migrate
from firmware.config.reasons import BadValue, Reason, plain, reason
from firmware.config.schema_base import is_digits
from firmware.errors import ConfigError

ROOT = "(config)"


class _Invalid:
    def __repr__(self) -> str:
        return "INVALID"


INVALID: Any = _Invalid()


class _Bad(Exception):
    """A field check failed: `code` and `params` name a reason of the catalogue
    (reasons.py; an unknown code raises here), or `code` is a Reason already (a
    parser's); `sub` extends the path (e.g. "[2]")."""

    def __init__(self, code: str | Reason, sub: str = "", **params: Any):
        self.reason = code if isinstance(code, Reason) else reason(code, **params)
        self.sub = sub
        super().__init__(self.reason.text)


@dataclass
class _Ctx:
    errors: list[tuple[str, Reason]] = field(default_factory=list)
    country: str = "CN"  # set by the settings.country check, read by phone checks
    path: str = ""  # the field a check is looking at (set by _run_check)

    def add(self, path: str, why: Reason) -> None:
        if not isinstance(why, Reason):
            raise TypeError(f"a validation error needs a catalogue Reason, got {why!r}")
        self.errors.append((path or ROOT, why))

    def flag(self, sub: str, why: Reason) -> None:
        """A check reports a problem below its field and carries on (e.g. "[2]")."""
        self.add(self.path + sub, why)


def check_config(raw: Any) -> s.Config:
    """Migrate `raw` to the current schema and validate it; raise ConfigError if invalid
    (UnreadableConfig first if it is too big, too deep or not Unicode: jsontext.py)."""
    check_config_value(raw)
    return parse_config(migrate(raw))


def parse_config(raw: Any) -> s.Config:
    """Validate a dict already at the current schema version; raise ConfigError if invalid."""
    ctx = _Ctx()
    config = _build(s.Config, raw, "", ctx)
    if config is not INVALID:
        _cross_check(config, ctx)
    if ctx.errors:
        raise ConfigError(ctx.errors)
    return config


# --- pass 1: structure ------------------------------------------------------


def _build(tp: Any, value: Any, path: str, ctx: _Ctx) -> Any:
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        inner = next(a for a in typing.get_args(tp) if a is not type(None))
        return None if value is None else _build(inner, value, path, ctx)
    if origin is tuple:
        return _build_list(typing.get_args(tp)[0], value, path, ctx)
    if tp in (str, int):
        return _scalar(tp, value, path, ctx)
    if tp is bool:
        if isinstance(value, bool):
            return value
        ctx.add(path, reason("wrong_type", wanted="true or false", got=_json_type(value)))
        return INVALID
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return _enum(tp, value, path, ctx)
    if hasattr(tp, "from_str"):  # written as a string in JSON, like "09:00-12:00"
        return _from_str(tp, value, path, ctx)
    short_form = getattr(tp, "SHORT_FORM", None)
    if short_form and isinstance(value, str):
        return _build_short_form(tp, short_form, value, path, ctx)
    return _build_dataclass(tp, value, path, ctx)


def _build_short_form(tp: Any, key: str, value: str, path: str, ctx: _Ctx) -> Any:
    """"801" for {"target": "801"}: built as the object, errors reported at the string."""
    first_new = len(ctx.errors)
    built = _build_dataclass(tp, {key: value}, path, ctx)
    long_path = _join(path, key)
    ctx.errors[first_new:] = [(path if f == long_path else f, r) for f, r in ctx.errors[first_new:]]
    return built


def _from_str(tp: Any, value: Any, path: str, ctx: _Ctx) -> Any:
    if not isinstance(value, str):
        ctx.add(path, reason("wrong_type", wanted="a string", got=_json_type(value)))
        return INVALID
    try:
        return tp.from_str(value)
    except BadValue as exc:
        ctx.add(path, exc.reason)
    except ValueError as exc:  # a parser that forgot its code: still refused, as text
        ctx.add(path, plain(str(exc)))
    return INVALID


def _scalar(tp: type, value: Any, path: str, ctx: _Ctx) -> Any:
    if isinstance(value, tp) and not isinstance(value, bool):
        return value
    wanted = "a string" if tp is str else "a whole number"
    ctx.add(path, reason("wrong_type", wanted=wanted, got=_json_type(value)))
    return INVALID


def _enum(tp: type[enum.Enum], value: Any, path: str, ctx: _Ctx) -> Any:
    try:
        return tp(value)
    except ValueError:
        choices = ", ".join(m.value for m in tp)
        ctx.add(path, reason("not_one_of", value=repr(value), choices=choices))
        return INVALID


def _build_list(item_tp: Any, value: Any, path: str, ctx: _Ctx) -> Any:
    if not isinstance(value, list):
        ctx.add(path, reason("wrong_type", wanted="a list", got=_json_type(value)))
        return INVALID
    return tuple(_build(item_tp, item, f"{path}[{i}]", ctx) for i, item in enumerate(value))


def _build_dataclass(tp: type, value: Any, path: str, ctx: _Ctx) -> Any:
    if not isinstance(value, dict):
        ctx.add(path, reason("wrong_type", wanted="an object", got=_json_type(value)))
        return INVALID
    hints = _hints(tp)
    for key in value:
        if key not in hints:
            ctx.add(_join(path, str(key)), _unknown_field(str(key), hints))
    kwargs = {f.name: _field(tp, f, value, _join(path, f.name), ctx) for f in fields(tp)}
    obj = tp(**kwargs)
    check = _OBJECT_CHECKS.get(tp)
    if check and not any(v is INVALID for v in kwargs.values()):
        check(obj, path, ctx)
    return obj


def _field(tp: type, f: Any, value: dict, path: str, ctx: _Ctx) -> Any:
    if f.name not in value:
        if f.default is MISSING:
            ctx.add(path, reason("missing"))
            return INVALID
        return f.default
    built = _build(_hints(tp)[f.name], value[f.name], path, ctx)
    if built is INVALID or built is None:
        return built
    item_check = _ITEM_CHECKS.get((tp, f.name))
    if item_check is not None:
        built = tuple(_run_check(item_check, item, f"{path}[{i}]", ctx)
                      for i, item in enumerate(built))
    check = _FIELD_CHECKS.get((tp, f.name))
    return built if check is None else _run_check(check, built, path, ctx)


def _run_check(check: Callable[[Any, _Ctx], Any], value: Any, path: str, ctx: _Ctx) -> Any:
    if value is INVALID:
        return value
    ctx.path = path
    try:
        return check(value, ctx)
    except _Bad as bad:
        ctx.add(path + bad.sub, bad.reason)
        return INVALID


@cache
def _hints(tp: type) -> dict[str, Any]:
    names = {f.name for f in fields(tp)}
    return {k: v for k, v in typing.get_type_hints(tp).items() if k in names}


def _unknown_field(key: str, hints: dict[str, Any]) -> Reason:
    close = difflib.get_close_matches(key, hints, n=1)
    return reason("unknown_field_suggest", suggestion=close[0]) if close \
        else reason("unknown_field")


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def _json_type(value: Any) -> str:
    names = {dict: "an object", list: "a list", str: "a string", bool: "true/false",
             int: "a number", float: "a number", type(None): "null"}
    return names.get(type(value), type(value).__name__)


# --- pass 2: field checks ---------------------------------------------------

ID_RE = re.compile(r"[A-Za-z][A-Za-z0-9_.-]{0,31}", re.ASCII)
EXTENSION_RE = re.compile(r"[0-9]{2,6}")


def _matches(pattern: re.Pattern[str] | str, code: str) -> Callable[[str, _Ctx], str]:
    """A check that `value` matches `pattern`, else the reason `code` (with `value`)."""
    reason(code, value="")  # an unknown code fails when the table is built, not later
    if isinstance(pattern, str):
        pattern = re.compile(pattern, re.ASCII)  # \d is 0-9 only: no full-width digits

    def check(value: str, ctx: _Ctx) -> str:
        if not pattern.fullmatch(value):
            raise _Bad(code, value=value)
        return value

    return check


def _text(max_len: int) -> Callable[[str, _Ctx], str]:
    def check(value: str, ctx: _Ctx) -> str:
        value = value.strip()
        if not value:
            raise _Bad("empty")
        if len(value) > max_len:
            raise _Bad("too_long", max=max_len)
        return value

    return check


def _choice(choices: tuple[str, ...]) -> Callable[[str, _Ctx], str]:
    def check(value: str, ctx: _Ctx) -> str:
        if value not in choices:
            raise _Bad("not_one_of", value=repr(value), choices=", ".join(choices))
        return value

    return check


def _within(low: int, high: int) -> Callable[[int, _Ctx], int]:
    def check(value: int, ctx: _Ctx) -> int:
        if not low <= value <= high:
            raise _Bad("out_of_range", value=value, low=low, high=high)
        return value

    return check


def _country(value: str, ctx: _Ctx) -> str:
    region = value.upper()
    if region not in phonenumbers.SUPPORTED_REGIONS:
        raise _Bad("not_country", value=value)
    ctx.country = region
    return region


def _timezone(value: str, ctx: _Ctx) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise _Bad("not_timezone", value=value) from None
    return value


def _company_name(value: str, ctx: _Ctx) -> str:
    if len(value) > 100:
        raise _Bad("too_long", max=100)
    return value.strip()


def phone_number(value: str, country: str) -> str:
    """`value` as E.164, read as a local number of `country`; BadValue (a ValueError)
    says why not."""
    try:
        parsed = phonenumbers.parse(value, country)
    except phonenumbers.NumberParseException:
        raise BadValue("not_phone", value=value) from None
    if not phonenumbers.is_valid_number(parsed):
        raise BadValue("not_valid_phone", value=value, country=country)
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def _phone(value: str, ctx: _Ctx) -> str:
    try:
        return phone_number(value, ctx.country)
    except BadValue as exc:
        raise _Bad(exc.reason) from None


def _chain_entry(value: str, ctx: _Ctx) -> str:
    return value if ID_RE.fullmatch(value) else _phone(value, ctx)


def _member_target(value: str, ctx: _Ctx) -> str:
    if EXTENSION_RE.fullmatch(value) or ID_RE.fullmatch(value):
        return value
    raise _Bad("not_member_target", value=value)


def _unique(key: Callable[[Any], Any], what: str) -> Callable[[tuple, _Ctx], tuple]:
    """A list check: an item whose `key(item)` repeats an earlier one is flagged and dropped."""

    def check(items: tuple, ctx: _Ctx) -> tuple:
        seen: dict[Any, int] = {}
        out = list(items)
        for i, item in enumerate(items):
            k = _safe_key(key, item)
            if k is INVALID or k is None:
                continue
            if k in seen:
                ctx.flag(f"[{i}]", reason("repeats", what=what, key=str(k), first=seen[k]))
                out[i] = INVALID
            else:
                seen[k] = i
        return tuple(out)

    return check


def _all(*checks: Callable[[Any, _Ctx], Any]) -> Callable[[Any, _Ctx], Any]:
    """Run several checks on one field, each on the result of the one before."""

    def check(value: Any, ctx: _Ctx) -> Any:
        for one in checks:
            value = one(value, ctx)
        return value

    return check


def _safe_key(key: Callable[[Any], Any], item: Any) -> Any:
    if item is INVALID:
        return INVALID
    k = key(item)
    return k.value if isinstance(k, enum.Enum) else k


def _weekday(day: str, ctx: _Ctx) -> str:
    if day not in s.WEEKDAYS:
        raise _Bad("not_weekday", value=day, days=list(s.WEEKDAYS))
    return day


def _days(days: tuple, ctx: _Ctx) -> tuple:
    if not days:
        raise _Bad("no_weekday")
    return _unique(lambda d: d, "weekday")(days, ctx)


def _forward_chain(chain: tuple, ctx: _Ctx) -> tuple:
    if chain and not 4 <= len(chain) <= 10:
        raise _Bad("forward_chain_length", count=len(chain))
    return _unique(lambda n: n, "number")(chain, ctx)


def _members(members: tuple, ctx: _Ctx) -> tuple:
    if not members:
        raise _Bad("no_members")
    return _unique(lambda m: m.key, "member")(members, ctx)


def _prefixes(prefixes: tuple, ctx: _Ctx) -> tuple:
    return _unique(lambda p: p, "prefix")(prefixes, ctx)


def _version(value: int, ctx: _Ctx) -> int:
    if value != s.SCHEMA_VERSION:
        raise _Bad("wrong_version", reads=s.SCHEMA_VERSION, got=value)
    return value


_FIELD_CHECKS: dict[tuple[type, str], Callable[[Any, _Ctx], Any]] = {
    (s.Config, "schema_version"): _version,
    (s.Settings, "company_name"): _company_name,
    (s.Settings, "country"): _country,
    (s.Settings, "timezone"): _timezone,
    (s.Settings, "outside_line_prefix"): _matches(r"\d{0,3}", "not_outside_prefix"),
    (s.GsmLineConfig, "name"): _matches(r"gsm\d{1,2}", "not_gsm_name"),
    (s.GsmLineConfig, "modem"): _text(64),
    (s.GsmLineConfig, "number"): _phone,
    (s.GsmLineConfig, "sim_pin"): _matches(r"\d{4,8}", "not_sim_pin"),
    (s.FxsPortConfig, "name"): _matches(r"fxs\d{1,2}", "not_fxs_name"),
    (s.Lines, "gsm"): _unique(lambda g: g.name, "line"),
    (s.Lines, "fxs"): _unique(lambda p: p.name, "port"),
    (s.FxoLineConfig, "name"): _matches(r"fxo\d{1,2}", "not_fxo_name"),
    (s.FxoLineConfig, "number"): _phone,
    (s.FxoLineConfig, "profile"): _choice(s.ANALOG_PROFILES),
    (s.FxoLineConfig, "disconnect"): _choice(s.DISCONNECT_METHODS),
    (s.Lines, "fxo"): _unique(lambda f: f.name, "line"),
    (s.Extension, "number"): _matches(EXTENSION_RE, "not_extension_number"),
    (s.Extension, "name"): _text(64),
    (s.Extension, "port"): _text(32),
    (s.Config, "extensions"): _unique(lambda e: e.number, "extension"),
    (s.Config, "bound_numbers"): _all(_unique(lambda b: b.id, "id"),
                                      _unique(lambda b: b.number, "number")),
    (s.BoundNumber, "id"): _matches(ID_RE, "not_id"),
    (s.BoundNumber, "name"): _text(64),
    (s.BoundNumber, "number"): _phone,
    (s.GroupMember, "target"): _member_target,
    (s.GroupMember, "share"): _within(1, 100),
    (s.GroupMember, "ring_time"): _within(5, 300),
    (s.GroupMember, "group"): _text(64),
    (s.RingGroup, "name"): _text(64),
    (s.RingGroup, "members"): _members,
    (s.RingGroup, "ring_time"): _within(5, 300),
    (s.RingGroup, "total_ring_time"): _within(5, 3600),
    (s.Config, "ring_groups"): _unique(lambda g: g.name, "ring group"),
    (s.DutyEntry, "days"): _days,
    (s.DutyEntry, "person"): _matches(ID_RE, "not_bound_id"),
    (s.DutyRoster, "default"): _matches(ID_RE, "not_bound_id"),
    (s.Config, "forward_chain"): _forward_chain,
    (s.Inbound, "ring_group"): _text(64),
    (s.Vip, "numbers"): _unique(lambda n: n, "number"),
    (s.Vip, "prefixes"): _prefixes,
    (s.Vip, "targets"): _unique(lambda n: n, "target"),
    (s.Vip, "ring_time"): _within(5, 300),
    (s.Designated, "caller"): _phone,
    (s.Designated, "agent"): _member_target,
    (s.Config, "designated"): _unique(lambda d: d.caller, "caller"),
    (s.Config, "returning_caller_days"): _within(0, 365),
}
# Checks of each item of a list field, run before the list's own check.
_ITEM_CHECKS: dict[tuple[type, str], Callable[[Any, _Ctx], Any]] = {
    (s.DutyEntry, "days"): _weekday,
    (s.Config, "forward_chain"): _chain_entry,
    (s.Vip, "numbers"): _phone,
    (s.Vip, "prefixes"): _matches(r"\+\d{1,14}", "not_vip_prefix"),
    (s.Vip, "targets"): _member_target,
}


# --- object checks (one dataclass whose own fields are all valid) ------------


def _ring_group(group: s.RingGroup, path: str, ctx: _Ctx) -> None:
    shares = [m.share for m in group.members if m is not INVALID]
    if INVALID in shares:  # a bad share has its own reason; no sum to check
        shares = [share for share in shares if share is not INVALID]
        if group.strategy is s.Strategy.PERCENTAGE:
            return
    if group.strategy is s.Strategy.PERCENTAGE:
        if any(share is None for share in shares):
            ctx.add(_join(path, "members"), reason("shares_needed"))
        elif sum(shares) != 100:
            ctx.add(_join(path, "members"), reason("shares_total", total=sum(shares)))
    elif any(share is not None for share in shares):
        ctx.add(_join(path, "members"), reason("shares_unused"))
    if group.total_ring_time < group.ring_time:
        ctx.add(_join(path, "total_ring_time"),
                reason("total_ring_time_short", ring_time=group.ring_time))


def _group_member(member: s.GroupMember, path: str, ctx: _Ctx) -> None:
    if (member.group is None) == (not member.target):
        ctx.add(path, reason("target_or_group"))


_OBJECT_CHECKS: dict[type, Callable[[Any, str, _Ctx], None]] = {
    s.RingGroup: _ring_group,
    s.GroupMember: _group_member,
}  # the duty roster's and the schedule's: validate_calendar.py


# --- pass 3: cross references -------------------------------------------------


def _valid(items: Any, *needed: str) -> Iterable[tuple[int, Any]]:
    """(index, item) of the items whose `needed` fields survived the earlier passes."""
    if items is INVALID:
        return []
    return [(i, item) for i, item in enumerate(items)
            if item is not INVALID and all(getattr(item, n) is not INVALID for n in needed)]


def _part(config: s.Config, section: str, name: str) -> Any:
    """config.<section>.<name>, or INVALID when the section itself is."""
    part = getattr(config, section)
    return INVALID if part is INVALID else getattr(part, name)


def _cross_check(config: s.Config, ctx: _Ctx) -> None:
    _check_extensions(config, ctx)
    refs = _References(config)
    for i, group in _valid(config.ring_groups, "members"):
        for j, member in _valid(group.members, "target", "group"):
            path = f"ring_groups[{i}].members[{j}]"
            if member.group is None:
                refs.member(member.target, path, ctx)
            elif refs.groups is not None and member.group not in refs.groups:
                ctx.add(f"{path}.group", reason("unknown_ring_group", name=member.group))
    _check_group_cycles(config, ctx)
    for i, target in _valid(_part(config, "vip", "targets")):
        refs.member(target, f"vip.targets[{i}]", ctx)
    for i, entry in _valid(config.designated, "agent"):
        refs.member(entry.agent, f"designated[{i}].agent", ctx)
    for i, entry in _valid(_part(config, "duty_roster", "entries"), "person"):
        refs.bound(entry.person, f"duty_roster.entries[{i}].person", ctx)
    default = _part(config, "duty_roster", "default")
    if default not in (None, INVALID):
        refs.bound(default, "duty_roster.default", ctx)
    holiday = _part(config, "duty_roster", "holiday")
    if holiday not in (None, INVALID):
        refs.bound(holiday, "duty_roster.holiday", ctx)
    for i, entry in _valid(config.forward_chain):
        if ID_RE.fullmatch(entry):
            refs.bound(entry, f"forward_chain[{i}]", ctx)
    wanted = _part(config, "inbound", "ring_group")
    groups = {wanted} if refs.groups is None else refs.groups  # None: ring_groups refused
    if wanted not in (None, INVALID) and wanted not in groups:
        ctx.add("inbound.ring_group", reason("unknown_ring_group", name=wanted))
    validate_rules.cross_check(config, refs, ctx)
    validate_voicemail.cross_check(config, ctx)
    validate_feature_codes.cross_check(config, ctx)
    validate_recording.cross_check(config, ctx)


def _check_group_cycles(config: s.Config, ctx: _Ctx) -> None:
    """A group that contains itself, directly or through other groups, would never end."""
    inner: dict[str, list[str]] = {}
    for _, group in _valid(config.ring_groups, "name", "members"):
        inner[group.name] = [m.group for _, m in _valid(group.members, "group")
                             if m.group is not None]
    for i, group in _valid(config.ring_groups, "name", "members"):
        path = _group_path(group.name, inner, (group.name,))
        if path is not None:
            ctx.add(f"ring_groups[{i}].members",
                    reason("group_contains_itself", path=" > ".join(path)))


def _group_path(start: str, inner: dict[str, list[str]], path: tuple[str, ...]
                ) -> tuple[str, ...] | None:
    """A path of groups from `path[-1]` back to `start`, if one exists."""
    for name in inner.get(path[-1], []):
        if name == start:
            return (*path, name)
        if name not in path:
            found = _group_path(start, inner, (*path, name))
            if found is not None:
                return found
    return None


def _check_extensions(config: s.Config, ctx: _Ctx) -> None:
    ports = {p.name for _, p in _valid(_part(config, "lines", "fxs"), "name")}
    prefix = _part(config, "settings", "outside_line_prefix")
    used: dict[str, str] = {}
    for i, ext in _valid(config.extensions, "number", "port"):
        path = f"extensions[{i}]"
        if ext.port not in ports:
            ctx.add(f"{path}.port", reason("no_fxs_port", port=ext.port, known=sorted(ports)))
        elif ext.port in used:
            ctx.add(f"{path}.port",
                    reason("port_taken", port=ext.port, extension=used[ext.port]))
        used.setdefault(ext.port, ext.number)
        if prefix not in ("", INVALID) and ext.number.startswith(prefix):
            ctx.add(f"{path}.number", reason("starts_with_outside_prefix", prefix=prefix))


class _References:
    """The names a config defines, for checking the names it uses.

    A whole section that is broken (say, not a list) makes every reference to
    it unknown; those are not reported again, the section's own error says it.
    """

    def __init__(self, config: s.Config):
        self.extensions = _names(config.extensions, "number")
        self.bound_ids = _names(config.bound_numbers, "id")
        self.groups = _names(config.ring_groups, "name")

    def bound(self, ident: str, path: str, ctx: _Ctx) -> None:
        if self.bound_ids is not None and ident not in self.bound_ids:
            ctx.add(path, reason("unknown_bound_number", name=ident))

    def member(self, target: str, path: str, ctx: _Ctx) -> None:
        if not is_digits(target):
            self.bound(target, path, ctx)
        elif self.extensions is not None and target not in self.extensions:
            ctx.add(path, reason("unknown_extension", name=target))


def _names(items: Any, attr: str) -> set[str] | None:
    if items is INVALID:
        return None
    return {getattr(item, attr) for _, item in _valid(items, attr)}


# The notifications section (issue 12): its checks beside its schema (schema_notify.py).
from firmware.config import validate_notify  # noqa: E402

_FIELD_CHECKS.update(validate_notify.FIELD_CHECKS)
_ITEM_CHECKS.update(validate_notify.ITEM_CHECKS)
_OBJECT_CHECKS.update(validate_notify.OBJECT_CHECKS)

# The version-2 sections' checks (rules.py) live in their own module.
from firmware.config import validate_rules  # noqa: E402

_FIELD_CHECKS.update(validate_rules.FIELD_CHECKS)
_ITEM_CHECKS.update(validate_rules.ITEM_CHECKS)
_OBJECT_CHECKS.update(validate_rules.OBJECT_CHECKS)

# The company's own calendar (schema.CompanyCalendar) has its checks beside it too.
from firmware.config import validate_calendar  # noqa: E402

_FIELD_CHECKS.update(validate_calendar.FIELD_CHECKS)
_OBJECT_CHECKS.update(validate_calendar.OBJECT_CHECKS)
# The prompts section (schema PromptsConfig) likewise.
from firmware.config import validate_prompts  # noqa: E402

_FIELD_CHECKS.update(validate_prompts.FIELD_CHECKS)
# The voicemail parts (voicemail_schema.py) likewise.
from firmware.config import validate_voicemail  # noqa: E402

_FIELD_CHECKS.update(validate_voicemail.FIELD_CHECKS)
# The feature codes (feature_codes_schema.py) likewise.
from firmware.config import validate_feature_codes  # noqa: E402

_FIELD_CHECKS.update(validate_feature_codes.FIELD_CHECKS)
# The recording section (recording_schema.py) likewise.
from firmware.config import validate_recording  # noqa: E402

_FIELD_CHECKS.update(validate_recording.FIELD_CHECKS)
_ITEM_CHECKS.update(validate_recording.ITEM_CHECKS)
# The transfer section (transfer_schema.py) likewise.
from firmware.config import validate_transfer  # noqa: E402

_FIELD_CHECKS.update(validate_transfer.FIELD_CHECKS)
