"""The call records' links to their recordings (docs/records.md "recordings").

`link_recordings(calls, store)` adds to each call record (its JSON form, as the records
API gives it) a `recordings` list: {"id", "format", "duration_s", "bytes", "state",
"url"} of every recording of that call, oldest first; `url` streams it
(`/api/recordings/{id}/audio`; `?download=1` as a file); `switchboard records --json`
adds each one's `file` (its path on the box). A store that cannot be read
leaves the lists empty: the records are never lost over a recording.
"""

from __future__ import annotations

import logging
from typing import Any

from firmware.recordings.store import Recording, RecordingStore

log = logging.getLogger("switchboard.recordings")


def recording_link(rec: Recording, with_file: bool = False) -> dict[str, Any]:
    out = {"id": rec.id, "format": rec.format, "duration_s": rec.duration_s,
           "bytes": rec.bytes, "state": rec.state, "url": f"/api/recordings/{rec.id}/audio"}
    if with_file:  # the console's view (`switchboard records --json`), not the web's
        out["file"] = rec.file
    return out


def link_recordings(calls: list[dict[str, Any]], store: RecordingStore,
                    with_file: bool = False) -> list[dict[str, Any]]:
    try:
        found = store.for_calls([str(c.get("id", "")) for c in calls])
    except Exception:
        log.exception("recordings: the index cannot be read")
        found = {}
    for call in calls:
        call["recordings"] = [recording_link(r, with_file)
                              for r in found.get(str(call.get("id")), [])]
    return calls
