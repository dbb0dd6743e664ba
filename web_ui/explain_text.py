"""The routing engine's answer ("test a call", the duty preview) in the page's language.

`say(lang, reason)` says one reason of the engine: English as it came, Chinese from
its shape (web_ui/explain_shapes.py). `account(lang, result)` turns the answer
`BoxService.explain_call` gives into what the page shows: the ring order by the names
the owner knows, the ending in words, every rule tried, why, and each step of the
plan with its targets, times and exits, without internal codes.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache, lru_cache
from typing import Any

from web_ui import i18n
from web_ui.explain_shapes import JOINERS, NESTED, SHAPES
from web_ui.queue_words import queue_lines, queue_route_part

# parameters that are one token (a number, a line, a counter): never spaces
_TOKEN = frozenset({"n", "of", "max", "each", "total", "days", "line", "counter", "id",
                    "value", "step", "first", "number", "date", "year", "other", "day",
                    "time", "range"})
_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_DATE = re.compile(r"^\d{4}-\d\d-\d\d$")
_HOLIDAY = re.compile(r"^([^\x00-\x7f]+) [A-Z][\w' -]+$")  # chinese-calendar's names
_WHEN = re.compile(r"^(mon|tue|wed|thu|fri|sat|sun) (\d{4}-\d\d-\d\d \d\d:\d\d)( \S+)?$")


@cache
def _patterns() -> list[tuple[str, re.Pattern[str]]]:
    """Every shape as a pattern, the most specific first (the most literal text), so
    "closed, and a single outside line ..." wins over "closed, and {why}"."""
    out = []
    for code, (english, _zh) in SHAPES.items():
        parts = re.split(r"\{(\w+)\}", english)
        rx = "".join(re.escape(p) if i % 2 == 0 else _part(p) for i, p in enumerate(parts))
        literal = sum(len(p) for p in parts[::2])
        out.append((literal, code, re.compile(f"^{rx}$")))
    return [(code, rx) for _n, code, rx in sorted(out, key=lambda item: -item[0])]


def _part(name: str) -> str:
    """A parameter's pattern: one token, an instant as the engine prints it (so a
    reason in parentheses before it is not cut short), or any text."""
    if name == "when":
        return rf"(?P<when>{_WHEN.pattern[1:-1]})"
    return rf"(?P<{name}>\S+?)" if name in _TOKEN else rf"(?P<{name}>.+?)"


def _splits(code: str, text: str, rx: re.Pattern[str]) -> list[dict[str, str]]:
    """The ways `text` reads as shape `code`: its parameters at every place the
    template's literal text allows, a reason's parentheses balanced in each (so
    "(a weekend day worked): mon hours" is not cut inside the parentheses), at most
    `_MAX_SPLITS`; the pattern's own reading when none is balanced."""
    found = rx.match(text)
    if found is None:
        return []
    parts = _parts(code)
    out: list[dict[str, str]] = []

    def walk(i: int, pos: int, values: dict[str, str]) -> None:
        if len(out) >= _MAX_SPLITS:
            return
        if i == len(parts):
            if pos == len(text):
                out.append(dict(values))
            return
        if i % 2 == 0:
            if text.startswith(parts[i], pos):
                walk(i + 1, pos + len(parts[i]), values)
            return
        name, after = parts[i], parts[i + 1]
        last = i + 1 == len(parts) - 1
        ends = [len(text)] if last and not after else _places(text, after, pos + 1)
        for end in ends:
            if _fits(name, text[pos:end]):
                values[name] = text[pos:end]
                walk(i + 1, end, values)
        values.pop(name, None)

    walk(0, 0, {})
    return out or [found.groupdict()]


_MAX_SPLITS = 24
_RX_TOKEN = re.compile(r"\S+")
_PAIRS = (("(", ")"), ("（", "）"))


@cache
def _parts(code: str) -> tuple[str, ...]:
    return tuple(re.split(r"\{(\w+)\}", SHAPES[code][0]))


def _places(text: str, literal: str, start: int) -> list[int]:
    if not literal:
        return list(range(start, len(text) + 1))
    out, at = [], text.find(literal, start)
    while at >= 0:
        out.append(at)
        at = text.find(literal, at + 1)
    return out


def _split_outside(text: str, joiner: str) -> list[str]:
    """`text` split at `joiner` outside parentheses (a part may hold "(...; ...)")."""
    parts, depth, start, i = [], 0, 0, 0
    while i < len(text):
        if depth == 0 and text.startswith(joiner, i):
            parts.append(text[start:i])
            i = start = i + len(joiner)
            continue
        depth += (text[i] in "(（") - (text[i] in ")）")
        i += 1
    parts.append(text[start:])
    return parts


def _fits(name: str, value: str) -> bool:
    if not value:
        return False
    if name in _TOKEN:
        return bool(_RX_TOKEN.fullmatch(value))
    if name == "when":
        return bool(_WHEN.match(value))
    for opening, closing in _PAIRS:
        depth = 0
        for ch in value:
            depth += (ch == opening) - (ch == closing)
            if depth < 0:
                return False
        if depth:
            return False
    return True


def read(text: str) -> tuple[str, dict[str, str]] | None:
    """A reason's (code, params) by the first shape its English matches; None: unknown."""
    for code, rx in _patterns():
        splits = _splits(code, text, rx)
        if splits:
            return code, splits[0]
    return None


def say(lang: str, reason: Any) -> str:
    """`reason` in `lang`; one of an unknown shape as it came."""
    text = str(reason)
    if lang == "en" or not text:
        return text
    said = _say_zh(text)
    return text if said is None else said


@lru_cache(maxsize=4096)
def _say_zh(text: str) -> str | None:
    """Chinese for `text`: the most specific shape (and reading of it) whose nested
    reasons are all known (else the first that matched), or its parts joined; None:
    unknown."""
    first = None
    for code, rx in _patterns():
        for params in _splits(code, text, rx):
            words, whole = {}, True
            for name, value in params.items():
                words[name], known = _param(name, value)
                whole = whole and known
            said = SHAPES[code][1].format(**words)
            if whole:
                return said
            first = first or said
    if first is not None:
        return first
    for joiner, zh in JOINERS:  # a reason of several parts
        if joiner in text:
            parts = [_say_zh(p) for p in _split_outside(text, joiner)]
            if all(p is not None for p in parts):
                return zh.join(p for p in parts if p is not None)
    return None


_WORDS = {"(unknown)": "未知", "none": "无", "nobody": "无人", "a withheld number": "隐藏号码",
          "公司假日 company holiday": "公司假日"}  # (a company holiday the owner left unnamed)
_ENGLISH = re.compile(r"[A-Za-z]{3,}")


def _param(name: str, value: str) -> tuple[str, bool]:
    """A parameter in Chinese, and whether it is said whole (a nested reason of an
    unknown shape is not)."""
    if value in _WORDS:
        return _WORDS[value], True
    if name in NESTED:
        said = _say_zh(value)
        return (value, not _ENGLISH.search(value)) if said is None else (said, True)
    if name in ("day", "days"):
        days = value.split(",")
        known = all(d in _WEEKDAYS or _DATE.match(d) for d in days)
        return "、".join(_weekday(d) for d in days), known
    if name == "name" and _HOLIDAY.match(value):  # "国庆节 National Day": the Chinese
        return _HOLIDAY.match(value)[1], True
    if name == "when":
        return when_text(value), True
    if name in ("step", "first"):
        return step_name(i18n.translator("zh-CN"), value), True
    key = {"counter": f"counter_{value}", "kind": f"treatment_{value}"}.get(name)
    if key is not None and key in i18n.MESSAGES:
        return i18n.text("zh-CN", key), True
    return value, True


def _weekday(day: str) -> str:
    return i18n.text("zh-CN", f"dshort_{day}") if day in _WEEKDAYS else day


def holiday_name(lang: str, name: str) -> str:
    """A public holiday's name as chinese-calendar's names come ("国庆节 National Day"):
    the Chinese in Chinese, the English in English; any other name as it is."""
    found = _HOLIDAY.match(name or "")
    if not found:
        return name
    return found[1] if lang != "en" else name[len(found[1]):].strip()


def when_text(value: str) -> str:
    """"thu 2026-12-03 15:23 CST" -> "周四 2026-12-03 15:23"."""
    found = _WHEN.match(value)
    if not found:
        return value
    return f"{_weekday(found[1])} {found[2]}"


# --- the whole answer ------------------------------------------------------------------


def account(lang: str, result: dict[str, Any]) -> dict[str, Any]:
    """What the page shows of `result` (BoxService.explain_call) in `lang`."""
    _ = i18n.translator(lang)
    names = result.get("ring_names") or {}
    return {
        "order": [names.get(t, t) for t in result.get("targets", [])],
        "ending": ending(_, result.get("end") or {}),
        "on_duty": result.get("on_duty"),
        "rules": [{"what": trial_name(_, t), "matched": t.get("matched"),
                   "reason": say(lang, t.get("reason", ""))} for t in result.get("rules", [])],
        "reasons": [say(lang, r) for r in result.get("reasons", [])],
        "caps_reached": [say(lang, f"cap {c}") for c in result.get("caps_reached", [])],
        "steps": [step_lines(lang, _, s) for s in result.get("step_details", [])],
        "start": step_name(_, result.get("start") or ""),
    }


_MADE_IDS = ("preferred", "duty", "forward_chain", "hangup", "blocked", "cap_reached", "end",
             "busy", "announcement", "refused")


def route_words(lang: str, route: str) -> str:
    """A record's route as the call core wrote it ("route zhejiang > ring_group:sales >
    forward_chain > hangup") in the page's words: 路由 zhejiang > 振铃组 sales > ..."""
    if not route:
        return route
    _ = i18n.translator(lang)
    parts = []
    for part in route.split(" > "):
        if part.startswith("route "):
            parts.append(_("ex_rule_route") + " " + part.removeprefix("route "))
        elif part.startswith("queue "):
            parts.append(queue_route_part(_, part))
        elif part.partition(" ")[0] in KEYPAD_KINDS:
            parts.append(keypad_route_part(_, part))
        else:
            parts.append(step_name(_, part))
    return " > ".join(parts)


def step_name(_: Callable[..., str], step_id: str) -> str:
    """A step as the owner knows it: the routing engine's own ids ("ring_group:sales",
    "forward_chain") in words; a plan's steps by the ids the owner gave them."""
    kind, sep, name = step_id.partition(":")
    if sep and kind == "ring_group":
        return _("ex_id_ring_group", name=name)
    return _(f"ex_id_{step_id}") if step_id in _MADE_IDS else step_id


def ending(_: Callable[..., str], end: dict[str, str]) -> str:
    cause = end.get("cause", "connected")
    if cause == "connected":
        return _("ex_end_connected")
    if cause == "forwarded":
        return _("ex_end_forwarded", number=end.get("number", ""))
    if cause in ("voicemail", "sms_caller"):  # the plan's own endings (voicemail steps)
        return _(f"ex_end_{cause}", box=end.get("box", ""))
    return _("ex_end_hangup", cause=_(f"ex_cause_{cause}"),
             treatment=_(f"ex_treatment_{end.get('treatment', 'reject')}"))


def trial_name(_: Callable[..., str], trial: dict[str, Any]) -> str:
    """"route zhejiang customers", "blocking" (not "blocking blocking"), a cap by words."""
    kind, name = str(trial.get("kind", "")), str(trial.get("name", ""))
    if kind == "cap":
        line, _sep, counter = name.partition(" ")
        key = f"counter_{counter}"
        return _("ex_rule_cap", line=line, counter=_(key) if key in i18n.MESSAGES else counter)
    key = f"ex_rule_{kind}"
    word = _(key) if key in i18n.MESSAGES else kind
    return word if not name or name == kind else f"{word} {name}"


def step_lines(lang: str, _: Callable[..., str], step: dict[str, Any]) -> dict[str, Any]:
    """A plan step: its headline, each target's turn, and where each exit goes."""
    kind = step.get("kind", "")
    if kind == "queue":  # the hold queue (queue_words.py)
        return queue_lines(_, step, step_name)
    if kind == "ring_group":
        strategy = _(f"strategy_{step.get('strategy')}")
        head = _("ex_step_group", name=step.get("name", ""), strategy=strategy,
                 each=step.get("ring_time_s"), total=step.get("total_ring_time_s"))
    elif kind in KEYPAD_KINDS:
        head = keypad_head(_, step)
    elif kind == "voicemail":
        head = _("ex_step_voicemail", box=step.get("box", ""), max_s=step.get("max_s"),
                 silence_s=step.get("silence_s"), greeting=step.get("greeting", ""))
    elif kind == "hangup":
        head = _("ex_step_hangup", cause=_(f"ex_cause_{step.get('cause')}"),
                 why=say(lang, step.get("reason", "")))
    else:
        head = _("ex_step_" + kind, why=say(lang, step.get("reason", ""))) \
            if f"ex_step_{kind}" in i18n.MESSAGES else f"{kind}: {say(lang, step.get('reason'))}"
    rings = [_("ex_ring", target=r["target"], start=_num(r["start_s"]), end=_num(r["end_s"]))
             + (_("ex_ring_cut") if r.get("cut") else "") for r in step.get("rings", [])]
    rings += [_("ex_not_reached", target=t) for t in step.get("not_reached", [])]
    return {"id": step_name(_, step.get("id") or ""), "head": head, "rings": rings,
            "exits": exits_text(_, step.get("exits") or {})}


def exits_text(_: Callable[..., str], exits: dict[str, str]) -> str:
    """"answered -> done; busy, no_answer -> duty" in words."""
    by_target: dict[str, list[str]] = {}
    for exit, target in exits.items():
        by_target.setdefault(target, []).append(exit_word(_, exit))
    return _("ex_sep").join(_("ex_exit_to", exits=_("ex_list").join(words),
                              to=_("ex_done") if target == "done" else step_name(_, target))
                            for target, words in by_target.items())


KEYPAD_KINDS = ("menu", "pin", "verify", "greeting")


def exit_word(_: Callable[..., str], exit: str) -> str:
    """An exit in words: a menu's key ("key 1"), a fixed exit, or a verification step's
    own exit name as the owner wrote it."""
    if len(exit) == 1:
        return _("ex_exit_key", digit=exit)
    return _(f"ex_exit_{exit}") if f"ex_exit_{exit}" in i18n.MESSAGES else exit


def keypad_route_part(_: Callable[..., str], part: str) -> str:
    """"menu main:1" (a record's route) in words: 菜单 main：按 1; an extension keyed,
    "menu main:803": 分机 803; "pin check:ok": 密码验证 check：通过."""
    kind, _sep, rest = part.partition(" ")
    step, sep, choice = rest.partition(":")
    said = _(f"ex_route_{kind}", id=step)
    if not sep:
        return said
    if len(choice) > 1 and choice.isdigit():
        return _("ex_route_choice", step=said, choice=_("ex_route_extension", number=choice))
    return _("ex_route_choice", step=said, choice=exit_word(_, choice))


def keypad_head(_: Callable[..., str], step: dict[str, Any]) -> str:
    """A menu, PIN or verification step from `step_details` (never a PIN)."""
    kind = step.get("kind")
    if kind == "greeting":
        state = step.get("schedule")
        return _("ex_step_greeting", prompt=step.get("prompt"),
                 schedule=_(f"ex_exit_{state}") if state else _("ex_greeting_own")) + (
            _("ex_greeting_skip") if step.get("skippable") else "")
    if kind == "menu":
        return _("ex_step_menu", prompt=step.get("prompt"), timeout=step.get("timeout_s"),
                 tries=step.get("max_tries")) + (
            _("ex_menu_direct") if step.get("direct_dial") else "")
    if kind == "pin":
        return _("ex_step_pin", pins=step.get("pins"), digits=step.get("max_digits"),
                 tries=step.get("tries"))
    against = [_("ex_verify_list", n=step.get("numbers"))] if step.get("numbers") else []
    if step.get("hook"):
        against.append(_("ex_verify_hook", url=step["hook"].get("url")))
    return _("ex_step_verify", low=step.get("min_digits"), high=step.get("max_digits"),
             against=_("ex_list").join(against), tries=step.get("tries"))


def _num(value: Any) -> str:
    return f"{value:g}" if isinstance(value, (int, float)) else str(value)
