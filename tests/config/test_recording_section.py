"""The `recording` section: rules naming routes, ring groups and agents the config has,
a known format, a prompt name, limits in range; a file without it loads unchanged and
records nothing."""

from __future__ import annotations

from typing import Any

import pytest

from firmware.config.recording_schema import RecordingConfig, RecordingFormat
from firmware.config.schema import to_dict
from firmware.config.validate import check_config
from firmware.errors import ConfigError
from tests.config.helpers import example


def _with(recording: Any) -> dict[str, Any]:
    raw = example()
    raw["recording"] = recording
    return raw


def _errors(recording: Any) -> list[tuple[str, str, str]]:
    with pytest.raises(ConfigError) as refused:
        check_config(_with(recording))
    return [(f, r.code, str(r)) for f, r in refused.value.errors]


def test_a_file_without_the_section_loads_and_records_nothing() -> None:
    raw = example()
    raw.pop("recording", None)
    config = check_config(raw)
    assert config.recording == RecordingConfig() and not config.recording.enabled
    assert to_dict(config)["recording"] == {
        "rules": [], "format": "mp3", "announce": False, "announcement": "recorded",
        "storage_limit_mb": 1000, "retention_days": 90}
    assert config.schema_version == 2  # no version bump: the section has a default


def test_rules_of_every_kind_round_trip() -> None:
    section = {"rules": ["route:zhejiang customers", "ring_group:sales", "agent:801",
                         "agent:zhang", "all"],
               "format": "opus", "announce": True, "announcement": "recorded",
               "storage_limit_mb": 2000, "retention_days": 0}
    config = check_config(_with(section))
    assert config.recording.format is RecordingFormat.OPUS
    assert config.recording.limit_bytes == 2000 * 1024 * 1024
    assert to_dict(config)["recording"] == section
    assert check_config(to_dict(config)) == config


@pytest.mark.parametrize(("section", "field", "code"), [
    ({"rules": ["everything"]}, "recording.rules[0]", "not_recording_rule"),
    ({"rules": ["route:"]}, "recording.rules[0]", "not_recording_rule"),
    ({"rules": ["queue:sales"]}, "recording.rules[0]", "not_recording_rule"),
    ({"rules": ["route:nowhere"]}, "recording.rules[0]", "unknown_recording_target"),
    ({"rules": ["ring_group:support"]}, "recording.rules[0]", "unknown_recording_target"),
    ({"rules": ["agent:899"]}, "recording.rules[0]", "unknown_recording_target"),
    ({"rules": ["all", "all"]}, "recording.rules[1]", "repeats"),
    ({"rules": ["all"] * 51}, "recording.rules", "too_many_recording_rules"),
    ({"rules": "all"}, "recording.rules", "wrong_type"),
    ({"rules": [3]}, "recording.rules[0]", "wrong_type"),
    ({"format": "flac"}, "recording.format", "not_one_of"),
    ({"announce": "yes"}, "recording.announce", "wrong_type"),
    ({"announcement": "This Call"}, "recording.announcement", "not_prompt_name"),
    ({"storage_limit_mb": 0}, "recording.storage_limit_mb", "out_of_range"),
    ({"retention_days": -1}, "recording.retention_days", "out_of_range"),
    ({"retention_days": 4000}, "recording.retention_days", "out_of_range"),
    ({"keep": True}, "recording.keep", "unknown_field"),
    ("all", "recording", "wrong_type"),
])
def test_bad_values_are_refused_at_their_field(section: Any, field: str, code: str) -> None:
    errors = _errors(section)
    assert (field, code) in [(f, c) for f, c, _ in errors], errors


def test_the_reasons_say_what_is_wrong_in_words() -> None:
    [(_, _, text)] = _errors({"rules": ["ring_group:support"]})
    assert text == 'no ring_group "support" for this recording rule'


def test_the_announcement_prompt_is_in_use_while_announced() -> None:
    from firmware.config.greeting_rules import prompt_users

    config = check_config(_with({"rules": ["all"], "announce": True,
                                 "announcement": "our-notice"}))
    assert prompt_users(config, "our-notice") == ["recording.announcement"]
    quiet = check_config(_with({"rules": ["all"], "announcement": "our-notice"}))
    assert prompt_users(quiet, "our-notice") == []
