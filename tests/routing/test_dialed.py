"""classify_dialed: extensions, outside numbers after the prefix, incomplete, invalid."""

from __future__ import annotations

import pytest

from firmware.routing import FEATURE_CODES, DialedKind, Feature, classify_dialed, explain, normalise
from tests.routing.helpers import config_with, example, example_dict, settings_with

EXT, OUT, MORE, BAD = (DialedKind.EXTENSION, DialedKind.OUTSIDE, DialedKind.INCOMPLETE,
                       DialedKind.INVALID)

# The example: extensions 801-804, outside-line prefix "0", country CN.
CASES = [
    # extensions
    ("801", EXT, "801"),
    ("804", EXT, "804"),
    ("8", MORE, None),
    ("80", MORE, None),
    ("805", BAD, None),
    ("8011", BAD, None),
    ("7", BAD, None),
    # outside: prefix alone, mobiles
    ("", MORE, None),
    ("0", MORE, None),
    ("01", MORE, None),
    ("0135", MORE, None),
    ("01351234567", MORE, None),
    ("013512345678", OUT, "+8613512345678"),
    ("0135123456789", BAD, None),
    # outside: landlines with area code (Shanghai 8 digits, Hangzhou 8 digits)
    ("0021", MORE, None),
    ("00216123456", MORE, None),
    ("002161234567", OUT, "+862161234567"),
    ("0057188888888", OUT, "+8657188888888"),
    # outside: short and emergency numbers
    ("010086", OUT, "10086"),
    ("01008", MORE, None),
    ("0100", MORE, "100"),  # a short number itself, but 10086 may follow
    ("0110", OUT, "110"),
    ("0120", OUT, "120"),
    ("0119", OUT, "119"),
    ("012345", OUT, "12345"),
    # outside: international (00 + country code)
    ("000086135", MORE, None),
    ("00008613512345678", BAD, None),  # one 0 too many: 000086... is no number
    ("0008613512345678", OUT, "+8613512345678"),
    ("000112025550123", OUT, "+12025550123"),
    # garbage
    ("0abc", BAD, None),
    ("*8", BAD, None),
    ("80 1", BAD, None),
    ("０１３５", BAD, None),  # full-width digits are not dialled digits
    ("061234567", BAD, None),  # a local number without area code: not dialable here
]


@pytest.mark.parametrize(("digits", "kind", "what"), CASES)
def test_classify_dialed(digits: str, kind: DialedKind, what: str | None) -> None:
    dialed = classify_dialed(digits, example())
    assert dialed.kind is kind, dialed.reason
    assert (dialed.extension if kind is EXT else dialed.number) == what
    assert dialed.reason
    assert dialed.digits in digits


@pytest.mark.parametrize(("digits", "kind", "what"), [
    ("0100", OUT, "100"),  # the inter-digit timeout fired: dial what there is
    ("00216123456", BAD, None),
    ("0", BAD, None),
    ("80", BAD, None),
    ("801", EXT, "801"),
    ("013512345678", OUT, "+8613512345678"),
])
def test_final_turns_incomplete_into_an_answer(digits: str, kind: DialedKind,
                                               what: str | None) -> None:
    for dialed in (classify_dialed(digits, example(), final=True),
                   classify_dialed(digits + "#", example())):
        assert dialed.kind is kind
        assert (dialed.extension if kind is EXT else dialed.number) == what


def test_an_extension_that_starts_a_longer_one_waits() -> None:
    raw = example_dict()
    raw["extensions"][3] = {"number": "8011", "name": "Annex", "port": "fxs3"}
    raw["ring_groups"][0]["members"] = ["801", "8011"]
    config = config_with(extensions=raw["extensions"], ring_groups=raw["ring_groups"])
    waiting = classify_dialed("801", config)
    assert (waiting.kind, waiting.extension) == (MORE, "801")
    assert classify_dialed("801", config, final=True).kind is EXT
    assert classify_dialed("8011", config).extension == "8011"


def test_without_a_prefix_extensions_win_and_other_digits_are_outside() -> None:
    config = config_with(settings=settings_with(outside_line_prefix=""))
    assert classify_dialed("801", config).kind is EXT
    assert classify_dialed("80", config).kind is MORE
    mobile = classify_dialed("13512345678", config)
    assert (mobile.kind, mobile.number) == (OUT, "+8613512345678")
    assert classify_dialed("02161234567", config).number == "+862161234567"


def test_a_longer_prefix_is_collected_first() -> None:
    config = config_with(settings=settings_with(outside_line_prefix="90"))
    assert classify_dialed("9", config).kind is MORE
    assert classify_dialed("90", config).kind is MORE
    assert classify_dialed("90", config, final=True).kind is BAD
    assert classify_dialed("9013512345678", config).number == "+8613512345678"
    assert classify_dialed("801", config).kind is EXT
    assert classify_dialed("013512345678", config).kind is BAD  # "0" is no prefix here


def test_another_country_reads_its_own_numbers() -> None:
    config = config_with(settings=settings_with(country="US", outside_line_prefix="9"),
                         forward_chain=[])
    dialed = classify_dialed("92025550123", config)
    assert (dialed.kind, dialed.number) == (OUT, "+12025550123")
    assert classify_dialed("9911", config).number == "911"


@pytest.mark.parametrize(("written", "e164"), [
    ("13512345678", "+8613512345678"),
    ("021 6123 4567", "+862161234567"),
    ("+86 139 1234 5678", "+8613912345678"),
    ("010-6552-9988", "+861065529988"),
])
def test_normalise(written: str, e164: str) -> None:
    assert normalise(written, "CN") == e164


@pytest.mark.parametrize("bad", ["hello", "123", ""])
def test_normalise_refuses_what_is_no_number(bad: str) -> None:
    with pytest.raises(ValueError, match="phone number"):
        normalise(bad, "CN")


def test_explain_dialed() -> None:
    text = explain(classify_dialed("002161234567", example()))
    assert text.startswith('dialled "002161234567": outside +862161234567')
    assert 'outside line ("0")' in text


@pytest.mark.parametrize(("digits", "kind", "feature"), [
    ("*61", DialedKind.FEATURE, Feature.AVAILABLE),
    ("*62", DialedKind.FEATURE, Feature.UNAVAILABLE),
    ("*", MORE, None),
    ("*6", MORE, None),
    ("*63", BAD, None),
    ("*7", BAD, None),  # transfer codes belong to a call in progress, not to dial tone
    ("*8", BAD, None),
])
def test_feature_codes(digits: str, kind: DialedKind, feature: Feature | None) -> None:
    dialed = classify_dialed(digits, example())
    assert dialed.kind is kind and dialed.feature is feature, dialed.reason
    assert classify_dialed(digits, example(), final=True).kind in (DialedKind.FEATURE, BAD)


def test_feature_codes_do_not_take_the_transfer_codes() -> None:
    assert all(not code.startswith(("*7", "*8")) for code in FEATURE_CODES)


@pytest.mark.parametrize(("digits", "kind", "feature", "extension"), [
    ("*40", DialedKind.FEATURE, Feature.PICKUP, None),
    ("*4", MORE, None, None),
    ("*41", MORE, None, None),  # the extension number follows
    ("*418", MORE, Feature.PICKUP_EXTENSION, None),
    ("*41801", DialedKind.FEATURE, Feature.PICKUP_EXTENSION, "801"),
    ("*41805", BAD, None, None),  # no such extension
    ("*419", BAD, None, None),
    ("*41801#", DialedKind.FEATURE, Feature.PICKUP_EXTENSION, "801"),
    ("*41#", BAD, None, None),
])
def test_pickup_codes(digits: str, kind: DialedKind, feature: Feature | None,
                      extension: str | None) -> None:
    dialed = classify_dialed(digits, example())
    assert (dialed.kind, dialed.feature) == (kind, feature), dialed.reason
    if kind is DialedKind.FEATURE:
        assert dialed.extension == extension


def test_directed_pickup_of_an_extension_that_starts_a_longer_one_waits() -> None:
    raw = example_dict()
    raw["extensions"][3] = {"number": "8011", "name": "Annex", "port": "fxs3"}
    raw["ring_groups"][0]["members"] = ["801", "8011"]
    config = config_with(extensions=raw["extensions"], ring_groups=raw["ring_groups"])
    waiting = classify_dialed("*41801", config)
    assert (waiting.kind, waiting.extension) == (MORE, "801")
    final = classify_dialed("*41801", config, final=True)
    assert (final.kind, final.feature, final.extension) == \
        (DialedKind.FEATURE, Feature.PICKUP_EXTENSION, "801")
    assert classify_dialed("*418011", config).extension == "8011"


def test_dial_tone_codes_come_from_the_config_at_once() -> None:
    config = config_with(feature_codes={"available": "*71", "unavailable": "*72",
                                        "pickup": "*88", "pickup_extension": "*89"})
    assert classify_dialed("*71", config).feature is Feature.AVAILABLE
    assert classify_dialed("*72", config).feature is Feature.UNAVAILABLE
    assert classify_dialed("*88", config).feature is Feature.PICKUP
    assert classify_dialed("*89802", config).extension == "802"
    for old in ("*61", "*62", "*40", "*41801"):  # the old codes no longer work
        assert classify_dialed(old, config, final=True).kind is BAD, old


def test_the_defaults_are_the_schema_defaults() -> None:
    assert FEATURE_CODES == {"*61": Feature.AVAILABLE, "*62": Feature.UNAVAILABLE,
                             "*40": Feature.PICKUP, "*41": Feature.PICKUP_EXTENSION,
                             "*97": Feature.VOICEMAIL}
