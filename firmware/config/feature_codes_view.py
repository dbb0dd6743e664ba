"""Every feature code by name, as a config document has them (docs/feature-codes.md).

One flat view for the web page, the API (`GET /api/feature-codes`) and the CLI
(`switchboard feature-codes`): the `feature_codes` section's fields and the voicemail
listening code (`voicemail.feature_code`) as `voicemail`, defaults filled in for a config
written before the section existed.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from firmware.config.feature_codes_schema import DIAL_TONE, IN_CALL, FeatureCodes

VOICEMAIL = "voicemail"  # the voicemail code's name here; the config: voicemail.feature_code
VOICEMAIL_DEFAULT = "*97"
FEATURE_CODES_DIAL_TONE = (*DIAL_TONE, VOICEMAIL)  # the voicemail code is dialled so too
FEATURE_CODES_IN_CALL = IN_CALL
FEATURE_CODE_NAMES = (*FEATURE_CODES_DIAL_TONE, *FEATURE_CODES_IN_CALL)
FEATURE_CODE_DEFAULTS = {**FeatureCodes().dial_tone(), VOICEMAIL: VOICEMAIL_DEFAULT,
                         **FeatureCodes().in_call()}


def feature_codes_of(config: Mapping[str, Any]) -> dict[str, str]:
    """{name: code} of every feature code in the config document `config`."""
    section = config.get("feature_codes")
    section = section if isinstance(section, Mapping) else {}
    voicemail = config.get("voicemail")
    voicemail = voicemail if isinstance(voicemail, Mapping) else {}
    out = {name: section.get(name, FEATURE_CODE_DEFAULTS[name]) for name in (*DIAL_TONE,
                                                                             *IN_CALL)}
    out[VOICEMAIL] = voicemail.get("feature_code", VOICEMAIL_DEFAULT)
    return {name: out[name] for name in FEATURE_CODE_NAMES}


def field_of(name: str) -> str:
    """The config path of feature code `name` (as the validator names refusals)."""
    return "voicemail.feature_code" if name == VOICEMAIL else f"feature_codes.{name}"
