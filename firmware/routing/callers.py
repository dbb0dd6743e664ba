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
    """(matches, why) for one rule's caller part; the why names the deciding field."""
    if match.withheld is not None and match.withheld != info.withheld:
        return False, "caller is withheld" if info.withheld else "caller has a number"
    r = info.region
    checks = (
        ("number", match.numbers, lambda: number_matches(match.numbers, r.e164)),
        ("province", match.provinces, lambda: r.province if r.province in match.provinces
         else None),
        ("city", match.cities, lambda: _city_in(r.city, match.cities)),
        ("area code", match.area_codes, lambda: r.area_code if r.area_code and r.area_code in
         match.area_codes else None),
        ("carrier", match.carriers, lambda: r.carrier if _carrier_in(r, match.carriers)
         else None),
    )
    said: list[str] = []
    for what, wanted, found in checks:
        if not wanted:
            continue
        hit = found()
        if hit is None:
            return False, f"{what} {_of(info, what)} is not {' / '.join(wanted)}"
        said.append(f"{what} {hit}")
    if match.withheld is True:
        said.append("withheld")
    return True, ", ".join(said) or "any caller"


def _city_in(city: str, wanted: tuple[str, ...]) -> str | None:
    """The caller's city if it is one of `wanted`. An area code that several cities
    share reads "成都市、资阳市、眉山市": each of them counts."""
    names = {_city(c) for c in wanted}
    return next((c for c in city.split("、") if _city(c) and _city(c) in names), None)


def _carrier_in(region: Region, carriers: tuple[str, ...]) -> bool:
    names = {region.carrier.casefold(), region.carrier_en.casefold()} - {""}
    return any(c.casefold() in names for c in carriers)


def _of(info: CallerInfo, what: str) -> str:
    r = info.region
    value = {"number": r.e164, "province": r.province, "city": r.city,
             "area code": r.area_code, "carrier": r.carrier}[what]
    return value or "(unknown)"
