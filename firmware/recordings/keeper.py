"""The box's side of call recording: files, encoding, limits and the owner's warning.

`RecordingKeeper(data_dir, config)` (box.py makes one and gives it to the call core as
`core.recordings`) owns the store (store.py), the WAV writer thread (writer.py) and
the encodes (encode.py). The call core asks it to `begin` a recording of a call and
to `end` it; everything after the call (closing the file, encoding, the storage limit
and the retention days, the warning) runs in a background task of the keeper, never
on the call's path. At start it mends what a stop cut short (`start`), and every
`SWEEP_S` it deletes recordings past their retention days.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from firmware.config.recording_schema import RecordingConfig
from firmware.recordings.encode import encode
from firmware.recordings.store import NoSuchRecording, Recording, RecordingStore
from firmware.recordings.writer import WavWriter

log = logging.getLogger("switchboard.recordings")

SWEEP_S = 3600.0


class RecordingKeeper:
    def __init__(self, data_dir: Path | str, config: Callable[[], Any]):
        self.store = RecordingStore.in_data_dir(data_dir)
        self._config = config
        self.writer = WavWriter()
        self._tasks: set[asyncio.Task] = set()
        self._sweeper: asyncio.Task | None = None
        self.refused = 0  # calls under a rule the bridge had no room to record
        self._used: int | None = None  # bytes, as of the last cleanup (status reads it)
        self._warning: dict | None = None
        self._stored: dict[str, asyncio.Future] = {}  # rows being inserted, by recording

    def section(self) -> RecordingConfig:
        return getattr(self._config(), "recording", None) or RecordingConfig()

    async def start(self) -> None:
        self.writer.start()
        for rec in self.store.recover():
            log.info("recording %s: left unfinished by a stop; encoding it now", rec.id)
            self._spawn(self._after(rec.id, Path(rec.file)))
        self._sweeper = asyncio.get_running_loop().create_task(self._sweep(),
                                                               name="recordings-sweep")

    async def stop(self) -> None:
        if self._sweeper is not None:
            self._sweeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._sweeper
        for task in list(self._tasks):
            task.cancel()
        for task in list(self._tasks):
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        await asyncio.to_thread(self.writer.stop)

    # --- one call's recording --------------------------------------------------------

    def begin(self, call_id: str, drain: Callable[[], list[bytes]], *, caller: str,
              rule: str) -> Recording:
        """A recording of call `call_id`: the writer takes `drain()`'s frames into its WAV
        from now on; its row is stored by a thread (no file I/O here, on the loop)."""
        rec = self.store.new(call_id, time.time(), caller=caller, rule=rule)
        self.writer.add(rec.id, Path(rec.file), drain)
        self._stored[rec.id] = asyncio.ensure_future(asyncio.to_thread(self.store.insert, rec))
        return rec

    def end(self, rec: Recording) -> None:
        """The call is over: close, encode and keep within the limits, in the background."""
        self._spawn(self._finish(rec))

    async def _finish(self, rec: Recording) -> None:
        stored = self._stored.pop(rec.id, None)
        if stored is not None:
            await stored
        seconds = await asyncio.wrap_future(self.writer.close(rec.id))
        fmt = self.section().format.value
        try:
            done = await asyncio.to_thread(self.store.finished, rec.id, seconds, fmt != "wav")
        except NoSuchRecording:  # deleted by hand from the index meanwhile
            Path(rec.file).unlink(missing_ok=True)
            return
        log.info("recording %s of call %s: %.1f s", rec.id, rec.call_id, seconds)
        if fmt != "wav":
            await self._after(done.id, Path(done.file))
        else:
            await self.cleanup()

    async def _after(self, ident: str, wav: Path) -> None:
        """Encode a finished WAV in the configured format, then apply the limits."""
        fmt = self.section().format.value
        out = await encode(wav, fmt) if fmt != "wav" and wav.exists() else None
        try:
            if out is None:
                await asyncio.to_thread(self.store.keep_as_wav, ident)
            else:
                await asyncio.to_thread(self.store.encoded, ident, out, fmt)
        except NoSuchRecording:  # the owner deleted it meanwhile
            if out is not None:
                out.unlink(missing_ok=True)
        await self.cleanup()

    # --- limits -----------------------------------------------------------------------

    async def cleanup(self, now: float | None = None) -> int:
        """Apply retention days and the storage limit; warn the owner when the limit
        deleted recordings. The number deleted."""
        section = self.section()
        aged, over = await asyncio.to_thread(self.store.cleanup, section.limit_bytes,
                                             section.retention_days, now)
        if aged:
            log.info("recordings: %d older than %d days deleted", len(aged),
                     section.retention_days)
        if over:
            log.warning("recordings: over the storage limit of %d MB: deleted the oldest %d"
                        " (%s)", section.storage_limit_mb, len(over),
                        ", ".join(r.id for r in over))
            await asyncio.to_thread(self.store.note_cleanup, len(over),
                                    section.storage_limit_mb, now)
        self._used, self._warning = await asyncio.to_thread(
            lambda: (self.store.used_bytes(), self.store.warning()))
        return len(aged) + len(over)

    async def _sweep(self) -> None:
        while True:
            try:
                await self.cleanup()
            except Exception:
                log.exception("recordings: the cleanup failed")
            await asyncio.sleep(SWEEP_S)

    def status(self) -> dict[str, Any]:
        """For the box's status: recordings being made, storage used (as of the last
        cleanup: no database read here, on the loop), the owner's warning."""
        section = self.section()
        return {"enabled": section.enabled, "active": self.writer.writing,
                "used_bytes": self._used, "limit_bytes": section.limit_bytes,
                "retention_days": section.retention_days, "warning": self._read_warning(),
                "refused": self.refused}

    def _read_warning(self) -> dict | None:
        """The warning file as it is now (60 bytes: the owner may have dismissed it on
        the web page since the last cleanup)."""
        try:
            return self.store.warning()
        except Exception:
            return self._warning

    def _spawn(self, coro: Any) -> None:
        task = asyncio.get_running_loop().create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._done)

    def _done(self, task: asyncio.Task) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("recordings: a background step failed", exc_info=task.exception())
