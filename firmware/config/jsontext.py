"""Config JSON from outside the box, read safely: size, depth and Unicode first.

Every path that takes a config as text (`switchboard config check|import`, the
API's config routes, the JSON editor, backup restore, the control socket) reads it
with `parse_config_text`; `check_config_value` checks a value that arrived already
parsed (validate.check_config runs it first). Refusals are `UnreadableConfig`, a
ConfigError whose reasons have catalogue codes, so the CLI prints them, the API
answers 400 and the page says them in the owner's language.

Limits (docs/config.md):
- `MAX_CONFIG_BYTES` = 1 MiB: a config as compact UTF-8 JSON (what the box stores
  and sends) may have at most that; a full office config is 10-50 KB, so this is far
  above any real one and far below what would hurt a Pi. Text from outside may
  carry indentation (a backup is indented), so it may have up to `MAX_TEXT_BYTES`
  (2 MiB), checked on the bytes before anything is decoded.
- `MAX_DEPTH` = 32 levels of lists and objects (a config nests 6 at most). Checked
  by a scan before `json.loads`, whose recursion a deep document would overflow.
- Text must be Unicode: UTF-8 bytes, and no lone surrogate (`"\\ud800"` is valid
  JSON escape syntax but no character; it cannot be stored or sent on).
- JSON's own grammar: NaN and Infinity (which Python's json accepts) are refused.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from firmware.config.reasons import reason
from firmware.errors import ConfigError

MAX_CONFIG_BYTES = 1024 * 1024
MAX_TEXT_BYTES = 2 * MAX_CONFIG_BYTES
MAX_DEPTH = 32
ROOT = "(config)"
_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_BRACKET = re.compile(rb"[\[\]{}]")


class UnreadableConfig(ConfigError):
    """Config text refused before validation: too big, too deep, not Unicode, not JSON."""


def parse_config_text(data: bytes | str, field: str = ROOT) -> Any:
    """The JSON value in `data`, or UnreadableConfig naming `field` and why not."""
    raw = data.encode("utf-8", "surrogatepass") if isinstance(data, str) else bytes(data)
    if len(raw) > MAX_TEXT_BYTES:
        raise _refuse(field, "config_too_big", size=len(raw), limit=MAX_CONFIG_BYTES)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _refuse(field, "not_utf8", position=exc.start) from None
    if json_depth(raw) > MAX_DEPTH:
        raise _refuse(field, "json_too_deep", limit=MAX_DEPTH)
    try:
        value = json.loads(text, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        raise _refuse(field, "json_syntax", error=exc.msg, line=exc.lineno,
                      column=exc.colno) from None
    except (ValueError, RecursionError) as exc:
        raise _refuse(field, "json_syntax", error=str(exc), line=1, column=1) from None
    check_config_value(value, field)
    return value


def check_config_value(value: Any, field: str = ROOT, limit: int = MAX_CONFIG_BYTES) -> None:
    """Refuse a parsed value that is too deep, not Unicode or too big as JSON."""
    if _too_deep(value):
        raise _refuse(field, "json_too_deep", limit=MAX_DEPTH)
    _check_unicode(value, field)
    size = len(json.dumps(value, ensure_ascii=False, default=str).encode("utf-8"))
    if size > limit:
        raise _refuse(field, "config_too_big", size=size, limit=limit)


def json_depth(raw: bytes) -> int:
    """How deep lists and objects nest in JSON text (brackets inside strings skipped)."""
    depth = deepest = 0
    for bracket in _BRACKET.findall(_STRING.sub(b"", raw)):
        if bracket in b"[{":
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    return deepest


def _too_deep(value: Any) -> bool:
    """Deeper than MAX_DEPTH, without recursion (the value may be very deep)."""
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict | list):
            if depth >= MAX_DEPTH:
                return True
            children = node.values() if isinstance(node, dict) else node
            stack.extend((child, depth + 1) for child in children)
    return False


def _check_unicode(value: Any, field: str) -> None:
    for path, text in _strings(value, field):
        if not text.isascii():
            try:
                text.encode("utf-8")
            except UnicodeEncodeError:
                raise _refuse(path, "not_unicode") from None


def _strings(value: Any, path: str) -> Iterator[tuple[str, str]]:
    """(path, text) of every string in `value`, keys included (depth already bounded)."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            sub = f"{path}.{key}" if path != ROOT else str(key)
            if isinstance(key, str):
                yield (path, key)
            yield from _strings(item, sub)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _strings(item, f"{path}[{i}]" if path != ROOT else f"[{i}]")


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON value")


def _refuse(field: str, code: str, **params: Any) -> UnreadableConfig:
    return UnreadableConfig([(_printable(field), reason(code, **params))])


def _printable(field: str) -> str:
    """A field path that can itself be printed (a key may hold a lone surrogate)."""
    return field.encode("utf-8", "backslashreplace").decode("utf-8")
