"""Checks of the `transfer` section (transfer_schema.py): ring times within 5..120 s,
the fallback one of FALLBACKS. Every refusal is a catalogue reason at the field's path."""

from __future__ import annotations

from typing import Any

from firmware.config import transfer_schema as t
from firmware.config import validate as v

FIELD_CHECKS: dict[tuple[type, str], Any] = {
    (t.TransferConfig, "ring_s"): v._within(5, 120),
    (t.TransferConfig, "return_ring_s"): v._within(5, 120),
    (t.TransferConfig, "fallback"): v._choice(t.FALLBACKS),
}
