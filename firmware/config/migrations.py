"""Bring a config dict written by older firmware up to `SCHEMA_VERSION`.

`MIGRATIONS[n]` turns a version-n dict into a version-(n+1) dict. `migrate()`
runs them in order on every load and import, before validation, so the rest of
the code only ever sees the current schema. A file from newer firmware is
refused: silently dropping sections we do not know would lose the owner's work.

To add a section in a later issue: add the field (with a default) to
`schema.Config`, bump `SCHEMA_VERSION`, and add e.g.

    def _v1_to_v2(d: dict) -> dict:
        d.setdefault("vips", [])
        return d

    MIGRATIONS = {1: _v1_to_v2}
"""

from __future__ import annotations

import copy
import unicodedata
from collections.abc import Callable, Mapping
from typing import Any

from firmware.config import schema
from firmware.config.reasons import reason
from firmware.errors import ConfigError

Migration = Callable[[dict[str, Any]], dict[str, Any]]



def _v1_to_v2(d: dict[str, Any]) -> dict[str, Any]:
    """Version 2 adds the routing rules (issue #4), all empty: calls keep the plan
    they had (office hours, duty, forward chain), and the Chinese holiday calendar."""
    if isinstance(d.get("settings"), dict):
        d["settings"].setdefault("holiday_calendar", "CN")
    for section in ("time_rules", "routes", "plans", "caps"):
        d.setdefault(section, [])
    d.setdefault("blocking", {})
    return d


MIGRATIONS: dict[int, Migration] = {1: _v1_to_v2}


def migrate(
    raw: Any,
    migrations: Mapping[int, Migration] | None = None,
    target: int | None = None,
) -> Any:
    """A deep copy of `raw` upgraded to `target` (default: the current schema version).

    The caller's dict is never touched.
    Anything that is not a dict is returned as is (validation says what is wrong
    with it). Raises ConfigError on a missing, malformed or too new version.
    """
    if not isinstance(raw, dict):
        return raw
    table = MIGRATIONS if migrations is None else migrations
    target = schema.SCHEMA_VERSION if target is None else target
    version = _version_of(raw, target)
    data = copy.deepcopy(raw)
    while version < target:
        step = table.get(version)
        if step is None:
            raise ConfigError([("schema_version", reason("no_migration", version=version))])
        data = step(data)
        version += 1
        data["schema_version"] = version
    return data


def ascii_digits(stored: Any) -> tuple[Any, int]:
    """A stored config with every value that is all Unicode decimal digits (`"１２３４"`,
    accepted before only ASCII digits counted) turned into ASCII digits, and how many
    were: firmware before issue 9 stored them, and such a file must still load. Only
    the stored file is repaired so; an import with them is refused (validate.py)."""
    count = 0

    def fix(value: Any) -> Any:
        nonlocal count
        if isinstance(value, str) and value.isdecimal() and not value.isascii():
            count += 1
            return "".join(str(unicodedata.decimal(ch)) for ch in value)
        if isinstance(value, dict):
            return {k: fix(v) for k, v in value.items()}
        if isinstance(value, list):
            return [fix(v) for v in value]
        return value

    return fix(stored), count


def _version_of(raw: dict[str, Any], target: int) -> int:
    if "schema_version" not in raw:
        raise ConfigError([("schema_version", reason("version_missing", target=target))])
    version = raw["schema_version"]
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise ConfigError([("schema_version",
                            reason("version_not_number", value=repr(version)))])
    if version > target:
        raise ConfigError([("schema_version",
                            reason("version_too_new", version=version, target=target))])
    return version
