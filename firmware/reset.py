"""Factory reset: the box forgets everything that is the owner's (issue 9 §1).

What is cleared, in the data dir (firmware/paths.py):

- the config (`config.json`) becomes the factory one (what a fresh data dir loads),
  and copies of an unreadable config set aside earlier (`config.json.corrupt-*`) go;
- the call records (`records.sqlite3`): every ended call, its legs, and the notices
  of reached caps already sent; this month's usage (the caps' counters) comes from
  the records, so it starts again from zero. A call in progress keeps its row, so
  its end is still written;
- the notifications outbox (`notifications.sqlite3`, firmware/notify): notices not yet
  sent to the old owner, the missed calls waiting for them, who got the caller SMS;
- the agents and ring groups' state (`routing-state.json`): availability (*61/*62 and
  the page's switch), the rotation and percentage positions, answered counts, idle
  times and returning callers (and a `routing-state.json.bad` set aside earlier);
- the owner's prompts (`prompts/`: uploads and spoken texts; the built-in ones play
  again);
- the voicemail messages (`voicemail/`: the WAVs, their index, the storage warning);
- the owner's password, sessions and API tokens: the web page's own (`web/owner.json`,
  web_ui/owner.py), which it clears itself after the box has answered.

A running box does it on its event loop (control op "box.factory_reset",
`reset_running_box`), so the next call already uses the fresh config and agents are
available again without a restart. With no box running, `reset_data_dir` does the same
to the files.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import Any

from firmware.calls.agents import STATE_FILE
from firmware.cdr.clear import clear_records
from firmware.cdr.store import records_path
from firmware.config.schema import Config, to_dict
from firmware.config.store import ConfigStore

log = logging.getLogger("switchboard.reset")

# Files the owner's data left behind that a reset removes too (globs in the data dir).
LEFTOVERS = ("config.json.corrupt-*", f"{STATE_FILE}.bad",
             "prompts/*/*.wav", "prompts/index.json",  # the owner's prompts (docs/prompts.md)
             # the voicemail messages and their index (firmware/voicemail)
             "voicemail/*/*.wav", "voicemail/*/*.wav.part", "voicemail/index.db*",
             "voicemail/warning.json")


def factory_config() -> dict[str, Any]:
    """The config of a factory-fresh box (what a data dir without config.json loads)."""
    return to_dict(Config())


def remove_leftovers(data_dir: Path) -> list[str]:
    """Remove what LEFTOVERS names; the names removed."""
    removed = []
    for pattern in LEFTOVERS:
        for path in sorted(Path(data_dir).glob(pattern)):
            path.unlink(missing_ok=True)
            removed.append(path.name)
    return removed


async def reset_running_box(box: Any) -> dict[str, Any]:
    """The control op "box.factory_reset": fresh config and the records cleared off the
    loop (a worker thread: an fsync, a VACUUM), then the agents' state on the loop."""
    await asyncio.to_thread(box.store.replace, factory_config())
    removed = (await asyncio.to_thread(clear_records, box.cdr.path)
               if box.cdr is not None else 0)
    box.calls.agents.clear()
    from firmware.notify.wiring import clear_notifications

    await clear_notifications(box)
    files = remove_leftovers(box.data_dir)
    log.warning("factory reset: config, %d call records and the agents' state cleared", removed)
    return {"config": "factory", "calls_removed": removed, "agents_cleared": True,
            "files_removed": files}


def reset_data_dir(data_dir: Path, store: ConfigStore) -> dict[str, Any]:
    """The same with no box running: the files themselves."""
    store.replace(factory_config())
    records = records_path(data_dir)
    for path in (records, records.with_name(records.name + "-wal"),
                 records.with_name(records.name + "-shm"), Path(data_dir) / STATE_FILE):
        path.unlink(missing_ok=True)
    from firmware.notify.outbox import remove_outbox

    remove_outbox(data_dir)
    files = remove_leftovers(data_dir)
    log.warning("factory reset (no box running): config, call records and agents' state")
    return {"config": "factory", "calls_removed": None, "agents_cleared": True,
            "files_removed": files}
