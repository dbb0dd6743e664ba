"""The owner's credentials: the password hash and the API tokens, in `<data>/web/owner.json`.

They live beside the config, not in it, so a config backup never carries them
(W3): restoring a backup on another box does not hand over its password. The
file is written atomically and readable by the box's user only. No file (or no
password in it) is the first run: the page asks the owner to set a password and
nothing else works until then.

Tokens are stored as SHA-256 digests with a name; the token itself is shown once
when it is made.
"""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path
from typing import Any

from firmware.service import write_private_file
from web_ui import security

OWNER = "owner"
FILE_NAME = "owner.json"


class Owner:
    """Thread-safe access to the owner's credentials file in `web_dir`."""

    def __init__(self, web_dir: Path, *, kdf_n: int = security.SCRYPT_N):
        self.path = Path(web_dir) / FILE_NAME
        self.kdf_n = kdf_n
        self._lock = threading.Lock()
        self._data = self._read()

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

    # --- reset -----------------------------------------------------------------

    def forget(self) -> None:
        """Factory reset: no password, no tokens; the next visit is a first run again."""
        with self._lock:
            self._data = {}
            self._write_locked()
