"""The box's compact region table gives phonenumbers' own words (firmware/regiontable.py)."""

import subprocess
import sys

import phonenumbers
import phonenumbers.carrier
import phonenumbers.geocoder
import pytest
from phonenumbers.carrierdata import CARRIER_DATA
from phonenumbers.geodata import GEOCODE_DATA

from firmware import regiontable
from firmware.regiontable import carrier_name, place_name

ROOT = regiontable.DEFAULT_PATH.parents[2]


def numbers_for(prefix: str) -> list[phonenumbers.PhoneNumber]:
    """Numbers that start with `prefix` (E.164 digits): a few lengths, each padded."""
    found = []
    for length in range(len(prefix), 14):
        for pad in "0", "5", "8":
            try:
                n = phonenumbers.parse("+" + (prefix + pad * length)[:max(length, len(prefix))])
            except phonenumbers.NumberParseException:
                continue
            found.append(n)
    return found


def cn_prefixes(data: dict) -> list[str]:
    return sorted(p for p in data if p.startswith("86"))


def test_the_table_is_made_from_the_installed_phonenumbers():
    assert regiontable.table().phonenumbers_version == phonenumbers.__version__, (
        "phonenumbers changed: run scripts/make_region_table.py and commit the table")


def test_the_checked_in_table_is_what_the_script_makes(tmp_path):
    out = tmp_path / "regions.bin"
    subprocess.run([sys.executable, str(ROOT / "scripts" / "make_region_table.py"),
                    "--out", str(out)], check=True, capture_output=True)
    assert out.read_bytes() == regiontable.DEFAULT_PATH.read_bytes()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_cn_place_prefix_gives_phonenumbers_words(lang):
    """Every mobile segment and area code phonenumbers knows for China."""
    checked = 0
    for prefix in cn_prefixes(GEOCODE_DATA):
        digits = (prefix + "0" * 13)[:13] if prefix.startswith("861") else prefix
        number = phonenumbers.parse("+" + digits) if prefix.startswith("861") else None
        candidates = [number] if number is not None else numbers_for(prefix)[:6]
        for n in candidates:
            assert place_name(n, lang) == phonenumbers.geocoder.description_for_number(n, lang), (
                prefix, phonenumbers.format_number(n, phonenumbers.PhoneNumberFormat.E164))
            checked += 1
    assert checked > 130_000


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_cn_carrier_prefix_gives_phonenumbers_words(lang):
    for prefix in cn_prefixes(CARRIER_DATA):
        for n in numbers_for(prefix):
            assert carrier_name(n, lang) == phonenumbers.carrier.name_for_number(n, lang), prefix


@pytest.mark.parametrize("number", [
    "+12125551234", "+442079460000", "+85221234567", "+886223456789", "+81312345678",
    "+5491123456789", "+525512345678", "+79161234567", "+8613800138000", "+861064000000",
    "+8657188888888", "+8640012345678", "+8695588", "+14165550123", "+6281234567890"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_other_countries_keep_phonenumbers_chinese_words(number, lang):
    """Chinese place names and carriers are kept for every country; English place
    names for the configured countries only (CN), elsewhere the country's name."""
    n = phonenumbers.parse(number)
    expected = phonenumbers.geocoder.description_for_number(n, lang)
    got = place_name(n, lang)
    if lang == "zh" or n.country_code == 86:
        assert got == expected
    else:
        assert got in (expected, phonenumbers.geocoder.country_name_for_number(n, "en"))
    assert carrier_name(n, lang) == phonenumbers.carrier.name_for_number(n, lang)


def test_the_box_never_imports_the_full_geocoder():
    code = ("import sys; from firmware import daemon, region; "
            "region.describe('+8613588888888'); "
            "bad = [m for m in sys.modules if m.startswith(('phonenumbers.geodata', "
            "'phonenumbers.carrierdata', 'phonenumbers.geocoder', 'phonenumbers.carrier'))]; "
            "print(' '.join(bad))")
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True,
                         text=True, cwd=ROOT).stdout.strip()
    assert out == ""
