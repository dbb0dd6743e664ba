"""The one owner of the box's configuration file.

`ConfigStore(data_dir)` holds `<data_dir>/config.json`, a TinyDB database kept by
`AtomicJSONStorage`. The whole config is one document (table "config", id 1),
so every change is one atomic write. Every write is validated first; a refused
write changes nothing. A `threading.Lock` makes the store safe to share between
the event loop, the web server thread and the control socket.

Subscribers registered with `on_change()` are called with the new `Config`
after each successful `replace()`, on the thread that called it, outside the
lock; the box uses this to apply a new config from the next call on (W1).

The board's lines: a store given the box's `Hardware` (firmware/config/hardware.py)
fills a config's missing lines from the board on load, check and replace (a fresh or
factory-reset box has its FXS ports and modem lines), and refuses to store a config
that names a line the board lacks. Without it (tests, tools), a config is taken as written.

File layout: {"config": {"1": {"schema_version": 1, "settings": {...}, ...}}}.
A missing file is the empty default config. A file that does not parse, or
does not hold a valid config, raises and is left alone; only an explicit
`replace()` moves a corrupt file aside (kept as `config.json.corrupt-<time>`).
"""

from __future__ import annotations

import json
import logging
import os
import secrets
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tinydb import TinyDB
from tinydb.storages import Storage
from tinydb.table import Document

from firmware.config.hardware import Hardware, check_on_board
from firmware.config.migrations import ascii_digits
from firmware.config.reasons import Reason, reason
from firmware.config.schema import Config, to_dict
from firmware.config.storage import AtomicJSONStorage
from firmware.config.validate import check_config
from firmware.errors import ConfigError

log = logging.getLogger(__name__)

FILE_NAME = "config.json"
TABLE = "config"
DOC_ID = 1

ChangeCallback = Callable[[Config], None]


class ConfigFileCorrupt(ConfigError):
    """The config file exists but cannot be read as a database; it was left as it is."""

    def __init__(self, path: Path, why: Reason):
        self.path = path
        super().__init__([(str(path), why)])


class ConfigStore:
    """Validated, atomic, thread-safe access to `<data_dir>/config.json`.

    `storage` makes the TinyDB storage for a path (tests pass a memory storage);
    the default is `AtomicJSONStorage`.
    """

    def __init__(
        self,
        data_dir: str | os.PathLike[str],
        storage: Callable[[Path], Storage] | None = None,
        hardware: Hardware | None = None,
    ):
        self.path = Path(data_dir) / FILE_NAME
        self._storage = (storage or AtomicJSONStorage)(self.path)
        self._db = TinyDB(storage=lambda: self._storage)
        self._lock = threading.Lock()
        self._current: Config | None = None
        self._subscribers: list[ChangeCallback] = []
        self.last_moved_aside: Path | None = None
        # which config this is, for readers that cache it (the web page's process):
        # this store's own token (a restarted box is another store) and a counter
        # bumped by every write
        self._instance = secrets.token_hex(4)
        self._generation = 0
        self.hardware = hardware

    def load(self) -> Config:
        """The current config (validated). Raises ConfigFileCorrupt or ConfigError."""
        with self._lock:
            if self._current is None:
                self._current = self._load_locked()
            return self._current

    @property
    def version(self) -> str:
        """Changes with every write (and differs between two runs of the box)."""
        with self._lock:
            return f"{self._instance}.{self._generation}"

    def as_dict(self) -> dict[str, Any]:
        """The current config in its JSON form (numbers normalised, defaults filled)."""
        return to_dict(self.load())

    def check(self, d: Any) -> Config:
        """Validate `d` (migrating it from an older schema, its missing lines filled from
        the board) without storing it."""
        return self._checked(d)

    def replace(self, new: Any) -> Config:
        """Validate `new`, then make it the stored config in one atomic write.

        Raises ConfigError (nothing changed) when `new` is invalid. Subscribers
        are called with the new config afterwards.
        """
        config = self._checked(new)
        with self._lock:
            self._write_locked(to_dict(config))
            self._current = config
            self._generation += 1
            subscribers = list(self._subscribers)
        for callback in subscribers:
            _notify(callback, config)
        return config

    def on_change(self, callback: ChangeCallback) -> Callable[[], None]:
        """Call `callback(config)` after every successful replace; returns an unsubscribe."""
        with self._lock:
            self._subscribers.append(callback)

        def unsubscribe() -> None:
            with self._lock:
                if callback in self._subscribers:
                    self._subscribers.remove(callback)

        return unsubscribe

    def close(self) -> None:
        self._db.close()

    def _checked(self, raw: Any) -> Config:
        """`raw` validated with the board's lines filled in, and refused if it names a
        line the board lacks."""
        return check_on_board(raw, self.hardware)

    # --- under the lock ---------------------------------------------------

    def _read_raw(self) -> dict[str, Any] | None:
        """The stored config document, None when there is none; ConfigFileCorrupt if unreadable."""
        try:
            data = self._storage.read()
        except json.JSONDecodeError as exc:
            raise ConfigFileCorrupt(self.path, reason("file_not_json", error=str(exc))) from exc
        except UnicodeDecodeError as exc:
            raise ConfigFileCorrupt(self.path, reason("file_not_utf8", error=str(exc))) from exc
        except RecursionError as exc:  # nested past what json.loads can follow
            raise ConfigFileCorrupt(self.path, reason("file_not_json", error="nested too deep")) \
                from exc
        if data is None:
            return None
        table = data.get(TABLE) if isinstance(data, dict) else None
        if not isinstance(data, dict) or not isinstance(table, dict | None):
            raise ConfigFileCorrupt(self.path, reason("file_not_database"))
        doc = (table or {}).get(str(DOC_ID))
        if doc is not None and not isinstance(doc, dict):
            raise ConfigFileCorrupt(self.path, reason("file_document_not_object"))
        return doc

    def _load_locked(self) -> Config:
        doc = self._read_raw()
        if doc is None:
            return self._fresh()
        doc, repaired = ascii_digits(doc)
        if repaired:
            log.warning("%s: %d value(s) written in non-ASCII digits read as ASCII digits",
                        self.path, repaired)
        if self.hardware is not None:
            doc = self.hardware.fill(doc)
        try:
            return check_config(doc)
        except ConfigFileCorrupt:
            raise
        except ConfigError as exc:
            raise ConfigError([(f"{self.path}: {f}", r) for f, r in exc.errors]) from exc

    def _fresh(self) -> Config:
        """The config of a box never configured: the defaults, with the board's lines."""
        if self.hardware is None:
            return Config()
        return check_config(self.hardware.fill(to_dict(Config())))

    def _write_locked(self, doc: dict[str, Any]) -> None:
        try:
            existing = self._read_raw()
        except ConfigFileCorrupt as exc:
            self._move_aside(exc)
            existing = None
        table = self._db.table(TABLE, cache_size=0)
        if existing is None:
            table.insert(Document(doc, doc_id=DOC_ID))
        else:
            table.update(_replace_with(doc), doc_ids=[DOC_ID])

    def _move_aside(self, exc: ConfigFileCorrupt) -> None:
        aside = self.path.with_name(f"{self.path.name}.corrupt-{time.strftime('%Y%m%d-%H%M%S')}")
        os.replace(self.path, aside)
        self.last_moved_aside = aside
        log.warning("%s; replacing it, the old file is kept as %s", exc, aside)


def _replace_with(doc: dict[str, Any]) -> Callable[[dict[str, Any]], None]:
    """A TinyDB update that swaps a document's whole content (update() alone merges keys)."""

    def apply(current: dict[str, Any]) -> None:
        current.clear()
        current.update(doc)

    return apply


def _notify(callback: ChangeCallback, config: Config) -> None:
    try:
        callback(config)
    except Exception:
        log.exception("config change subscriber %r failed", callback)
