"""Renaming a ring group or a time rule carries every reference along
(firmware/config/refs.py)."""

from __future__ import annotations

from firmware.config.refs import (
    rename_plan,
    rename_ring_group,
    rename_time_rule,
    routes_using_plan,
    time_rule_users,
)
from firmware.config.validate import check_config
from tests.routing.helpers import example_dict


def test_every_reference_to_a_renamed_group_follows_and_the_config_stays_valid():
    doc = example_dict()
    doc["ring_groups"].append({"name": "all", "members": [{"group": "sales"}, "803"]})
    doc["routes"].append({"name": "to sales", "to": "ring_group:sales"})
    renamed = rename_ring_group(doc, "sales", "销售组")
    assert renamed["inbound"]["ring_group"] == "销售组"
    assert renamed["routes"][-1]["to"] == "ring_group:销售组"
    assert renamed["plans"][0]["steps"][0]["do"] == "ring_group:销售组"
    assert renamed["ring_groups"][-1]["members"][0] == {"group": "销售组"}
    assert doc["inbound"]["ring_group"] == "sales"  # the original is untouched
    renamed["ring_groups"][0]["name"] = "销售组"  # the group's own entry: the caller's part
    check_config(renamed)


def test_other_groups_and_plain_members_are_left_alone():
    doc = example_dict()
    before = [g["members"] for g in doc["ring_groups"]]
    renamed = rename_ring_group(doc, "nobody", "someone")
    assert renamed == doc and [g["members"] for g in renamed["ring_groups"]] == before


def test_a_renamed_time_rule_follows_in_when_and_unless():
    doc = example_dict()
    doc["routes"].append({"name": "after work", "unless": "workdays", "to": "duty"})
    assert time_rule_users(doc, "workdays") == [("zhejiang customers", "when"),
                                                ("after work", "unless")]
    renamed = rename_time_rule(doc, "workdays", "weekdays")
    assert [(r.get("when"), r.get("unless")) for r in renamed["routes"]] == [
        ("weekdays", None), ("night", None), (None, "weekdays")]
    assert doc["routes"][0]["when"] == "workdays"  # the original is untouched
    assert time_rule_users(renamed, "workdays") == []
    renamed["time_rules"][0]["name"] = "weekdays"  # the rule's own entry: the caller's part
    check_config(renamed)


def test_renaming_a_plan_renames_the_routes_that_go_to_it():
    doc = example_dict()
    doc["plans"].append({"name": "other", "steps": [{"id": "d", "do": "duty"}]})
    doc["routes"].append({"name": "others", "to": "plan:other"})
    doc["routes"].append({"name": "again", "to": "plan:zhejiang"})
    assert routes_using_plan(doc, "zhejiang") == ["zhejiang customers", "again"]
    renamed = rename_plan(doc, "zhejiang", "east")
    assert [r["to"] for r in renamed["routes"]] == ["plan:east", "announcement", "plan:other",
                                                   "plan:east"]
    assert routes_using_plan(renamed, "zhejiang") == []
    assert doc["routes"][0]["to"] == "plan:zhejiang"  # the original is untouched
    renamed["plans"][0]["name"] = "east"  # the plan's own entry: the caller's part
    check_config(renamed)
    assert rename_plan(doc, "nobody", "someone") == doc
