"""The config's `recording` section (FEATURES T6; docs/recording.md, docs/config.md).

Which answered calls the box records (`rules`, any one matching records the call):

- `"all"`: every answered call (inbound, outbound and internal);
- `"route:NAME"`: inbound calls that matched the inbound route NAME;
- `"ring_group:NAME"`: calls answered by someone rung for ring group NAME (a nested
  group counts: a leg rung for "sales" > "sales-north" is under both);
- `"agent:ID"`: calls answered by, or made from, the agent ID (an extension number or a
  bound number's id).

`format`: what a recording is kept as once the call ended: "mp3" (sox with LAME, 16
kbit/s mono), "opus" (opusenc, 12 kbit/s) or "wav" (8 kHz 16-bit, 128 kbit/s).
`announce`: the caller hears the prompt `announcement` ("this call may be recorded",
the default prompt "recorded") before the two are connected. `storage_limit_mb` and
`retention_days` (0: keep until the limit needs the room): the oldest recordings go
first.

Every field has a default (no rules: nothing is recorded), so configs written before
recording existed load unchanged (no migration).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

DEFAULT_ANNOUNCEMENT = "recorded"
RULE_KINDS = ("route", "ring_group", "agent")


class RecordingFormat(enum.Enum):
    MP3 = "mp3"
    OPUS = "opus"
    WAV = "wav"


@dataclass(frozen=True)
class RecordingConfig:
    rules: tuple[str, ...] = ()  # "all", "route:NAME", "ring_group:NAME", "agent:ID"
    format: RecordingFormat = RecordingFormat.MP3
    announce: bool = False
    announcement: str = DEFAULT_ANNOUNCEMENT  # a prompt name
    storage_limit_mb: int = 1000
    retention_days: int = 90  # 0: no age limit

    @property
    def limit_bytes(self) -> int:
        return self.storage_limit_mb * 1024 * 1024

    @property
    def enabled(self) -> bool:
        return bool(self.rules)


def split_rule(rule: str) -> tuple[str, str]:
    """"route:sales" -> ("route", "sales"); "all" -> ("all", "")."""
    kind, _, name = rule.partition(":")
    return kind, name
