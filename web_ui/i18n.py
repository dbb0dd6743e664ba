"""Languages of the web page: Simplified Chinese and English, from one message catalogue.

`choose(explicit, accept_language)` picks the language: the owner's choice (the
switch at the top of every page, kept in a cookie) first, else the browser's
`Accept-Language`, else Chinese (the box is sold in China). `translator(lang)`
gives the `_()` the templates call: `_("records")`, `_("n_calls", n=3)`.
A key missing from the catalogue is a bug the tests catch (tests/web/test_i18n.py),
so `_()` shows the key itself rather than failing a page.

Why a value was refused: `reason_text(lang, reason)` says a `Reason` (the box's, with
its code and parameters, or the page's own) in `lang` from web_ui/messages_reasons.py;
the error list of every page (views/errors.tpl) shows its reasons so. A reason
without a known code is shown as it came.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from firmware.service import Reason, fill
from web_ui.messages import MESSAGES
from web_ui.messages_reasons import FORM_REASONS, PARAM_WORDS, REASONS_ZH

LANGS = ("zh-CN", "en")
DEFAULT = "zh-CN"


def choose(explicit: str | None, accept_language: str | None, default: str = DEFAULT) -> str:
    """The page's language: `explicit` if it is one we speak, else the browser's best,
    else `default`."""
    if explicit in LANGS:
        return explicit
    for tag, _q in _ranked(accept_language or ""):
        if tag.startswith("zh"):
            return "zh-CN"
        if tag.startswith("en"):
            return "en"
    return default


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


def reason_text(lang: str, reason: Any) -> str:
    """`reason` in `lang`: the Chinese template of its code with its parameters (words
    among them in Chinese, lists joined with "、"); English, or anything that is not
    a Reason with a known code, as it is."""
    if lang == "en" or not isinstance(reason, Reason):
        return str(reason)
    template = REASONS_ZH.get(reason.code) or FORM_REASONS.get(reason.code, ("", ""))[1]
    if not template:
        return str(reason)
    try:
        return fill(template, reason.params, sep="、", none="无", word=_zh_word)
    except (KeyError, IndexError, ValueError):  # params from another firmware version
        return str(reason)


def _zh_word(name: str, value: str) -> str:
    return PARAM_WORDS.get(name, {}).get(value, value)


def field_errors(lang: str, errors: list[tuple[str, Any]]) -> list[tuple[str, str]]:
    """(field, reason) pairs with each reason in `lang`."""
    return [(field, reason_text(lang, reason)) for field, reason in errors]
