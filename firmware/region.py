"""Where a phone number is from: region text, province, city, carrier, number kind.

`describe(number, country)` reads a number as it arrives from a line (GSM +CLIP,
FXO caller ID, SIP From) with phonenumbers' offline data (its parser, and its
geocoder's and carrier's names through the compact copy in firmware/regiontable.py:
the full geocoder is 100 MiB), so nothing goes to the network. National formats
are read in `country` (the box's `settings.country`): a leading trunk 0 ("02161234567") or
an 11-digit mobile ("13588888888").

Call records store the result once per call (firmware/cdr/store.py); routing by
region (R9, firmware/routing/callers.py) and missed-call notices (Q6) call it the
same way. It is pure (phonenumbers' data ships inside the package), so routing may
use it; it lives here, outside `cdr`, for that reason. A withheld,
unknown or garbage number gives an empty `Region` (kind says which), never an
exception: a caller ID is data from outside the box.

Province and city are split out of phonenumbers' text with a table of China's
province-level divisions, because its data is not uniform ("浙江省杭州市" but
"内蒙古呼和浩特市", "西藏拉萨市"). Province names are given in their full form
("内蒙古自治区"); the four municipalities are their own province and city.
Numbers of other countries keep the country name as region text (e.g. "美国")
with empty province and city.

Loading phonenumbers and the table takes ~50 ms here (more on a Pi), and each
country's metadata loads on its first lookup. `preload()` does that up front;
the box calls it at start (a writable CdrStore does), so no call waits for it
on the event loop. A process that never looks a number up (the `records` CLI)
never pays for it.
"""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass
from types import ModuleType
from typing import TYPE_CHECKING

from firmware import regiontable

if TYPE_CHECKING:
    from phonenumbers import PhoneNumber

log = logging.getLogger(__name__)

LOCALE = "zh"

# Caller-ID words for "no number" (the GSM driver gives None; FXO caller ID
# gives "P"/"O"; SIP gives "anonymous").
WITHHELD_WORDS = frozenset({"", "anonymous", "private", "restricted", "withheld",
                            "unknown", "unavailable", "p", "o"})

# phonenumbers' PhoneNumberType names -> our words
_KIND_OF_TYPE = {
    "MOBILE": "mobile",
    "FIXED_LINE": "landline",
    "FIXED_LINE_OR_MOBILE": "landline_or_mobile",
    "TOLL_FREE": "toll_free",
    "PREMIUM_RATE": "premium",
    "SHARED_COST": "shared_cost",
    "VOIP": "voip",
    "PERSONAL_NUMBER": "personal",
    "PAGER": "pager",
    "UAN": "uan",
    "VOICEMAIL": "voicemail",
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
    area_code: str = ""  # a landline's area code without the trunk 0 ("571", "21")
    carrier_en: str = ""  # the carrier in English ("China Mobile"), for rules written so


WITHHELD = Region(kind="withheld")
UNKNOWN = Region(kind="unknown")
EXTENSION = Region(kind="extension")  # an internal party: one of ours, nothing to look up


@functools.cache
def _phonenumbers() -> ModuleType:
    """phonenumbers' core with its short-number data, and our place/carrier table."""
    import phonenumbers
    import phonenumbers.shortnumberinfo  # used as attributes of phonenumbers

    regiontable.table()
    return phonenumbers


@functools.cache
def _kinds() -> dict[int, str]:
    types = _phonenumbers().PhoneNumberType
    return {getattr(types, name): kind for name, kind in _KIND_OF_TYPE.items()}


def preload(country: str = "CN") -> None:
    """Load the geocoder and carrier data, and `country`'s part of it, now."""
    pn = _phonenumbers()
    example = pn.example_number_for_type(country.upper(), pn.PhoneNumberType.MOBILE)
    if example is not None:
        describe(pn.format_number(example, pn.PhoneNumberFormat.E164))


def describe(number: str | None, country: str = "CN") -> Region:
    """The region of `number`, reading national formats in `country`. Never raises."""
    text = (number or "").strip()
    if text.lower() in WITHHELD_WORDS:
        return WITHHELD
    pn = _phonenumbers()
    try:
        parsed = pn.parse(text, country.upper() or None)
    except pn.NumberParseException:
        return UNKNOWN
    try:
        return _describe_parsed(pn, parsed)
    except Exception:  # bad metadata must never cost a call record
        log.exception("cannot describe number %r", text)
        return UNKNOWN


def caller_number(number: str | None, country: str = "CN") -> str | None:
    """The one form every caller match uses (VIP, designated agent, returning caller,
    blocking, routes): E.164 when the number reads as one in `country` ("13911112222",
    "013911112222", "8613911112222" and "+86 139 1111 2222" are all "+8613911112222"),
    else the number as the line gave it, stripped (a short number like 10086);
    None when withheld."""
    text = (number or "").strip()
    if text.lower() in WITHHELD_WORDS:
        return None
    return describe(text, country).e164 or text


def _describe_parsed(pn: ModuleType, parsed: PhoneNumber) -> Region:
    country = pn.region_code_for_number(parsed) or ""
    if pn.shortnumberinfo.is_valid_short_number(parsed):
        return Region(kind="short", country=country)
    if not pn.is_possible_number(parsed):
        return UNKNOWN
    e164 = pn.format_number(parsed, pn.PhoneNumberFormat.E164)
    if not pn.is_valid_number(parsed):
        return Region(e164=e164, kind="unknown", country=country)
    ntype = pn.number_type(parsed)
    text = regiontable.place_name(parsed, LOCALE, ntype)
    province, city = split_region(text) if country == "CN" else ("", "")
    national = pn.national_significant_number(parsed)
    area = pn.length_of_geographical_area_code(parsed)
    return Region(
        e164=e164,
        region_text=text,
        province=province,
        city=city,
        carrier=regiontable.carrier_name(parsed, LOCALE, ntype),
        kind=_kinds().get(ntype, "unknown"),
        country=country,
        area_code=national[:area] if area else "",
        carrier_en=regiontable.carrier_name(parsed, "en", ntype),
    )


def province_name(text: str) -> str | None:
    """The full name of a province-level division from its full or short form
    ("浙江" -> "浙江省", "上海" -> "上海市"); None when `text` names none."""
    text = text.strip()
    for name in MUNICIPALITIES:
        if text in (name, name[:-1]):
            return name
    return next((full for prefix, full in _PREFIXES if text == prefix), None)


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
