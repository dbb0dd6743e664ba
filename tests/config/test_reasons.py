"""Every reason a config is refused with has a catalogue code (firmware/config/reasons.py):
the catalogue refuses unknown codes and wrong parameters, every raise site names a code
of it, and a refusal carries code and parameters beside the English text."""

from __future__ import annotations

import ast
import copy
import pickle
from pathlib import Path

import pytest

from firmware.config import validate as v
from firmware.config.reasons import (
    REASONS,
    BadValue,
    Reason,
    UnknownReason,
    placeholders,
    plain,
    reason,
)
from firmware.config.validate import check_config
from firmware.errors import ConfigError
from tests.config.helpers import example

ROOT = Path(__file__).resolve().parents[2]
# Every module that refuses a config, and the names its reasons are built with.
SITES = ["firmware/config/validate.py", "firmware/config/validate_rules.py",
         "firmware/config/schema.py", "firmware/config/schema_base.py",
         "firmware/config/rules.py", "firmware/config/migrations.py",
         "firmware/config/store.py", "firmware/config/cli.py", "firmware/lines/gsm.py"]
BUILDERS = {"reason", "_Bad", "BadValue", "_matches"}


def _name(func: ast.expr) -> str:
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


def _is_text(node: ast.expr) -> bool:
    """An f-string, a string or a sum of them: free text, not a catalogue reason."""
    return isinstance(node, ast.JoinedStr | ast.BinOp) or (
        isinstance(node, ast.Constant) and isinstance(node.value, str))


def _calls(path: str) -> list[ast.Call]:
    tree = ast.parse((ROOT / path).read_text("utf-8"))
    return [node for node in ast.walk(tree) if isinstance(node, ast.Call)]


def test_an_unknown_code_or_wrong_parameters_are_refused_at_once() -> None:
    with pytest.raises(UnknownReason):
        reason("no_such_reason")
    with pytest.raises(UnknownReason):
        v._Bad("no_such_reason")
    with pytest.raises(TypeError, match="takes"):
        reason("not_timezone")  # needs value
    with pytest.raises(TypeError, match="takes"):
        reason("not_timezone", value="x", extra=1)
    with pytest.raises(UnknownReason):
        v._matches(r"\d+", "not_a_code")


def test_the_validator_takes_no_free_text() -> None:
    ctx = v._Ctx()
    with pytest.raises(TypeError, match="catalogue Reason"):
        ctx.add("settings.timezone", "is not a timezone")
    ctx.add("settings.timezone", reason("not_timezone", value="Mars/Base"))
    assert ctx.errors == [("settings.timezone",
                           '"Mars/Base" is not a known timezone (like "Asia/Shanghai")')]


def test_every_template_fills_in() -> None:
    for code, template in REASONS.items():
        built = reason(code, **{name: "x" for name in placeholders(template)})
        assert built.code == code and built.text
        assert not any("{" + name + "}" in built.text for name in placeholders(template))


@pytest.mark.parametrize("path", SITES)
def test_every_raise_site_names_a_catalogue_code(path: str) -> None:
    """A reason is built from a code literal of REASONS, never from text: no f-string
    or string goes to ctx.add, _Bad, ConfigError or ValueError as a reason. (A code
    that is a variable: `_matches(pattern, code)` checks its code when the table is
    built, `_Bad(exc.reason)` passes a parser's Reason on; the catalogue refuses
    an unknown code at run time anyway.)"""
    found = 0
    where = f"{path}:%d"
    for call in _calls(path):
        name, at = _name(call.func), where % call.lineno
        if name in BUILDERS and call.args:
            code = call.args[-1] if name == "_matches" else call.args[0]
            if isinstance(code, ast.Constant):
                assert code.value in REASONS, f"{at}: unknown code {code.value!r}"
                found += 1
            else:
                assert (isinstance(code, ast.Name) and code.id == "code") or \
                    (isinstance(code, ast.Attribute) and code.attr == "reason"), \
                    f"{at}: {name} needs a code"
        elif name in ("add", "flag") and _name(getattr(call.func, "value", call.func)) == "ctx":
            assert not _is_text(call.args[1]), f"{at}: ctx.{name} with text"
        elif name == "ValueError":
            assert not any(_is_text(a) for a in call.args), f"{at}: ValueError with text"
        elif name in ("ConfigError", "ConfigFileCorrupt"):
            pairs = [n for n in ast.walk(call) if isinstance(n, ast.Tuple) and len(n.elts) == 2]
            why = [p.elts[1] for p in pairs] + call.args[1:]
            assert not any(_is_text(w) for w in why), f"{at}: {name} with free text"
    assert found, f"{path}: no reason built here"


def test_a_refusal_has_english_pairs_and_coded_entries() -> None:
    d = example()
    d["settings"]["timezone"] = "Mars/Base"
    d["extensions"].append(dict(d["extensions"][0]))
    d["ring_groups"][0]["ring_time"] = "long"
    with pytest.raises(ConfigError) as refused:
        check_config(d)
    errors = dict(refused.value.errors)
    assert errors["settings.timezone"] == \
        '"Mars/Base" is not a known timezone (like "Asia/Shanghai")'
    assert errors["ring_groups[0].ring_time"] == "expected a whole number, got a string"
    entries = {e["field"]: e for e in refused.value.entries()}
    assert entries["settings.timezone"] == {
        "field": "settings.timezone", "code": "not_timezone", "params": {"value": "Mars/Base"},
        "reason": '"Mars/Base" is not a known timezone (like "Asia/Shanghai")'}
    assert entries["ring_groups[0].ring_time"]["params"] == {"wanted": "a whole number",
                                                             "got": "a string"}
    repeated = next(e for f, e in entries.items() if e["code"] == "repeats")
    assert repeated["params"]["what"] == "extension" and repeated["params"]["first"] == 0


def test_parsers_raise_coded_value_errors() -> None:
    d = example()
    d["schedule"]["mon"] = ["09:00-25:00", "18:00-18:00"]
    d["bound_numbers"][0]["number"] = "12345"
    with pytest.raises(ConfigError) as refused:
        check_config(d)
    codes = {f: r.code for f, r in refused.value.errors}
    assert codes["schedule.mon[0]"] == "not_time_of_day"
    assert codes["schedule.mon[1]"] == "range_empty"
    assert codes["bound_numbers[0].number"] == "not_valid_phone"
    with pytest.raises(ValueError) as bad:  # still a ValueError for everyone else
        v.phone_number("call me", "CN")
    assert isinstance(bad.value, BadValue) and bad.value.reason.code == "not_phone"


def test_migrations_and_plain_text_reasons() -> None:
    with pytest.raises(ConfigError) as refused:
        check_config({"schema_version": 99})
    (_, why), = refused.value.errors
    assert why.code == "version_too_new" and why.params == {"version": 99, "target": 2}
    assert "upgrade the firmware first" in why
    legacy = ConfigError([("x", "some words")])
    assert legacy.errors == [("x", "some words")]
    assert legacy.entries() == [{"field": "x", "reason": "some words", "code": "text",
                                 "params": {"text": "some words"}}]


def test_a_reason_is_its_english_text_and_survives_copies() -> None:
    why = reason("no_fxs_port", port="fxs9", known=[])
    assert why == 'no FXS port "fxs9" (lines.fxs has: none)' and isinstance(why, str)
    for again in (pickle.loads(pickle.dumps(why)), copy.deepcopy(why)):
        assert isinstance(again, Reason) and again.code == why.code
        assert again.params == why.params and again == why
    assert plain("as it came").as_dict() == {"code": "text", "params": {"text": "as it came"}}
