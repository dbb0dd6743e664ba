"""The owner's credentials: the password hash and the API tokens, in `<data>/web/owner.json`.

They live beside the config, not in it, so a config backup never carries them
(W3): restoring a backup on another box does not hand over its password. The
file is written atomically and readable by the box's user only. No file (or no
password in it) is the first run: the page asks the owner to set a password and
nothing else works until then.

Tokens are stored as SHA-256 digests with a name; the token itself is shown once
when it is made.

The owner's way in from the box's console (web_ui/console.py, `switchboard web
password` and `switchboard web unlock`) writes the same directory: a new password
into this file, which the page's process reads again when it changes on disk
(`refresh()`, once a request: one stat), and an unlock request (`UNLOCK_FILE`),
which the page takes at the next login try (`take_unlock()`).
"""

from __future__ import annotations

import contextlib
import json
import os
import threading
import time
from pathlib import Path
from typing import Any

from firmware.service import write_private_file
from web_ui import security

OWNER = "owner"
FILE_NAME = "owner.json"
UNLOCK_FILE = "unlock-request"


class Owner:
    """Thread-safe access to the owner's credentials file in `web_dir`."""

    def __init__(self, web_dir: Path, *, kdf_n: int = security.SCRYPT_N):
        self.path = Path(web_dir) / FILE_NAME
        self.kdf_n = kdf_n
        self._lock = threading.Lock()
        self._stamp = self._disk_stamp()
        self._data = self._read()

    def _disk_stamp(self) -> tuple[int, int, int] | None:
        try:
            st = os.stat(self.path)
        except FileNotFoundError:
            return None
        return st.st_ino, st.st_mtime_ns, st.st_size

    def refresh(self) -> bool:
        """Read the file again if it changed on disk (a password set on the box's
        console); True if it did. A file that cannot be read keeps what was read."""
        stamp = self._disk_stamp()
        with self._lock:
            if stamp == self._stamp:
                return False
            try:
                data = self._read()
            except (OSError, ValueError):
                return False
            self._data, self._stamp = data, stamp
            return True

    def _read(self) -> dict[str, Any]:
        try:
            data = json.loads(self.path.read_text("utf-8"))
        except FileNotFoundError:
            return {}
        if not isinstance(data, dict):
            raise ValueError(f"{self.path}: not a JSON object")
        return data

    def _write_locked(self) -> None:
        payload = json.dumps(self._data, ensure_ascii=False, indent=2).encode("utf-8")
        write_private_file(self.path, payload)
        self._stamp = self._disk_stamp()

    # --- password --------------------------------------------------------------

    @property
    def has_password(self) -> bool:
        with self._lock:
            return bool(self._data.get("password"))

    def set_password(self, password: str) -> None:
        stored = security.hash_password(password, n=self.kdf_n)
        with self._lock:
            self._data["password"] = stored
            self._data["password_set_at"] = int(time.time())
            self._write_locked()

    @property
    def password_tag(self) -> str:
        """Which password is set (a short tag of its hash; "" for none)."""
        with self._lock:
            return security.password_tag(self._data.get("password"))

    def check_password(self, password: str) -> bool:
        with self._lock:
            stored = self._data.get("password")
        return bool(stored) and security.verify_password(password, stored)

    # --- API tokens ------------------------------------------------------------

    def tokens(self) -> list[dict[str, Any]]:
        """[{"name", "created"}] (never the digest)."""
        with self._lock:
            return [{"name": t["name"], "created": t["created"]}
                    for t in self._data.get("tokens", [])]

    def add_token(self, name: str) -> str:
        """Make a token called `name` (replacing one of that name); returns it, once."""
        token = security.new_token()
        entry = {"name": name, "digest": security.token_digest(token),
                 "created": int(time.time())}
        with self._lock:
            kept = [t for t in self._data.get("tokens", []) if t["name"] != name]
            self._data["tokens"] = [*kept, entry]
            self._write_locked()
        return token

    def remove_token(self, name: str) -> bool:
        with self._lock:
            tokens = self._data.get("tokens", [])
            kept = [t for t in tokens if t["name"] != name]
            if len(kept) == len(tokens):
                return False
            self._data["tokens"] = kept
            self._write_locked()
            return True

    def token_name(self, token: str) -> str | None:
        """The name of the token `token`, or None when it is not one of ours."""
        digest = security.token_digest(token)
        with self._lock:
            for t in self._data.get("tokens", []):
                if security.hmac.compare_digest(t["digest"], digest):
                    return str(t["name"])
        return None

    # --- the console's unlock ---------------------------------------------------

    def request_unlock(self) -> None:
        """Ask the page to forget every wrong-password count (from the box's console)."""
        write_private_file(self.path.with_name(UNLOCK_FILE), b"unlock\n")

    def take_unlock(self) -> bool:
        """Was an unlock asked for since the last look? (It is taken: asked once.)"""
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.path.with_name(UNLOCK_FILE))
            return True
        return False

    # --- reset -----------------------------------------------------------------

    def forget(self) -> None:
        """Factory reset: no password, no tokens; the next visit is a first run again."""
        with self._lock:
            self._data = {}
            self._write_locked()
