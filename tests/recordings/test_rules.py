"""Which rule puts a call under recording (firmware/recordings/rules.py)."""

from firmware.recordings.rules import CallFacts, matching_rule

SALES = CallFacts(direction="in", route="sales", groups=("sales", "sales-north"),
                  agents=("801",))


def test_no_rules_record_nothing():
    assert matching_rule((), SALES) is None


def test_all_records_every_call():
    assert matching_rule(("all",), CallFacts(direction="internal")) == "all"


def test_a_route_rule_matches_only_that_route():
    assert matching_rule(("route:sales",), SALES) == "route:sales"
    assert matching_rule(("route:support",), SALES) is None
    assert matching_rule(("route:sales",), CallFacts(direction="out")) is None


def test_a_ring_group_rule_matches_a_nested_group_too():
    assert matching_rule(("ring_group:sales-north",), SALES) == "ring_group:sales-north"
    assert matching_rule(("ring_group:sales",), SALES) == "ring_group:sales"
    assert matching_rule(("ring_group:support",), SALES) is None


def test_an_agent_rule_matches_who_answered_or_dialled():
    assert matching_rule(("agent:801",), SALES) == "agent:801"
    assert matching_rule(("agent:802",), SALES) is None
    outbound = CallFacts(direction="out", agents=("802",))
    assert matching_rule(("agent:zhang", "agent:802"), outbound) == "agent:802"


def test_the_first_matching_rule_is_named():
    assert matching_rule(("agent:999", "ring_group:sales", "all"), SALES) == "ring_group:sales"
