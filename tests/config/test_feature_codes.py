"""The feature_codes section: defaults, formats, clashes within a kind."""

import pytest

from firmware.config import validate as v
from firmware.errors import ConfigError


def _check(codes: dict, voicemail: dict | None = None):
    return v.check_config({"schema_version": 2, "feature_codes": codes,
                           "voicemail": voicemail or {}})


def _refused(codes: dict, voicemail: dict | None = None) -> dict[str, str]:
    with pytest.raises(ConfigError) as caught:
        _check(codes, voicemail)
    return {path: r.code for path, r in caught.value.errors}


def test_an_old_config_gets_every_default():
    codes = v.check_config({"schema_version": 2}).feature_codes
    assert codes.in_call() == {"blind_transfer": "*8", "attended_transfer": "*7",
                               "threeway": "*3", "cancel": "*0", "swap": "*2"}
    assert codes.dial_tone() == {"available": "*61", "unavailable": "*62",
                                 "pickup": "*40", "pickup_extension": "*41"}


def test_an_owner_may_use_another_pbx_codes():
    codes = _check({"blind_transfer": "*1", "attended_transfer": "*2", "swap": "*5",
                    "pickup": "*88"}).feature_codes
    assert (codes.blind_transfer, codes.attended_transfer, codes.pickup) == ("*1", "*2", "*88")


@pytest.mark.parametrize(("codes", "field", "code"), [
    ({"pickup": "*4"}, "feature_codes.pickup", "not_feature_code"),
    ({"pickup": "40"}, "feature_codes.pickup", "not_feature_code"),
    ({"blind_transfer": "*888"}, "feature_codes.blind_transfer", "not_in_call_code"),
    ({"swap": "#2"}, "feature_codes.swap", "not_in_call_code"),
])
def test_a_malformed_code_is_refused_at_its_field(codes, field, code):
    assert _refused(codes)[field] == code


def test_codes_of_one_kind_may_not_begin_one_another():
    assert _refused({"threeway": "*8"}) == {"feature_codes.threeway": "feature_code_taken",
                                            "feature_codes.blind_transfer":
                                                "feature_code_taken"}
    assert _refused({"pickup_extension": "*611"})["feature_codes.pickup_extension"] == \
        "feature_code_taken"


def test_the_voicemail_code_counts_with_the_dial_tone_codes():
    refused = _refused({}, {"feature_code": "*40"})
    assert refused == {"feature_codes.pickup": "feature_code_taken",
                       "voicemail.feature_code": "feature_code_taken"}


def test_an_in_call_code_may_equal_the_start_of_a_dial_tone_code():
    """*8 during a call and *81 from dial tone never meet."""
    assert _check({"pickup": "*81"}).feature_codes.pickup == "*81"
