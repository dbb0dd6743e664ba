"""Region lookup (firmware/cdr/region.py): real-format numbers, national formats, garbage."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from firmware.cdr.region import KINDS, Region, describe, split_region

# number, e164, region text, province, city, carrier, kind
TABLE = [
    ("+8613588888888", "+8613588888888", "浙江省杭州市", "浙江省", "杭州市", "中国移动", "mobile"),
    ("13588888888", "+8613588888888", "浙江省杭州市", "浙江省", "杭州市", "中国移动", "mobile"),
    ("13800138000", "+8613800138000", "北京市", "北京市", "北京市", "中国移动", "mobile"),
    ("18612345678", "+8618612345678", "北京市", "北京市", "北京市", "中国联通", "mobile"),
    ("13312345678", "+8613312345678", "贵州省遵义市", "贵州省", "遵义市", "中国电信", "mobile"),
    ("15012345678", "+8615012345678", "云南省昭通市", "云南省", "昭通市", "中国移动", "mobile"),
    ("+86 130 1234 5678", "+8613012345678", "重庆市", "重庆市", "重庆市", "中国联通", "mobile"),
    ("19912345678", "+8619912345678", "中国", "", "", "中国电信", "mobile"),
    ("+862161234567", "+862161234567", "上海市", "上海市", "上海市", "", "landline"),
    ("021-6123 4567", "+862161234567", "上海市", "上海市", "上海市", "", "landline"),
    ("01062345678", "+861062345678", "北京市", "北京市", "北京市", "", "landline"),
    ("020 8765 4321", "+862087654321", "广东省广州市", "广东省", "广州市", "", "landline"),
    ("075512345678", "+8675512345678", "广东省深圳市", "广东省", "深圳市", "", "landline"),
    ("04715555555", "+864715555555", "内蒙古呼和浩特市", "内蒙古自治区", "呼和浩特市", "",
     "landline"),
    ("09915555555", "+869915555555", "新疆维吾尔自治区乌鲁木齐市", "新疆维吾尔自治区",
     "乌鲁木齐市", "", "landline"),
    ("008613588888888", "+8613588888888", "浙江省杭州市", "浙江省", "杭州市", "中国移动", "mobile"),
    ("4001234567", "+864001234567", "中国", "", "", "", "shared_cost"),
    ("+14155552671", "+14155552671", "美国", "", "", "", "landline_or_mobile"),
    ("+81312345678", "+81312345678", "日本", "", "", "", "landline"),
]


@pytest.mark.parametrize(("number", "e164", "text", "province", "city", "carrier", "kind"),
                         TABLE)
def test_real_numbers(number: str, e164: str, text: str, province: str, city: str,
                      carrier: str, kind: str) -> None:
    r = describe(number)
    assert (r.e164, r.region_text, r.province, r.city, r.carrier, r.kind) == (
        e164, text, province, city, carrier, kind)


def test_country_names_the_number_and_reads_national_formats() -> None:
    assert describe("+14155552671").country == "US"
    assert describe("13588888888").country == "CN"
    # The same digits read in another country's national format are another number.
    assert describe("02079460000", "GB").e164 == "+442079460000"
    assert describe("02079460000", "gb").region_text != ""


@pytest.mark.parametrize("number", [None, "", "  ", "anonymous", "Anonymous", "P", "O",
                                    "withheld", "restricted"])
def test_withheld_numbers_are_empty(number: str | None) -> None:
    assert describe(number) == Region(kind="withheld")


@pytest.mark.parametrize("number", ["abc", "0", "+86", "+861", "++--", "1358888888x!",
                                    "+999123456", "一二三"])
def test_garbage_is_empty_and_unknown(number: str) -> None:
    r = describe(number)
    assert (r.region_text, r.province, r.city, r.carrier, r.kind) == ("", "", "", "", "unknown")


def test_too_short_or_invalid_keeps_no_region() -> None:
    r = describe("1358888888")  # 10 digits: not a mobile
    assert r.kind == "unknown" and r.region_text == ""


@pytest.mark.parametrize("number", ["110", "120", "95588", "10086", "12345"])
def test_short_service_numbers(number: str) -> None:
    r = describe(number)
    assert r.kind == "short" and r.e164 == "" and r.region_text == ""


def test_an_unknown_country_gives_an_empty_region() -> None:
    assert describe("13588888888", "ZZ").kind == "unknown"
    assert describe("+8613588888888", "").region_text == "浙江省杭州市"


def test_split_region() -> None:
    assert split_region("广西壮族自治区南宁市、崇左市") == ("广西壮族自治区", "南宁市、崇左市")
    assert split_region("西藏拉萨市") == ("西藏自治区", "拉萨市")
    assert split_region("天津市") == ("天津市", "天津市")
    assert split_region("中国") == ("", "")
    assert split_region("") == ("", "")


@given(st.one_of(st.none(), st.text(max_size=40),
                 st.text(alphabet="0123456789+-() ＋０１２３#*", max_size=25)),
       st.sampled_from(["CN", "US", "GB", "HK", "", "cn", "XX"]))
def test_describe_never_raises(number: str | None, country: str) -> None:
    r = describe(number, country)
    assert r.kind in KINDS
    assert r.e164 == "" or r.e164.startswith("+")
