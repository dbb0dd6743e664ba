"""The migration hook: applied on load, in order; newer files refused."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from firmware.config import migrations, schema
from firmware.config.migrations import migrate
from firmware.config.validate import check_config
from firmware.errors import ConfigError


def _v1_to_v2(d: dict[str, Any]) -> dict[str, Any]:
    d.setdefault("vips", [])
    return d


def _v2_to_v3(d: dict[str, Any]) -> dict[str, Any]:
    d["vip_list"] = d.pop("vips")
    return d


TABLE = {1: _v1_to_v2, 2: _v2_to_v3}


def test_migrations_run_in_order_up_to_the_target() -> None:
    raw = {"schema_version": 1, "settings": {}}
    assert migrate(raw, TABLE, target=3) == {"schema_version": 3, "settings": {}, "vip_list": []}
    assert migrate({"schema_version": 2, "vips": ["x"]}, TABLE, target=3) == {
        "schema_version": 3, "vip_list": ["x"]}


def test_migrate_leaves_the_callers_dict_alone() -> None:
    raw = {"schema_version": 1, "settings": {"company_name": "x"}}
    before = copy.deepcopy(raw)
    migrate(raw, TABLE, target=3)
    assert raw == before


def test_current_version_passes_through() -> None:
    assert migrate({"schema_version": 3, "a": 1}, TABLE, target=3) == {"schema_version": 3, "a": 1}


def test_newer_file_is_refused_clearly() -> None:
    with pytest.raises(ConfigError) as refused:
        migrate({"schema_version": 4}, TABLE, target=3)
    (field, reason), = refused.value.errors
    assert field == "schema_version"
    assert "newer firmware (version 4)" in reason and "upgrade the firmware" in reason


@pytest.mark.parametrize("version", [None, "1", 0, -1, 1.5, True])
def test_malformed_version_is_refused(version: Any) -> None:
    raw = {} if version is None else {"schema_version": version}
    with pytest.raises(ConfigError) as refused:
        migrate(raw, TABLE, target=3)
    assert refused.value.errors[0][0] == "schema_version"


def test_a_gap_in_the_table_is_reported() -> None:
    with pytest.raises(ConfigError, match="no migration from version 2"):
        migrate({"schema_version": 1}, {1: _v1_to_v2}, target=3)


def test_loading_applies_the_registered_migrations(monkeypatch: pytest.MonkeyPatch) -> None:
    """Pretend the schema is at v2 and v1 files called the company name "company"."""

    def v1_to_v2(d: dict[str, Any]) -> dict[str, Any]:
        d["settings"]["company_name"] = d["settings"].pop("company")
        return d

    monkeypatch.setattr(schema, "SCHEMA_VERSION", 2)
    monkeypatch.setitem(migrations.MIGRATIONS, 1, v1_to_v2)
    config = check_config({"schema_version": 1, "settings": {"company": "青木"}})
    assert config.schema_version == 2
    assert config.settings.company_name == "青木"
    with pytest.raises(ConfigError, match="newer firmware"):
        check_config({"schema_version": 3})


def test_a_version_1_file_loads_and_gains_the_routing_sections() -> None:
    """The real migration: a v1 example keeps its plan and gets empty rules."""
    from tests.config.helpers import example

    v1 = example()
    v1["schema_version"] = 1
    v1["settings"].pop("holiday_calendar")
    for section in ("time_rules", "routes", "plans", "blocking", "caps"):
        v1.pop(section)
    migrated = migrate(v1)
    assert migrated["schema_version"] == schema.SCHEMA_VERSION == 2
    assert migrated["settings"]["holiday_calendar"] == "CN"
    assert (migrated["routes"], migrated["plans"], migrated["time_rules"], migrated["caps"],
            migrated["blocking"]) == ([], [], [], [], {})
    config = check_config(v1)
    assert config.routes == () and config.blocking == schema.Config().blocking
    assert config.ring_group("sales") is not None
