"""The config's `transfer` section: how a transfer rings and where a caller goes when
nobody takes them (FEATURES T1, T2; docs/transfer.md).

- `ring_s`: how long a transfer's target rings before the caller comes back.
- `return_ring_s`: how long the transferring agent's phone (or mobile) rings when the
  caller comes back to them.
- `fallback`: where the caller goes when the agent does not answer either: "group"
  (the agent's ring group, then its voicemail), "queue" (a hold queue for the agent's
  ring group, then voicemail) or "voicemail" (the agent's, or its group's, box).

Every field has a default: configs written before the section existed load unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass

FALLBACKS = ("group", "queue", "voicemail")


@dataclass(frozen=True)
class TransferConfig:
    ring_s: int = 20
    return_ring_s: int = 15
    fallback: str = "group"
