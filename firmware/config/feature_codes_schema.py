"""The config's feature codes (FEATURES R12, T1-T4, T7; docs/feature-codes.md).

`feature_codes` (a section of `Config`) names every code a desk phone or an agent's
mobile keys, so an owner whose staff know another PBX's codes can use those:

- dialled from dial tone: `available` / `unavailable` (R12), `pickup` (answer a call
  ringing in one of my ring groups) and `pickup_extension` (followed by an extension
  number: answer the call ringing there). The voicemail listening code stays at
  `voicemail.feature_code` (it was there first).
- keyed during a call, followed by a target and `#` where one is needed:
  `blind_transfer` (*8), `attended_transfer` (*7), `threeway` (*3); and, while an
  attended transfer consults: `cancel` (*0, back to the caller) and `swap` (*2).

Every field has a default: configs written before the section existed load unchanged.
The checks (validate_feature_codes.py) refuse a malformed code and a code that is, or
is the start of, another code of the same kind (dial tone or in call).
"""

from __future__ import annotations

from dataclasses import dataclass, fields

# Which fields are dialled from dial tone, which are keyed during a call.
DIAL_TONE = ("available", "unavailable", "pickup", "pickup_extension")
IN_CALL = ("blind_transfer", "attended_transfer", "threeway", "cancel", "swap")


@dataclass(frozen=True)
class FeatureCodes:
    available: str = "*61"
    unavailable: str = "*62"
    pickup: str = "*40"
    pickup_extension: str = "*41"
    blind_transfer: str = "*8"
    attended_transfer: str = "*7"
    threeway: str = "*3"
    cancel: str = "*0"
    swap: str = "*2"

    def dial_tone(self) -> dict[str, str]:
        """{field name: code} of the codes dialled from dial tone (voicemail's apart)."""
        return {name: getattr(self, name) for name in DIAL_TONE}

    def in_call(self) -> dict[str, str]:
        """{field name: code} of the codes keyed during a call."""
        return {name: getattr(self, name) for name in IN_CALL}


assert {f.name for f in fields(FeatureCodes)} == set(DIAL_TONE) | set(IN_CALL)
