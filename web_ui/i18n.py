"""Languages of the web page: Simplified Chinese and English, from one message catalogue.

`choose(explicit, accept_language)` picks the language: the owner's choice (the
switch at the top of every page, kept in a cookie) first, else the browser's
`Accept-Language`, else Chinese (the box is sold in China). `translator(lang)`
gives the `_()` the templates call: `_("records")`, `_("n_calls", n=3)`.
A key missing from the catalogue is a bug the tests catch (tests/web/test_i18n.py),
so `_()` shows the key itself rather than failing a page.
"""

from __future__ import annotations

from collections.abc import Callable

from web_ui.messages import MESSAGES

LANGS = ("zh-CN", "en")
DEFAULT = "zh-CN"


def choose(explicit: str | None, accept_language: str | None) -> str:
    """The page's language: `explicit` if it is one we speak, else the browser's best."""
    if explicit in LANGS:
        return explicit
    for tag, _q in _ranked(accept_language or ""):
        if tag.startswith("zh"):
            return "zh-CN"
        if tag.startswith("en"):
            return "en"
    return DEFAULT


def _ranked(header: str) -> list[tuple[str, float]]:
    """Accept-Language entries best first: "en-GB,en;q=0.8,zh;q=0.5"."""
    out = []
    for part in header.split(","):
        tag, _, params = part.strip().partition(";")
        q = 1.0
        params = params.strip()
        if params.startswith("q="):
            try:
                q = float(params[2:])
            except ValueError:
                q = 0.0
        if tag and q > 0:
            out.append((tag.strip().lower(), q))
    return sorted(out, key=lambda item: -item[1])


def text(lang: str, key: str, **values: object) -> str:
    entry = MESSAGES.get(key)
    if entry is None:
        return key
    template = entry[0] if lang == "en" else entry[1]
    return template.format(**values) if values else template


def translator(lang: str) -> Callable[..., str]:
    def _(key: str, **values: object) -> str:
        return text(lang, key, **values)

    return _
