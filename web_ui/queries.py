"""Reading the query string of a search, the same way for the pages and the API.

Times: ISO-8601 ("2024-05-01", "2024-05-01T09:30", "2024-05-01T09:30:00+08:00");
without an offset the box's timezone is meant. A bare date as `until` means the
end of that day, so "since=2024-05-01&until=2024-05-01" is the whole of May 1st.
A bad value raises `BadQuery(field, reason)` (the page's own reasons, in both
languages: web_ui/messages_reasons.py); the API answers 400 naming the field.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import date, datetime, time, timedelta, tzinfo

from firmware.service import ALL_RESULTS, MAX_PAGE, BadQuery, RecordQuery, query_reason
from web_ui.messages_reasons import form_reason

MAX_REPORT_DAYS = 400
RECORD_FILTERS = ("since", "until", "number", "name", "line", "agent", "result", "region")
CSV_COLUMNS = ("id", "started_at", "ended_at", "direction", "line", "caller", "callee",
               "region", "carrier", "route", "result", "answered_by", "ring_s", "talk_s",
               "cause", "end_reason", "end_reason_text")


def parse_time(field: str, text: str, tz: tzinfo, *, end_of_day: bool = False) -> datetime:
    text = text.strip()
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise BadQuery(field, form_reason("not_iso_time", value=repr(text))) from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=tz)
    if end_of_day and len(text) == 10:  # a bare date: up to the end of that day
        value = datetime.combine(value.date(), time(0), tz) + timedelta(days=1)
    return value


def parse_date(field: str, text: str) -> date:
    """A date typed as YYYY-MM-DD."""
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise BadQuery(field, form_reason("not_iso_date", value=repr(text))) from None


def _int(field: str, text: str | None, default: int, low: int, high: int) -> int:
    """A whole number from the query; absent: `default`. Present but empty (`limit=`)
    is refused like any other text that is no number."""
    if text is None:
        return default
    try:
        value = int(text)
    except ValueError:
        raise BadQuery(field, form_reason("not_whole_number", value=repr(text))) from None
    if not low <= value <= high:
        raise BadQuery(field, query_reason("between", low=low, high=high))
    return value


def record_query(params: Mapping[str, str], tz: tzinfo, *, page_size: int = 50) -> RecordQuery:
    """A RecordQuery from query parameters; empty values are no filter."""
    def value(name: str) -> str | None:
        text = params.get(name)
        return text.strip() if text and text.strip() else None

    since, until = value("since"), value("until")
    results = tuple(r.strip() for r in (value("result") or "").split(",") if r.strip())
    bad = [r for r in results if r not in ALL_RESULTS]
    if bad:
        raise BadQuery("result", query_reason("results_unknown", results=bad,
                                              choices=list(ALL_RESULTS)))
    query = RecordQuery(
        since=parse_time("since", since, tz) if since else None,
        until=parse_time("until", until, tz, end_of_day=True) if until else None,
        number=value("number"), line=value("line"), agent=value("agent"),
        province=value("region"), name=value("name"), result=results,
        limit=_int("limit", params.get("limit"), page_size, 1, MAX_PAGE),
        offset=_int("offset", params.get("offset"), 0, 0, 10**9))
    query.check()
    return query


def report_span(params: Mapping[str, str], tz: tzinfo, now: datetime) -> tuple[datetime, datetime]:
    """[since, until) for a report; default: the last 7 days up to the end of today."""
    today = datetime.combine(now.astimezone(tz).date(), time(0), tz)
    since_text, until_text = params.get("since", "").strip(), params.get("until", "").strip()
    until = parse_time("until", until_text, tz, end_of_day=True) if until_text \
        else today + timedelta(days=1)
    since = parse_time("since", since_text, tz) if since_text else until - timedelta(days=7)
    if until <= since:
        raise BadQuery("until", query_reason("until_before_since"))
    if until - since > timedelta(days=MAX_REPORT_DAYS):
        raise BadQuery("since", form_reason("report_too_long", days=MAX_REPORT_DAYS))
    return since, until


def csv_rows(calls: Iterable[dict], header: Sequence[str] = CSV_COLUMNS,
             word: Callable[[str, object], object] | None = None,
             words: Callable[[str], str] | None = None) -> Iterator[bytes]:
    """The records as CSV, UTF-8 with a BOM first so Excel reads Chinese text right.
    `header`: the column titles (the API's are the field names; the page's in its
    language); `word(column, value)` says a value in the page's language;
    `words(key)`: the page's language, for `end_reason_text` (the end reason in words)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    yield "\ufeff".encode()
    writer.writerow(header)
    for call in calls:
        reason = call.get("end_reason") or ""
        text = words(f"end_reason_{reason}") if words and reason else reason
        call = {**call, "end_reason_text": text}
        values = [call.get(c) for c in CSV_COLUMNS]
        if word is not None:
            values = [word(c, v) for c, v in zip(CSV_COLUMNS, values, strict=True)]
        writer.writerow([_cell(v) for v in values])
        if buffer.tell() > 32768:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode("utf-8")


# A cell a spreadsheet would read as a formula starts with one of these (OWASP "CSV
# Injection"; ASVS 1.2.10), full-width forms included (an IME types them; some
# spreadsheets take them as the ASCII ones), maybe after spaces some spreadsheets skip.
FORMULA_STARTS = frozenset("=+-@\t\r\n\0＝＋－＠")
LEADING_SPACE = " \u00a0\u3000"
PHONE_NUMBER = re.compile(r"\+?[0-9]{1,20}")


def _cell(value: object) -> str:
    """The value as CSV text; one that could start a formula (CSV injection) is made
    text with a leading "'". Only a plain phone number ("+8613588888888") is left as
    it is: nothing else starting with = + - @ passes, not "-inf" nor "+1_000"."""
    text = "" if value is None else str(value)
    first = text.lstrip(LEADING_SPACE)[:1]
    if first in FORMULA_STARTS and first and not PHONE_NUMBER.fullmatch(text):
        return "'" + text
    return text
