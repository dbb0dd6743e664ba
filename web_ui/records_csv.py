"""The page's CSV export in the owner's language: column titles and the words in the
cells (result, direction, the route's steps). Numbers, times, names and regions stay
as recorded. The API's export (`/api/records.csv`) keeps the field names, for scripts."""

from __future__ import annotations

from collections.abc import Callable

from web_ui import i18n
from web_ui.explain_text import route_words
from web_ui.queries import CSV_COLUMNS


def header(lang: str) -> list[str]:
    return [i18n.text(lang, f"csv_{column}") for column in CSV_COLUMNS]


def word_of(lang: str) -> Callable[[str, object], object]:
    """`word(column, value)`: a result, direction or route in `lang`; anything else as
    it is."""
    def word(column: str, value: object) -> object:
        if column == "route" and isinstance(value, str):
            return route_words(lang, value)
        if column in ("result", "direction") and isinstance(value, str) and value:
            key = f"{'result' if column == 'result' else 'csv_direction'}_{value}"
            return i18n.text(lang, key) if key in i18n.MESSAGES else value
        return value

    return word
