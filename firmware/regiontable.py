"""A compact copy of phonenumbers' place and carrier names, for the box.

phonenumbers' geocoder holds every country in every language: importing it costs
about 100 MiB, two thirds of what the box used to hold. The box asks for little of
it: a caller's place in Chinese (every country: only China, Taiwan and a few
Korean prefixes have Chinese names), the carrier in Chinese and English, the
country's name in both, and English place names for the configured countries.

`firmware/data/regions.bin` holds exactly that, made from phonenumbers' own data by
`scripts/make_region_table.py` (run it after a phonenumbers upgrade; a test fails
until then). The lookups here repeat phonenumbers' rules (longest prefix first, no
English fallback for Chinese, the country's name where no place is known), so a
number gets the same words as from phonenumbers itself; tests compare every
Chinese prefix. Only the small core of phonenumbers (parsing, number types) is
imported here.

The file: a line `switchboard-regions 1`, a line with the JSON header's length, the
JSON header (texts, country names, and where each block of prefixes lies), then the
blocks: zlib-compressed arrays. Each block is one (table, language, prefix length):
sorted prefixes as unsigned integers and, beside them, indexes into the texts.
"""

from __future__ import annotations

import array
import bisect
import functools
import json
import zlib
from dataclasses import dataclass
from pathlib import Path

import phonenumbers
from phonenumbers import PhoneNumber, PhoneNumberFormat, PhoneNumberType

MAGIC = b"switchboard-regions 1\n"
DEFAULT_PATH = Path(__file__).with_name("data") / "regions.bin"
TABLES = ("geo", "carrier")


@dataclass(frozen=True)
class _Block:
    prefixes: array.array  # sorted, all of one length
    texts: array.array  # index into RegionTable.texts, beside each prefix


class RegionTable:
    """Prefix -> text for each (table, language), and region names."""

    def __init__(self, header: dict, blocks: dict[tuple[str, str], list[tuple[int, _Block]]]):
        self.phonenumbers_version: str = header["phonenumbers"]
        self.texts: list[str] = header["texts"]
        self.names: dict[str, dict[str, str]] = header["names"]
        self.geo_en_countries: frozenset[str] = frozenset(header["geo_en"])
        self._blocks = blocks  # (table, lang) -> [(length, block)], longest first

    def lookup(self, table: str, lang: str, digits: str) -> str | None:
        """The text of the longest prefix of `digits` (E.164 without '+')."""
        for length, block in self._blocks.get((table, lang), ()):
            if len(digits) < length:
                continue
            key = int(digits[:length])
            i = bisect.bisect_left(block.prefixes, key)
            if i < len(block.prefixes) and block.prefixes[i] == key:
                return self.texts[block.texts[i]]
        return None

    def region_name(self, region: str, lang: str) -> str:
        return self.names.get(region, {}).get(lang, "")


def load(path: Path = DEFAULT_PATH) -> RegionTable:
    data = Path(path).read_bytes()
    if not data.startswith(MAGIC):
        raise ValueError(f"{path}: not a region table")
    rest = data[len(MAGIC):]
    size_line, rest = rest.split(b"\n", 1)
    size = int(size_line)
    header = json.loads(rest[:size])
    body = rest[size:]
    blocks: dict[tuple[str, str], list[tuple[int, _Block]]] = {}
    for entry in header["blocks"]:
        raw = zlib.decompress(body[entry["offset"]:entry["offset"] + entry["size"]])
        prefixes = array.array(entry["type"])
        prefixes.frombytes(raw[:entry["count"] * prefixes.itemsize])
        texts = array.array("H")
        texts.frombytes(raw[entry["count"] * prefixes.itemsize:])
        key = (entry["table"], entry["lang"])
        blocks.setdefault(key, []).append((entry["length"], _Block(prefixes, texts)))
    for lengths in blocks.values():
        lengths.sort(key=lambda pair: -pair[0])
    return RegionTable(header, blocks)


@functools.cache
def table() -> RegionTable:
    """The box's table, loaded once (a few ms)."""
    return load()


# ---- phonenumbers' rules, over the table -------------------------------------------

_MOBILE_KINDS = (PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE,
                 PhoneNumberType.PAGER)


def place_name(numobj: PhoneNumber, lang: str, ntype: int | None = None) -> str:
    """As phonenumbers.geocoder.description_for_number(numobj, lang)."""
    ntype = phonenumbers.number_type(numobj) if ntype is None else ntype
    if ntype == PhoneNumberType.UNKNOWN:
        return ""
    if not phonenumbers.is_number_type_geographical(ntype, numobj.country_code):
        return country_name(numobj, lang)
    target = numobj
    token = phonenumbers.country_mobile_token(numobj.country_code)
    national = phonenumbers.national_significant_number(numobj)
    if token and national.startswith(token):
        region = phonenumbers.region_code_for_country_code(numobj.country_code)
        try:
            target = phonenumbers.parse(national[len(token):], region)
        except phonenumbers.NumberParseException:
            target = numobj
    found = _prefix_text("geo", lang, target)
    return found if found else country_name(numobj, lang)


def carrier_name(numobj: PhoneNumber, lang: str, ntype: int | None = None) -> str:
    """As phonenumbers.carrier.name_for_number(numobj, lang)."""
    ntype = phonenumbers.number_type(numobj) if ntype is None else ntype
    if ntype not in _MOBILE_KINDS:
        return ""
    return _prefix_text("carrier", lang, numobj)


def country_name(numobj: PhoneNumber, lang: str) -> str:
    """As phonenumbers.geocoder.country_name_for_number(numobj, lang)."""
    regions = phonenumbers.region_codes_for_country_code(numobj.country_code)
    if len(regions) == 1:
        return table().region_name(regions[0], lang)
    valid = "ZZ"
    for region in regions:
        if phonenumbers.is_valid_number_for_region(numobj, region):
            if valid != "ZZ":
                return ""
            valid = region
    return table().region_name(valid, lang)


def _prefix_text(kind: str, lang: str, numobj: PhoneNumber) -> str:
    digits = phonenumbers.format_number(numobj, PhoneNumberFormat.E164)[1:]
    return table().lookup(kind, lang, digits) or ""
