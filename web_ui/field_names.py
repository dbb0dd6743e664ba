"""A refused value's field as the page's forms call it, not as the config's path:
"extensions[2].number" -> "分机 › 第 3 项 › 号码" / "Extensions › item 3 › Number".

A path is dotted names with list indexes (the validator's and the forms' fields); each
name is said by the catalogue (`sec_*` for a config section, `fld_*` for a field), an
index as "item N". A name the catalogue lacks stays as it is."""

from __future__ import annotations

import re

from web_ui import i18n

_PART = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def field_label(lang: str, path: str) -> str:
    """`path` in the words of the page's forms, in `lang`."""
    words = []
    for name, index in _PART.findall(str(path or "")):
        if index:
            words.append(i18n.text(lang, "fld_item", n=int(index) + 1))
        else:
            words.append(_name(lang, name, first=not words))
    return " › ".join(words) if words else str(path)


def _name(lang: str, name: str, first: bool) -> str:
    keys = (f"sec_{name}", f"fld_{name}") if first else (f"fld_{name}", f"sec_{name}")
    for key in keys:
        if key in i18n.MESSAGES:
            return i18n.text(lang, key)
    day = f"day_{name}"
    return i18n.text(lang, day) if day in i18n.MESSAGES else name
