"""Agent ids for call records written before records had them (schema v1).

The v2 migration (firmware/cdr/schema.py) gives every old extension leg its id (the
extension number is the id) and every old leg that dialled a plain number the
number. An old leg that rang a staff mobile named only the mobile's number and the
display name of the time; which bound number that was is known only to the config,
so the box matches them at start (`backfill_agent_ids`, from `AgentBook.rebuild`):

1. the number dialled is a bound number's number now: that bound number's id;
2. else the display name recorded is the name of exactly one agent now: that id;
3. else the number dialled itself (a person who has left keeps their own history).

Then each old inbound call that was answered takes the id of the leg that answered
it (no such leg: its `answered_by` matched as above: a bound number's id, else as
it is). Rows are touched once: what is matched no longer has an empty id.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

log = logging.getLogger(__name__)

# Inbound calls answered before agent ids (every newer one has its id).
_OLD_CALLS = ("agent_id = '' AND answered_by != '' AND direction = 'in'"
              " AND result NOT IN ('in_progress', 'interrupted')")


def backfill_agent_ids(store: Any, numbers: Mapping[str, str], names: Mapping[str, str]
                       ) -> int:
    """Give old mobile legs and calls their agent id; returns the legs matched.
    `numbers`: bound number's E.164 -> its id; `names`: display name -> agent id
    (names two agents share left out). A read-only or failing store changes nothing."""
    if store is None or getattr(store, "readonly", True) or store.is_empty:
        return 0
    db = store.connection
    rows = db.execute("SELECT call_id, seq, target, agent FROM legs"
                      " WHERE agent_id = '' AND target_kind = 'mobile' AND agent != ''").fetchall()
    calls = db.execute(f"SELECT id, answered_by FROM calls WHERE {_OLD_CALLS}").fetchall()
    if not rows and not calls:
        return 0
    db.execute("BEGIN IMMEDIATE")
    try:
        for call_id, seq, target, agent in rows:
            found = numbers.get(target) or names.get(agent) or target
            db.execute("UPDATE legs SET agent_id = ? WHERE call_id = ? AND seq = ?",
                       (found, call_id, seq))
        for call_id, answered_by in calls:
            leg = db.execute("SELECT agent_id FROM legs WHERE call_id = ? AND outcome ="
                             " 'answered' AND agent_id != '' ORDER BY seq LIMIT 1",
                             (call_id,)).fetchone()
            found = leg[0] if leg else numbers.get(answered_by, answered_by)
            db.execute("UPDATE calls SET agent_id = ? WHERE id = ?", (found, call_id))
        db.execute("COMMIT")
    except BaseException:
        db.execute("ROLLBACK")
        raise
    log.info("call records: agent ids given to %d older mobile legs", len(rows))
    return len(rows)


def agent_maps(config: Any) -> tuple[dict[str, str], dict[str, str]]:
    """(number -> bound id, unique display name -> agent id) of `config`."""
    numbers = {b.number: b.id for b in config.bound_numbers}
    named: dict[str, list[str]] = {}
    for ext in config.extensions:
        named.setdefault(ext.name, []).append(ext.number)
    for bound in config.bound_numbers:
        named.setdefault(bound.name, []).append(bound.id)
    return numbers, {name: ids[0] for name, ids in named.items() if len(ids) == 1 and name}
