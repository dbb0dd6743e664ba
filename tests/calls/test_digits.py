"""One key press, one digit: in-band DTMF and the line's own reports merged
(calls/digits.py), and PIN digits masked in the log."""

from __future__ import annotations

import logging

import pytest

from firmware.calls.digits import INBAND, QUIET_S, REPORTED, DigitMerger


def _feed(merger: DigitMerger, events: list[tuple[float, str, str]]) -> str:
    return "".join(d for t, src, d in events if merger.feed("gsm0", src, d, t))


def test_each_press_reported_twice_is_one_digit_in_either_order() -> None:
    merger = DigitMerger()
    events = [(0.00, REPORTED, "1"), (0.06, INBAND, "1"),  # reported first
              (0.16, INBAND, "1"), (0.20, REPORTED, "1"),  # heard first: "11" is two presses
              (0.32, REPORTED, "#"), (0.40, INBAND, "#")]
    assert _feed(merger, events) == "11#"


def test_a_press_one_source_missed_still_counts_once() -> None:
    merger = DigitMerger()
    events = [(0.0, REPORTED, "5"), (0.05, INBAND, "5"),
              (0.2, REPORTED, "6"),  # in-band missed it
              (0.4, REPORTED, "7"), (0.45, INBAND, "7")]
    assert _feed(merger, events) == "567"


def test_after_a_quiet_spell_the_sources_line_up_again() -> None:
    merger = DigitMerger()
    # in-band heard a false digit the modem did not report ...
    assert _feed(merger, [(0.0, INBAND, "9"), (0.1, REPORTED, "3"), (0.15, INBAND, "3")]) == "93"
    # ... after a pause the next press is one digit again, not swallowed
    later = 0.15 + QUIET_S + 0.1
    assert _feed(merger, [(later, REPORTED, "4"), (later + 0.05, INBAND, "4")]) == "4"


def test_pending_while_the_twin_of_a_press_is_still_to_come() -> None:
    merger = DigitMerger()
    merger.expect("gsm0", INBAND)
    assert merger.feed("gsm0", REPORTED, "1", 0.0)
    assert merger.pending("gsm0", 0.01)
    assert not merger.feed("gsm0", INBAND, "1", 0.08)
    assert not merger.pending("gsm0", 0.09)
    assert not merger.pending("gsm0", 0.0 + QUIET_S + 1)


def test_a_new_call_starts_afresh() -> None:
    merger = DigitMerger()
    merger.feed("gsm0", REPORTED, "1", 0.0)
    merger.forget("gsm0")
    assert merger.feed("gsm0", INBAND, "1", 0.1), "a new call's first digit"


def test_secret_digits_are_masked_in_the_log(caplog: pytest.LogCaptureFixture) -> None:
    merger = DigitMerger()
    with caplog.at_level(logging.DEBUG, logger="switchboard.calls"):
        merger.secret("gsm0", True)
        merger.feed("gsm0", REPORTED, "7", 0.0)
        merger.feed("gsm0", INBAND, "7", 0.05)
        merger.secret("gsm0", False)
        merger.feed("gsm0", REPORTED, "8", 0.2)
    assert "7" not in caplog.text
    assert "DTMF *" in caplog.text and "DTMF 8" in caplog.text


@pytest.mark.parametrize(("line", "logged"), [
    ("^DDTMF: 4", "^DDTMF: *"), ("+RXDTMF: 9", "+RXDTMF: *"), ("+QTONEDET: 52", "+QTONEDET: *"),
    ("+CSQ: 20,99", "+CSQ: 20,99")])
def test_the_modems_dtmf_reports_are_masked_in_the_at_log(line: str, logged: str) -> None:
    from firmware.lines.at import heard

    assert heard(line) == logged
