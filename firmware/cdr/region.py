"""Where a phone number is from: region text, province, city, carrier, number kind.

`describe(number, country)` reads a number as it arrives from a line (GSM +CLIP,
FXO caller ID, SIP From) with phonenumbers' offline data (geocoder and carrier,
Chinese locale), so nothing goes to the network. National formats are read in
`country` (the box's `settings.country`): a leading trunk 0 ("02161234567") or
an 11-digit mobile ("13588888888").

Call records store the result once per call (firmware/cdr/store.py); routing by
region (R9) and missed-call notices (Q6) can call it the same way. A withheld,
unknown or garbage number gives an empty `Region` (kind says which), never an
exception: a caller ID is data from outside the box.

Province and city are split out of phonenumbers' text with a table of China's
province-level divisions, because its data is not uniform ("浙江省杭州市" but
"内蒙古呼和浩特市", "西藏拉萨市"). Province names are given in their full form
("内蒙古自治区"); the four municipalities are their own province and city.
Numbers of other countries keep the country name as region text (e.g. "美国")
with empty province and city.

Loading phonenumbers' geocoder takes ~0.4 s here (seconds on a Pi), and each
country's data loads on its first lookup (~45 ms for China). `preload()` does
that up front; the box calls it at start (a writable CdrStore does), so no call
waits for it on the event loop. A process that never looks a number up (the
`records` CLI) never pays for it.
"""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass
from types import ModuleType

import phonenumbers
from phonenumbers import PhoneNumberType

log = logging.getLogger(__name__)

LOCALE = "zh"

# Caller-ID words for "no number" (the GSM driver gives None; FXO caller ID
# gives "P"/"O"; SIP gives "anonymous").
WITHHELD_WORDS = frozenset({"", "anonymous", "private", "restricted", "withheld",
                            "unknown", "unavailable", "p", "o"})

_KIND_OF_TYPE = {
    PhoneNumberType.MOBILE: "mobile",
    PhoneNumberType.FIXED_LINE: "landline",
    PhoneNumberType.FIXED_LINE_OR_MOBILE: "landline_or_mobile",
    PhoneNumberType.TOLL_FREE: "toll_free",
    PhoneNumberType.PREMIUM_RATE: "premium",
    PhoneNumberType.SHARED_COST: "shared_cost",
    PhoneNumberType.VOIP: "voip",
    PhoneNumberType.PERSONAL_NUMBER: "personal",
    PhoneNumberType.PAGER: "pager",
    PhoneNumberType.UAN: "uan",
    PhoneNumberType.VOICEMAIL: "voicemail",
}

# Every kind `describe` can give, for docs and checks.
KINDS = frozenset(_KIND_OF_TYPE.values()) | {"short", "extension", "withheld", "unknown"}

MUNICIPALITIES = ("北京市", "天津市", "上海市", "重庆市")

# Full name of each province-level division, with the short forms phonenumbers uses.
_PROVINCES: dict[str, tuple[str, ...]] = {
    "河北省": ("河北",), "山西省": ("山西",), "辽宁省": ("辽宁",), "吉林省": ("吉林",),
    "黑龙江省": ("黑龙江",), "江苏省": ("江苏",), "浙江省": ("浙江",), "安徽省": ("安徽",),
    "福建省": ("福建",), "江西省": ("江西",), "山东省": ("山东",), "河南省": ("河南",),
    "湖北省": ("湖北",), "湖南省": ("湖南",), "广东省": ("广东",), "海南省": ("海南",),
    "四川省": ("四川",), "贵州省": ("贵州",), "云南省": ("云南",), "陕西省": ("陕西",),
    "甘肃省": ("甘肃",), "青海省": ("青海",), "台湾省": ("台湾",),
    "内蒙古自治区": ("内蒙古",), "广西壮族自治区": ("广西", "广西自治区"),
    "西藏自治区": ("西藏",), "宁夏回族自治区": ("宁夏", "宁夏自治区"),
    "新疆维吾尔自治区": ("新疆", "新疆自治区"),
}

# (prefix, full name), longest prefix first so "广西壮族自治区" wins over "广西".
_PREFIXES = sorted(
    [(full, full) for full in _PROVINCES]
    + [(short, full) for full, shorts in _PROVINCES.items() for short in shorts],
    key=lambda pair: -len(pair[0]),
)


@dataclass(frozen=True)
class Region:
    """What a number says about its owner. Empty strings where nothing is known.

    e164: "+8613588888888" ("" when the number cannot be read or is too short);
    region_text: phonenumbers' Chinese description ("浙江省杭州市", "上海市", "美国");
    province / city: split out for China ("浙江省", "杭州市");
    carrier: original carrier of a mobile ("中国移动"); number portability
    means the caller may have moved since;
    kind: mobile, landline, toll_free, shared_cost (400 numbers), short (110,
    95588), extension, withheld, unknown, ... (see KINDS);
    country: ISO region of the number ("CN", "US"), "" when unknown.
    """

    e164: str = ""
    region_text: str = ""
    province: str = ""
    city: str = ""
    carrier: str = ""
    kind: str = "unknown"
    country: str = ""


WITHHELD = Region(kind="withheld")
UNKNOWN = Region(kind="unknown")
EXTENSION = Region(kind="extension")  # an internal party: one of ours, nothing to look up


@functools.cache
def _lookups() -> tuple[ModuleType, ModuleType, ModuleType]:
    from phonenumbers import carrier, geocoder, shortnumberinfo

    return geocoder, carrier, shortnumberinfo


def preload(country: str = "CN") -> None:
    """Load the geocoder and carrier data, and `country`'s part of it, now."""
    _lookups()
    example = phonenumbers.example_number_for_type(country.upper(), PhoneNumberType.MOBILE)
    if example is not None:
        describe(phonenumbers.format_number(example, phonenumbers.PhoneNumberFormat.E164))


def describe(number: str | None, country: str = "CN") -> Region:
    """The region of `number`, reading national formats in `country`. Never raises."""
    text = (number or "").strip()
    if text.lower() in WITHHELD_WORDS:
        return WITHHELD
    try:
        parsed = phonenumbers.parse(text, country.upper() or None)
    except phonenumbers.NumberParseException:
        return UNKNOWN
    try:
        return _describe_parsed(parsed)
    except Exception:  # bad metadata must never cost a call record
        log.exception("cannot describe number %r", text)
        return UNKNOWN


def _describe_parsed(parsed: phonenumbers.PhoneNumber) -> Region:
    geocoder, carrier, shortnumberinfo = _lookups()
    if shortnumberinfo.is_valid_short_number(parsed):
        return Region(kind="short", country=phonenumbers.region_code_for_number(parsed) or "")
    if not phonenumbers.is_possible_number(parsed):
        return UNKNOWN
    e164 = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
    country = phonenumbers.region_code_for_number(parsed) or ""
    if not phonenumbers.is_valid_number(parsed):
        return Region(e164=e164, kind="unknown", country=country)
    text = geocoder.description_for_number(parsed, LOCALE)
    province, city = split_region(text) if country == "CN" else ("", "")
    return Region(
        e164=e164,
        region_text=text,
        province=province,
        city=city,
        carrier=carrier.name_for_number(parsed, LOCALE),
        kind=_KIND_OF_TYPE.get(phonenumbers.number_type(parsed), "unknown"),
        country=country,
    )


def split_region(text: str) -> tuple[str, str]:
    """("浙江省", "杭州市") from "浙江省杭州市"; ("上海市", "上海市") from "上海市".

    Text that names no province ("中国") gives ("", "").
    """
    for name in MUNICIPALITIES:
        if text.startswith(name):
            return name, name
    for prefix, full in _PREFIXES:
        if text.startswith(prefix):
            return full, text[len(prefix):]
    return "", ""
