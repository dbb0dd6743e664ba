"""Transfers in the records and the report (docs/records.md, docs/transfer.md): a
transferred call counts once, answered under the agent who finished it; transfers are
counted per agent who transferred; transfer legs are no calls of anyone."""

from __future__ import annotations

from datetime import timedelta

import pytest

from firmware.cdr.records import LegRecord, RecordError
from firmware.cdr.reports import report
from tests.cdr.helpers import T0, end, leg, start


def _transfer(at, target: str, outcome: str, by: str, kind: str = "blind") -> LegRecord:
    return LegRecord(target=target, target_kind="transfer", started_at=at,
                     ended_at=at + timedelta(seconds=3), outcome=outcome, agent=f"{by} Desk",
                     agent_id=by, cause=f"{kind} transfer")


def _agents(store) -> dict[str, dict]:
    got = report(store, T0 - timedelta(hours=1), T0 + timedelta(days=1))
    return {row["key"]: row for row in got["by_agent"]}


def test_a_transferred_call_counts_once_under_who_finished_it(store):
    call = store.begin_call(start("13588888888", T0, call_id="t1"))
    store.add_leg(call, leg("801", T0, ring=2, talk=30, agent="Desk 1", agent_id="801",
                            group="desk", cause="transferred"))
    store.add_leg(call, _transfer(T0 + timedelta(seconds=32), "802", "completed", "801"))
    store.add_leg(call, leg("802", T0 + timedelta(seconds=32), ring=3, talk=60,
                            agent="Desk 2", agent_id="802"))
    store.end_call(call, end(T0 + timedelta(seconds=95), answered_by="802", agent_id="802",
                             talk_s=93, ring_s=2))
    agents = _agents(store)
    assert (agents["801"]["calls"], agents["801"]["answered"], agents["801"]["transfers"]) \
        == (1, 0, 1)
    assert (agents["802"]["calls"], agents["802"]["answered"], agents["802"]["transfers"]) \
        == (1, 1, 0)
    got = report(store, T0 - timedelta(hours=1), T0 + timedelta(days=1))
    assert got["total"]["calls"] == 1 and got["total"]["answered"] == 1


def test_a_caller_back_with_the_agent_counts_once_for_the_agent(store):
    call = store.begin_call(start("13588888888", T0, call_id="t2"))
    store.add_leg(call, leg("801", T0, ring=2, talk=10, agent="Desk 1", agent_id="801",
                            group="desk", cause="transferred"))
    store.add_leg(call, leg("802", T0 + timedelta(seconds=12), ring=0, outcome="busy",
                            agent="Desk 2", agent_id="802"))
    store.add_leg(call, _transfer(T0 + timedelta(seconds=12), "802", "busy", "801"))
    store.add_leg(call, _transfer(T0 + timedelta(seconds=12), "801", "returned", "801",
                                  kind="recall"))
    store.add_leg(call, leg("801", T0 + timedelta(seconds=14), ring=3, talk=40,
                            agent="Desk 1", agent_id="801", group="desk"))
    store.end_call(call, end(T0 + timedelta(seconds=60), answered_by="801", agent_id="801"))
    agents = _agents(store)
    assert (agents["801"]["calls"], agents["801"]["answered"], agents["801"]["transfers"]) \
        == (1, 1, 1)
    assert (agents["802"]["calls"], agents["802"]["busy"]) == (1, 1)
    groups = report(store, T0 - timedelta(hours=1), T0 + timedelta(days=1))["by_group"]
    assert [(g["key"], g["calls"], g["answered"]) for g in groups] == [("desk", 1, 1)]
    legs = store.call("t2").as_dict(store.tz)["legs"]
    assert [(x["target_kind"], x["outcome"]) for x in legs if x["target_kind"] == "transfer"] \
        == [("transfer", "busy"), ("transfer", "returned")]


def test_a_transfer_word_is_checked():
    with pytest.raises(RecordError):
        _transfer(T0, "802", "lost", "801")
    with pytest.raises(RecordError):
        LegRecord(target="802", target_kind="transfers", started_at=T0, ended_at=T0,
                  outcome="completed")


def test_a_three_way_call_is_no_transfer_of_the_agent(store):
    call = store.begin_call(start("13588888888", T0, call_id="t3"))
    store.add_leg(call, leg("801", T0, ring=2, talk=30, agent="Desk 1", agent_id="801",
                            group="desk"))
    store.add_leg(call, _transfer(T0 + timedelta(seconds=5), "802", "joined", "801",
                                  kind="threeway"))
    store.add_leg(call, _transfer(T0 + timedelta(seconds=9), "802", "left", "801",
                                  kind="threeway"))
    store.end_call(call, end(T0 + timedelta(seconds=40), answered_by="801", agent_id="801"))
    assert _agents(store)["801"]["transfers"] == 0
