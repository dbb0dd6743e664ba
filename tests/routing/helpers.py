"""Configs and instants for routing tests: the documented example, and variations of it."""

from __future__ import annotations

import copy
import json
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from firmware.config.schema import Config
from firmware.config.validate import check_config

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "example-config.json"
SHANGHAI = ZoneInfo("Asia/Shanghai")
NEW_YORK = ZoneInfo("America/New_York")
UTC = ZoneInfo("UTC")


@cache
def _example_text() -> str:
    return EXAMPLE.read_text(encoding="utf-8")


def example_dict() -> dict[str, Any]:
    return copy.deepcopy(json.loads(_example_text()))


def example() -> Config:
    """docs/example-config.json, validated as the box loads it."""
    return check_config(example_dict())


def config_with(**sections: Any) -> Config:
    """The example with whole top-level sections replaced (validated)."""
    raw = example_dict()
    raw.update(sections)
    return check_config(raw)


def settings_with(**fields: Any) -> dict[str, Any]:
    return {**example_dict()["settings"], **fields}


def sh(day: int, hour: int, minute: int = 0, second: int = 0) -> datetime:
    """An instant in March 2026, Shanghai time: day 2 is a Monday, 7 and 8 the weekend,
    and days 1-15 hold no holiday and no adjusted working day (the office hours follow
    the calendar: June 2025, used before, had the Dragon Boat holiday on Monday 2)."""
    return datetime(2026, 3, day, hour, minute, second, tzinfo=SHANGHAI)
