"""Call records (FEATURES A1): SQLite store, region lookup, the `records` command.

See docs/records.md. The box opens one writable `CdrStore`; the call controller
calls `begin_call`, `set_route`, `add_leg`, `end_call`; readers open it read-only.
"""

from firmware.cdr.records import (
    CallEnd,
    CallRecord,
    CallStart,
    LegRecord,
    RecordError,
    UnknownCall,
)
from firmware.cdr.region import Region, describe
from firmware.cdr.store import CdrStore, NoRecords, StoreBusy, WriteFailed, records_path

__all__ = [
    "CallEnd", "CallRecord", "CallStart", "CdrStore", "LegRecord", "NoRecords", "RecordError",
    "Region", "StoreBusy", "UnknownCall", "WriteFailed", "describe", "records_path",
]
