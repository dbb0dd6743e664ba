"""Routes and number lists indexed by what a caller can be, once per config.

A box may hold a thousand routes and a thousand-number blacklist. Trying every route
on every call (and writing down why each one missed, for `route explain`) took most
of a decision's time. A route can only match a caller its caller part fits, so each
route is filed under one field it names (the most telling one: numbers, area codes,
provinces, cities, carriers, withheld), and a call looks up only the routes filed
under the caller's own values, plus the routes with no caller part. Those candidates
are tried in their configured order with the full match (line, caller, time rules),
so the first matching route is the one the plain walk finds: tests compare the two
on random configs and callers. `route explain` still walks every route and says why
each missed (plan_inbound(explain=True)).

Number lists (blacklist, whitelist, a route's numbers) become a set of exact numbers
and a set of prefixes; a caller's number is looked up by its own prefixes (at most
16), not by walking the list.

Pure code: built from a `Config`, which never changes once loaded (a new config is a
new object and gets its own index).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from firmware.config.rules import CallerMatch, Route
from firmware.config.schema import Config
from firmware.region import Region


def city_key(text: str) -> str:
    return text.strip().removesuffix("市")


@dataclass(frozen=True)
class NumberSet:
    """Numbers (E.164) and prefixes ("+86135*"), for "which one does this number match"."""

    exact: dict[str, str]  # e164 -> the pattern as written
    prefixes: dict[str, str]  # prefix without "*" -> the pattern
    lengths: tuple[int, ...]  # prefix lengths present, longest first
    order: dict[str, int]  # pattern -> its place in the list

    @classmethod
    def of(cls, patterns: tuple[str, ...]) -> NumberSet:
        exact, prefixes = {}, {}
        for p in patterns:
            if p.endswith("*"):
                prefixes.setdefault(p[:-1], p)
            else:
                exact.setdefault(p, p)
        lengths = tuple(sorted({len(p) for p in prefixes}, reverse=True))
        return cls(exact, prefixes, lengths, {p: i for i, p in enumerate(patterns)})

    def first_match(self, e164: str) -> str | None:
        """The first pattern in list order that `e164` matches (as callers.number_matches)."""
        if not e164:
            return None
        hits = [self.exact[e164]] if e164 in self.exact else []
        hits += [self.prefixes[e164[:n]] for n in self.lengths
                 if n <= len(e164) and e164[:n] in self.prefixes]
        return min(hits, key=self.order.__getitem__) if hits else None


@dataclass
class RouteIndex:
    always: list[int] = field(default_factory=list)  # routes with no caller part
    numbers: dict[str, list[int]] = field(default_factory=dict)
    prefixes: dict[str, list[int]] = field(default_factory=dict)
    prefix_lengths: tuple[int, ...] = ()
    area_codes: dict[str, list[int]] = field(default_factory=dict)
    provinces: dict[str, list[int]] = field(default_factory=dict)
    cities: dict[str, list[int]] = field(default_factory=dict)
    carriers: dict[str, list[int]] = field(default_factory=dict)
    withheld: dict[bool, list[int]] = field(default_factory=dict)

    def file(self, i: int, match: CallerMatch) -> None:
        """File route `i` under the one field of its caller part that narrows most."""
        if match.empty:
            self.always.append(i)
        elif match.withheld is True:  # nothing else may be set with it
            self.withheld.setdefault(True, []).append(i)
        elif match.numbers:
            for p in match.numbers:
                table = self.prefixes if p.endswith("*") else self.numbers
                table.setdefault(p.removesuffix("*"), []).append(i)
        elif match.area_codes:
            for code in match.area_codes:
                self.area_codes.setdefault(code, []).append(i)
        elif match.provinces:
            for name in match.provinces:
                self.provinces.setdefault(name, []).append(i)
        elif match.cities:
            for name in match.cities:
                self.cities.setdefault(city_key(name), []).append(i)
        elif match.carriers:
            for name in match.carriers:
                self.carriers.setdefault(name.casefold(), []).append(i)
        else:  # only withheld=False: every caller with a number
            self.withheld.setdefault(False, []).append(i)

    def candidates(self, region: Region) -> list[int]:
        """The routes that may match a caller of `region`, in configured order."""
        if region.kind == "withheld":
            found = set(self.always) | set(self.withheld.get(True, ()))
            return sorted(found)
        found = set(self.always)
        found.update(self.withheld.get(False, ()))
        e164 = region.e164
        if e164:
            found.update(self.numbers.get(e164, ()))
            for n in self.prefix_lengths:
                found.update(self.prefixes.get(e164[:n], ()))
        if region.area_code:
            found.update(self.area_codes.get(region.area_code, ()))
        if region.province:
            found.update(self.provinces.get(region.province, ()))
        for city in region.city.split("、") if region.city else ():
            found.update(self.cities.get(city_key(city), ()))
        for carrier in (region.carrier, region.carrier_en):
            if carrier:
                found.update(self.carriers.get(carrier.casefold(), ()))
        return sorted(found)


@dataclass(frozen=True)
class RoutingIndex:
    routes: RouteIndex
    blacklist: NumberSet
    whitelist: NumberSet


def build(config: Config) -> RoutingIndex:
    routes = RouteIndex()
    for i, route in enumerate(config.routes):
        routes.file(i, route.callers)
    routes.prefix_lengths = tuple(sorted({len(p) for p in routes.prefixes}, reverse=True))
    return RoutingIndex(routes, NumberSet.of(config.blocking.blacklist),
                        NumberSet.of(config.blocking.whitelist))


_lock = threading.Lock()
_cache: list[tuple[Config, RoutingIndex]] = []  # the last few configs, newest last
_CACHE_SIZE = 2


def index_for(config: Config) -> RoutingIndex:
    """The index of `config` (by identity: a loaded config never changes), built once."""
    with _lock:
        for known, index in _cache:
            if known is config:
                return index
    index = build(config)
    with _lock:
        _cache.append((config, index))
        del _cache[:-_CACHE_SIZE]
    return index


def candidate_routes(config: Config, region: Region) -> list[Route]:
    return [config.routes[i] for i in index_for(config).routes.candidates(region)]
