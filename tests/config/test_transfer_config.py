"""The transfer section: defaults for older configs, ring times and the fallback checked."""

import pytest

from firmware.config import validate as v
from firmware.errors import ConfigError


def _refused(section: dict) -> dict[str, str]:
    with pytest.raises(ConfigError) as caught:
        v.check_config({"schema_version": 2, "transfer": section})
    return {path: r.code for path, r in caught.value.errors}


def test_an_old_config_gets_the_defaults():
    for version in (1, 2):
        section = v.check_config({"schema_version": version}).transfer
        assert (section.ring_s, section.return_ring_s, section.fallback) == (20, 15, "group")


def test_the_owner_sets_ring_times_and_the_fallback():
    section = v.check_config({"schema_version": 2, "transfer": {
        "ring_s": 30, "return_ring_s": 10, "fallback": "voicemail"}}).transfer
    assert (section.ring_s, section.return_ring_s, section.fallback) == (30, 10, "voicemail")


@pytest.mark.parametrize(("section", "field", "code"), [
    ({"ring_s": 2}, "transfer.ring_s", "out_of_range"),
    ({"return_ring_s": 500}, "transfer.return_ring_s", "out_of_range"),
    ({"ring_s": "20"}, "transfer.ring_s", None),
    ({"fallback": "hangup"}, "transfer.fallback", "not_one_of"),
    ({"fallbak": "group"}, "transfer.fallbak", None),
])
def test_bad_values_are_refused_at_their_field(section, field, code):
    refused = _refused(section)
    assert field in refused
    if code is not None:
        assert refused[field] == code
