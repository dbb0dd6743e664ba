"""The prompt store: the owner's prompts under the data dir, over the built-in defaults.

Layout (DESIGN.md "Storage": WAV files under the data dir):

    <data>/prompts/<lang>/<name>.wav     the owner's prompts (8 kHz mono s16, convert.py)
    <data>/prompts/index.json            what each one is: uploaded file or spoken text,
                                         when, how long
    firmware/data/prompts/<lang>/<name>.wav   the defaults, made at build time
                                         (scripts/make_prompts.py, phrases.py)

A prompt is named (`NAME_RE`: a-z, 0-9, _ and -) and has a language, zh or en. The
owner's prompt of a name and language overrides the default of the same name and
language; deleting it brings the default back. Which file plays is decided by the
files alone (`path`), so the box never depends on the index being current; the
index only describes them for the page.

Writes (upload, speak, delete) come from the web page's process; the box only reads.
A write converts into a scratch directory under <data>/prompts/tmp, checks the
result, then renames it into place and rewrites the index atomically; a refused or
failed write leaves nothing behind. One writer at a time (a lock file).
"""

from __future__ import annotations

import array
import contextlib
import fcntl
import json
import logging
import os
import shutil
import tempfile
import threading
import wave
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO

from firmware.config.reasons import reason
from firmware.config.storage import fsync_directory, write_atomically
from firmware.prompts import convert
from firmware.prompts.errors import PromptError, PromptInUse, UnknownPrompt
from firmware.prompts.phrases import LANGUAGES, NAME_RE, phrase_text

log = logging.getLogger(__name__)

DEFAULTS_DIR = Path(__file__).resolve().parent.parent / "data" / "prompts"
MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_SECONDS = 10 * 60
MAX_TEXT = 500  # characters of a text to speak: a long greeting is a minute of speech
COPY_CHUNK = 64 * 1024
SILENT_PEAK = 64  # a prompt whose loudest sample is under this (of 32767) holds no sound


def check_name(value: Any) -> str:
    text = value.strip() if isinstance(value, str) else ""
    if not NAME_RE.fullmatch(text):
        raise PromptError("name", reason("prompt_name", value=str(value or "")[:60]))
    return text


def check_lang(value: Any) -> str:
    text = value.strip() if isinstance(value, str) else ""
    if text not in LANGUAGES:
        raise PromptError("lang", reason("prompt_lang", value=str(value or "")[:20]))
    return text


class PromptStore:
    """The owner's prompts in `data_dir`/prompts over the defaults in `defaults_dir`."""

    def __init__(self, data_dir: str | Path, defaults_dir: str | Path = DEFAULTS_DIR):
        self.root = Path(data_dir) / "prompts"
        self.defaults = Path(defaults_dir)
        self._lock = threading.Lock()

    # --- reading -----------------------------------------------------------------

    def path(self, name: str, lang: str) -> Path | None:
        """The file that plays for prompt `name` in `lang`: the owner's, else the default;
        None if neither exists (or the name is not a prompt name)."""
        if not NAME_RE.fullmatch(name or "") or lang not in LANGUAGES:
            return None
        for base in (self.root, self.defaults):
            candidate = base / lang / f"{name}.wav"
            if candidate.is_file():
                return candidate
        return None

    def default_path(self, name: str, lang: str) -> Path | None:
        candidate = self.defaults / lang / f"{name}.wav"
        return candidate if NAME_RE.fullmatch(name or "") and candidate.is_file() else None

    def list(self) -> list[dict[str, Any]]:
        """Every prompt that plays, one per name and language, sorted by language and name:
        {name, lang, origin ("owner"|"default"), source ("upload"|"text"|"default"), text,
        filename, duration_s, bytes, created, has_default}."""
        index = self._index()
        found: dict[tuple[str, str], dict[str, Any]] = {}
        for lang in LANGUAGES:
            for path in self._wavs(self.defaults / lang):
                found[(path.stem, lang)] = self._describe(path.stem, lang, path, None)
            for path in self._wavs(self.root / lang):
                meta = index.get(f"{lang}/{path.stem}", {})
                found[(path.stem, lang)] = self._describe(path.stem, lang, path, meta)
        return [found[key] for key in sorted(found, key=lambda k: (k[1], k[0]))]

    def info(self, name: str, lang: str) -> dict[str, Any]:
        """The description of one prompt (UnknownPrompt if none plays)."""
        name, lang = check_name(name), check_lang(lang)
        path = self.path(name, lang)
        if path is None:
            raise UnknownPrompt("name", reason("prompt_unknown", name=name, lang=lang))
        meta = self._index().get(f"{lang}/{name}", {}) if path.parent.parent == self.root \
            else None
        return self._describe(name, lang, path, meta)

    def names(self) -> set[str]:
        """Every prompt name that plays in some language."""
        return {entry["name"] for entry in self.list()}

    def _describe(self, name: str, lang: str, path: Path,
                  meta: dict[str, Any] | None) -> dict[str, Any]:
        owner = meta is not None
        default = self.default_path(name, lang)
        return {
            "name": name, "lang": lang, "origin": "owner" if owner else "default",
            "source": (meta or {}).get("source", "upload") if owner else "default",
            "text": (meta or {}).get("text") if owner else phrase_text(name, lang),
            "filename": (meta or {}).get("filename"),
            "duration_s": round(convert.wav_seconds(path), 2),
            "bytes": path.stat().st_size,
            "created": (meta or {}).get("created"),
            "has_default": default is not None,
        }

    @staticmethod
    def _wavs(directory: Path) -> list[Path]:
        if not directory.is_dir():
            return []
        return sorted(p for p in directory.glob("*.wav")
                      if p.is_file() and NAME_RE.fullmatch(p.stem))

    def _index(self) -> dict[str, dict[str, Any]]:
        try:
            data = json.loads((self.root / "index.json").read_text("utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as exc:
            log.warning("prompt index %s unreadable (%s): prompts listed without details",
                        self.root / "index.json", exc)
            return {}
        prompts = data.get("prompts") if isinstance(data, dict) else None
        return prompts if isinstance(prompts, dict) else {}

    # --- writing ---------------------------------------------------------------------

    def upload(self, name: Any, lang: Any, filename: str,
               stream: BinaryIO | None) -> dict[str, Any]:
        """Store an uploaded WAV or MP3 as prompt `name` in `lang` (converted to 8 kHz
        mono s16). PromptError ("file") if it is not audio, too big, too long or silent."""
        name, lang = check_name(name), check_lang(lang)
        if stream is None:
            raise PromptError("file", reason("missing"))
        with self._writing() as work:
            src = work / "upload"
            size = _copy_capped(stream, src)
            if size == 0:
                raise PromptError("file", reason("missing"))
            with open(src, "rb") as head:
                kind = convert.sniff(head.read(16))
            if kind is None:
                raise PromptError("file", reason("prompt_not_audio"))
            src = src.rename(src.with_suffix(f".{kind}"))  # sox --info reads the type so
            _check_length(convert.seconds(src))
            raw = work / "converted.wav"
            convert.to_prompt(src, kind, raw)
            out = _checked_and_normalised(raw, work, "file")
            meta = {"source": "upload", "filename": _clean_filename(filename)}
            return self._install(name, lang, out, meta)

    def speak(self, name: Any, lang: Any, text: Any) -> dict[str, Any]:
        """Speak `text` in `lang` with espeak-ng and store it as prompt `name`."""
        name, lang = check_name(name), check_lang(lang)
        text = " ".join(text.split()) if isinstance(text, str) else ""
        if not text:
            raise PromptError("text", reason("empty"))
        if len(text) > MAX_TEXT:
            raise PromptError("text", reason("prompt_text_long", n=len(text), max=MAX_TEXT))
        with self._writing() as work:
            raw = work / "spoken.wav"
            convert.speak(text, lang, raw, work)
            out = _checked_and_normalised(raw, work, "text")
            return self._install(name, lang, out, {"source": "text", "text": text})

    def delete(self, name: Any, lang: Any, users: list[str] | None = None) -> dict[str, Any]:
        """Delete the owner's prompt `name` in `lang`; the default of that name, if any,
        plays again. Refused (PromptInUse) when `users` (config fields naming it) is not
        empty and no default would be left; a default alone cannot be deleted."""
        name, lang = check_name(name), check_lang(lang)
        with self._writing():
            target = self.root / lang / f"{name}.wav"
            default = self.default_path(name, lang)
            if not target.is_file():
                if default is not None:
                    raise PromptError("name", reason("prompt_default"))
                raise UnknownPrompt("name", reason("prompt_unknown", name=name, lang=lang))
            if users and default is None:
                raise PromptInUse("name", reason("prompt_in_use", where=list(users)))
            target.unlink()
            fsync_directory(target.parent)
            index = self._index()
            index.pop(f"{lang}/{name}", None)
            self._write_index(index)
        return {"name": name, "lang": lang, "deleted": True,
                "default_plays": default is not None}

    def _install(self, name: str, lang: str, out: Path, meta: dict[str, Any]) -> dict[str, Any]:
        directory = self.root / lang
        directory.mkdir(parents=True, exist_ok=True)
        target = directory / f"{name}.wav"
        os.chmod(out, 0o644)
        os.replace(out, target)
        fsync_directory(directory)
        index = self._index()
        index[f"{lang}/{name}"] = {**{k: v for k, v in meta.items() if v is not None},
                                   "created": datetime.now(UTC).isoformat(timespec="seconds")}
        self._write_index(index)
        log.info("prompt %s (%s) stored from %s", name, lang, meta.get("source"))
        return self._describe(name, lang, target, index[f"{lang}/{name}"])

    def _write_index(self, index: dict[str, Any]) -> None:
        payload = json.dumps({"version": 1, "prompts": index}, ensure_ascii=False, indent=1)
        write_atomically(self.root / "index.json", payload.encode("utf-8"), mode=0o644)

    @contextlib.contextmanager
    def _writing(self) -> Iterator[Path]:
        """One writer at a time (threads and processes), with a scratch directory that
        is removed afterwards, whatever happened."""
        self.root.mkdir(parents=True, exist_ok=True)
        scratch_root = self.root / "tmp"
        scratch_root.mkdir(exist_ok=True)
        with self._lock, open(self.root / ".lock", "a+b") as lock_file:
            fcntl.flock(lock_file, fcntl.LOCK_EX)
            work = Path(tempfile.mkdtemp(dir=scratch_root))
            try:
                yield work
            except OSError as exc:  # a full or read-only data partition: said, not a 500
                log.error("prompt store %s: %s", self.root, exc)
                raise PromptError("file", reason("prompt_tool", what="store the prompt",
                                                 error=exc.strerror or str(exc))) from None
            finally:
                shutil.rmtree(work, ignore_errors=True)
                fcntl.flock(lock_file, fcntl.LOCK_UN)


def _copy_capped(stream: BinaryIO, dst: Path) -> int:
    """Copy at most MAX_UPLOAD_BYTES; PromptError ("file", too big) past that."""
    size = 0
    with open(dst, "wb") as out:
        while True:
            chunk = stream.read(COPY_CHUNK)
            if not chunk:
                return size
            size += len(chunk)
            if size > MAX_UPLOAD_BYTES:
                raise PromptError("file", reason("prompt_too_big", size=_mib(size, stream),
                                                 max=MAX_UPLOAD_BYTES // (1024 * 1024)))
            out.write(chunk)


def _mib(read: int, stream: BinaryIO) -> str:
    """The upload's whole size in MiB (read to its end, without keeping it)."""
    while chunk := stream.read(COPY_CHUNK):
        read += len(chunk)
    return f"{read / (1024 * 1024):.1f}"


def _check_length(seconds: float) -> None:
    if seconds > MAX_SECONDS:
        raise PromptError("file", reason("prompt_too_long", minutes=f"{seconds / 60:.1f}",
                                         max=MAX_SECONDS // 60))


def _checked_and_normalised(raw: Path, work: Path, field: str) -> Path:
    """`raw` checked (_check_result), then at the prompts' loudness: the file to keep."""
    _check_result(raw, field)
    out = work / "prompt.wav"
    convert.normalise(raw, out, field)
    return out


def _check_result(out: Path, field: str) -> None:
    """The converted prompt is 8 kHz mono 16-bit, within the length limit, not silent."""
    try:
        with wave.open(str(out), "rb") as wav:
            shape = wav.getframerate(), wav.getnchannels(), wav.getsampwidth()
            data = wav.readframes(wav.getnframes())
    except (OSError, EOFError, wave.Error) as exc:
        raise PromptError(field, reason("prompt_unreadable", error=str(exc)[:200])) from None
    if shape != (convert.RATE, 1, 2):
        raise PromptError(field, reason("prompt_unreadable", error="conversion failed"))
    _check_length(len(data) / 2 / convert.RATE)
    samples = array.array("h")
    samples.frombytes(data[: len(data) // 2 * 2])
    if not samples or max(max(samples), -min(samples)) < SILENT_PEAK:
        raise PromptError(field, reason("prompt_silent"))


def _clean_filename(filename: str) -> str | None:
    name = os.path.basename((filename or "").replace("\\", "/")).strip()
    name = "".join(ch for ch in name if ch.isprintable())
    return name[:120] or None
