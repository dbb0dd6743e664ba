"""Agents are people with ids (issue 9 §3): records keyed by agent id, per-group counts in
calls, the v1 -> v2 migration and the matching of older rows."""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from pathlib import Path

from firmware.cdr import reports, schema
from firmware.cdr.agent_ids import agent_maps, backfill_agent_ids
from firmware.cdr.schema import SCHEMA_VERSION, migrate, version_of
from firmware.cdr.store import CdrStore
from tests.cdr.helpers import T0, end, leg, start
from tests.routing.helpers import example

DAY = (T0.replace(hour=0), T0.replace(hour=0) + timedelta(days=1))


def _call(store: CdrStore, legs: list, minute: int = 0, **ended: object) -> str:
    at = T0 + timedelta(minutes=minute)
    call_id = store.begin_call(start(at=at))
    for one in legs:
        store.add_leg(call_id, one)
    store.end_call(call_id, end(at + timedelta(minutes=1), **ended))
    return call_id


def _by(report: dict, part: str) -> dict[str, dict]:
    return {row["key"]: row for row in report[part]}


def test_two_agents_with_one_name_are_counted_apart(db_path: Path) -> None:
    with CdrStore(db_path, preload_regions=False) as store:
        _call(store, [leg("801", talk=30, agent="王芳", agent_id="801", group="sales")],
              answered_by="801", agent_id="801")
        _call(store, [leg("802", outcome="no_answer", agent="王芳", agent_id="802",
                          group="sales")], 5, result="missed")
        agents = _by(reports.report(store, *DAY), "by_agent")
    assert set(agents) == {"801", "802"}
    assert (agents["801"]["answered"], agents["801"]["missed"]) == (1, 0)
    assert (agents["802"]["answered"], agents["802"]["missed"]) == (0, 1)
    assert agents["801"]["name"] == agents["802"]["name"] == "王芳"


def test_a_rename_keeps_the_history_under_the_newest_name(db_path: Path) -> None:
    with CdrStore(db_path, preload_regions=False) as store:
        _call(store, [leg("zhang-mobile", talk=10, agent="张伟", agent_id="zhang",
                          target_kind="mobile")], answered_by="+8613912345678",
              agent_id="zhang")
        _call(store, [leg("zhang-mobile", T0 + timedelta(minutes=9), talk=20,
                          agent="张伟 (销售)", agent_id="zhang", target_kind="mobile")], 9,
              answered_by="+8613912345678", agent_id="zhang")
        agents = reports.report(store, *DAY)["by_agent"]
        found = store.calls(answered_by="zhang", limit=None)
    assert [(a["key"], a["calls"], a["answered"], a["name"]) for a in agents] == \
        [("zhang", 2, 2, "张伟 (销售)")]
    assert len(found) == 2 and all(c.agent_id == "zhang" for c in found)


def test_a_group_counts_calls_not_rings_and_a_nested_group_counts_too(db_path: Path) -> None:
    outer, inner = ("sales",), ("sales", "sales-north")
    with CdrStore(db_path, preload_regions=False) as store:
        _call(store, [leg("801", agent_id="801", group="sales", groups=outer),
                      leg("802", agent_id="802", group="sales", groups=inner),
                      leg("803", talk=40, agent_id="803", group="sales", groups=inner)],
              answered_by="803", agent_id="803")
        _call(store, [leg("801", outcome="busy", agent_id="801", group="sales"),
                      leg("802", outcome="busy", agent_id="802", group="sales", groups=inner)],
              5, result="busy")
        report = reports.report(store, *DAY)
        legs = store.calls(limit=None, newest_first=False)[0].legs
    groups = _by(report, "by_group")
    assert (groups["sales"]["calls"], groups["sales"]["answered"], groups["sales"]["busy"]) \
        == (2, 1, 1)
    assert (groups["sales-north"]["calls"], groups["sales-north"]["answered"],
            groups["sales-north"]["busy"]) == (2, 1, 1)
    assert groups["sales"]["talk_s"] == 40
    assert [one.groups for one in legs] == [outer, inner, inner]
    assert legs[1].as_dict(T0.tzinfo)["groups"] == ["sales", "sales-north"]
    assert _by(report, "by_agent")["801"]["calls"] == 2


def _v1_database(path: Path) -> None:
    """A records file as firmware before agent ids wrote it (schema v1)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(path, isolation_level=None)
    migrate(db, schema.MIGRATIONS, target=1)
    rows = [("c1", "+8613588888888", "801", [("801", "extension", "王芳", "answered")]),
            ("c2", "+8613588888888", "+8613512345678",
             [("801", "extension", "前台", "no_answer"),
              ("+8613512345678", "mobile", "王芳", "answered")]),
            ("c3", "+8613511111111", "+8613000000000",
             [("+8613000000000", "mobile", "张伟", "answered")]),
            ("c4", "+8613511111111", "+8613999999999",
             [("+8613999999999", "mobile", "Left Us", "answered")])]
    for n, (call_id, caller, answered_by, legs) in enumerate(rows):
        ts = T0.timestamp() + n * 60
        db.execute("INSERT INTO calls (id, direction, line, caller, callee, e164, region, "
                   "province, city, carrier, number_kind, country, started_at, started_ts, "
                   "result, answered_by) VALUES (?, 'in', 'gsm0', ?, '', ?, '', '', '', '', "
                   "'mobile', 'CN', ?, ?, 'answered', ?)",
                   (call_id, caller, caller, T0.isoformat(), ts, answered_by))
        for seq, (target, kind, agent, outcome) in enumerate(legs, 1):
            db.execute("INSERT INTO legs VALUES (?, ?, ?, ?, ?, 'sales', 'gsm1', ?, ?, NULL,"
                       " NULL, ?, ?, 5, 0, ?, '')",
                       (call_id, seq, target, kind, agent, T0.isoformat(), ts,
                        T0.isoformat(), ts + 5, outcome))
    db.close()


def test_an_older_database_is_migrated_and_its_rows_matched(db_path: Path) -> None:
    _v1_database(db_path)
    config = example()  # 802 and the bound number wang are both "王芳"
    with CdrStore(db_path, preload_regions=False) as store:
        assert version_of(store.connection) == SCHEMA_VERSION
        numbers, names = agent_maps(config)
        assert "王芳" not in names and names["张伟"] == "zhang"  # a shared name: nobody
        assert backfill_agent_ids(store, numbers, names) == 3
        assert backfill_agent_ids(store, numbers, names) == 0  # touched once
        calls = {c.id: c for c in store.calls(limit=None)}
    assert calls["c1"].agent_id == "801" and calls["c1"].legs[0].agent_id == "801"
    assert calls["c1"].legs[0].groups == ("sales",)
    assert [one.agent_id for one in calls["c2"].legs] == ["801", "wang"]  # by its number
    assert calls["c2"].agent_id == "wang"
    assert calls["c3"].agent_id == "zhang"  # by its name: the number changed since
    assert calls["c4"].agent_id == "+8613999999999"  # nobody now: the number itself


def test_a_reader_of_a_migrated_database_reads_ids(db_path: Path) -> None:
    _v1_database(db_path)
    CdrStore(db_path, preload_regions=False).close()  # the box's writer migrates
    with CdrStore(db_path, readonly=True) as reader:
        agents = _by(reports.report(reader, *DAY), "by_agent")
    assert agents["801"]["answered"] == 1 and agents["801"]["calls"] == 2
