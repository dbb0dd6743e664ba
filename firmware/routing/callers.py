"""Who is calling (R9, G6): the caller's number and region, and whether a rule's
`CallerMatch` fits them.

`caller_info(config, caller)` reads the caller ID with phonenumbers' offline data
(firmware/region.py): E.164 form, province, city, landline area code, the mobile's
original carrier ("+86 135 8888 8888" -> 浙江省杭州市, 中国移动). `match_caller`
checks a rule against it: every list the rule fills must match one of its items
(numbers exact or by prefix, provinces, cities, area codes, carriers in Chinese or
English), and `withheld` picks callers without (or with) a number. Pure code.
"""

from __future__ import annotations

from dataclasses import dataclass

from firmware.config.rules import CallerMatch
from firmware.config.schema import Config
from firmware.region import WITHHELD, Region, describe


@dataclass(frozen=True)
class CallerInfo:
    number: str | None  # as the line gave it; None: withheld
    region: Region

    @property
    def withheld(self) -> bool:
        return self.region.kind == "withheld"

    @property
    def e164(self) -> str:
        return self.region.e164

    @property
    def key(self) -> str | None:
        """The caller as every match compares it (firmware.region.caller_number): E.164
        when the number reads as one, else as the line gave it; None when withheld."""
        if self.withheld or not self.number:
            return None
        return self.e164 or self.number.strip()

    def describe(self) -> str:
        if self.withheld:
            return "a withheld number"
        r = self.region
        where = " ".join(p for p in (r.region_text, r.carrier) if p) or "region unknown"
        return f"{self.e164 or self.number} ({where})"


def caller_info(config: Config, caller: str | None, region: Region | None = None) -> CallerInfo:
    """What routing knows about `caller`; `region` if the calls layer already looked it up."""
    if region is None:
        region = describe(caller, config.settings.country) if caller else WITHHELD
    return CallerInfo(caller, region)


def number_matches(patterns: tuple[str, ...], e164: str) -> str | None:
    """The first pattern (E.164, or a prefix ending in "*") that `e164` matches."""
    if not e164:
        return None
    for pattern in patterns:
        if (pattern.endswith("*") and e164.startswith(pattern[:-1])) or pattern == e164:
            return pattern
    return None


def _city(text: str) -> str:
    return text.strip().removesuffix("市")


def match_caller(match: CallerMatch, info: CallerInfo) -> tuple[bool, str]:
    """(matches, why) for one rule's caller part; the why names the deciding field.

    Written as plain checks, one after the other: a box with a thousand routes runs
    this a thousand times per call."""
    if match.withheld is not None and match.withheld != info.withheld:
        return False, "caller is withheld" if info.withheld else "caller has a number"
    r = info.region
    said: list[str] = []
    if match.numbers:
        hit = number_matches(match.numbers, r.e164)
        if hit is None:
            return False, _miss("number", r.e164, match.numbers)
        said.append(f"number {hit}")
    if match.provinces:
        if r.province not in match.provinces:
            return False, _miss("province", r.province, match.provinces)
        said.append(f"province {r.province}")
    if match.cities:
        city = _city_in(r.city, match.cities)
        if city is None:
            return False, _miss("city", r.city, match.cities)
        said.append(f"city {city}")
    if match.area_codes:
        if not r.area_code or r.area_code not in match.area_codes:
            return False, _miss("area code", r.area_code, match.area_codes)
        said.append(f"area code {r.area_code}")
    if match.carriers:
        if not _carrier_in(r, match.carriers):
            return False, _miss("carrier", r.carrier, match.carriers)
        said.append(f"carrier {r.carrier}")
    if match.withheld is True:
        said.append("withheld")
    return True, ", ".join(said) or "any caller"


def _miss(what: str, value: str, wanted: tuple[str, ...]) -> str:
    return f"{what} {value or '(unknown)'} is not {' / '.join(wanted)}"


def _city_in(city: str, wanted: tuple[str, ...]) -> str | None:
    """The caller's city if it is one of `wanted`. An area code that several cities
    share reads "成都市、资阳市、眉山市": each of them counts."""
    names = {_city(c) for c in wanted}
    return next((c for c in city.split("、") if _city(c) and _city(c) in names), None)


def _carrier_in(region: Region, carriers: tuple[str, ...]) -> bool:
    names = {region.carrier.casefold(), region.carrier_en.casefold()} - {""}
    return any(c.casefold() in names for c in carriers)
